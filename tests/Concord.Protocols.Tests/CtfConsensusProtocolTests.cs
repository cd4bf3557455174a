using Concord.IO.Star;
using Concord.Protocols.Protocols.Ctf;
using Concord.Protocols.Sets;
using Concord.Protocols.Tests.Infrastructure;
using Concord.Workflow.Sets;
using Xunit.Abstractions;

namespace Concord.Protocols.Tests;

/// <summary>ctf.estimate (start set, truth, plots) and ctf.consensus on test micrographs whose CTF and defects are known.</summary>
[Collection(CtfMicrographProjectCollection.Name)]
public sealed class CtfConsensusProtocolTests(CtfMicrographProject ctf, ITestOutputHelper output)
{
    private static readonly string[] Good = [CtfMicrographProject.Key(0), CtfMicrographProject.Key(1), CtfMicrographProject.Key(2), CtfMicrographProject.Key(3)];
    private static readonly string NoSignal = CtfMicrographProject.Key(4), Astigmatic = CtfMicrographProject.Key(5), ThickIce = CtfMicrographProject.Key(6);

    [Fact]
    public void Good_micrographs_are_accepted_with_a_combined_defocus_close_to_the_truth()
    {
        var accepted = ctf.Rows(EmKinds.Ctf, "consensus.accepted");
        var rejected = ctf.Rows(EmKinds.Ctf, "consensus.rejected");
        foreach (var r in rejected)
            output.WriteLine($"{r.Key}: {r.Reason}");
        Assert.Equal(Good, accepted.Select(a => a.Key));
        Assert.Equal([NoSignal, Astigmatic, ThickIce], rejected.Select(r => r.Key));
        var report = ctf.Report<CtfConsensusReport>("consensus", CtfConsensusProtocol.ReportName);
        Assert.NotNull(report.Truth);
        Assert.Equal(4, report.Truth.Scored);
        output.WriteLine($"accepted defocus error: median {report.Truth.MedianRelativeError:P2}, max {report.Truth.MaxRelativeError:P2}");
        Assert.InRange(report.Truth.MaxRelativeError, 0, 0.03);
        // The combined CTF lies between (or on) the two estimates it averages.
        var a = ctf.Rows(EmKinds.Ctf, "ctf_a.ctfs").ToDictionary(r => r.Key, r => r.Row);
        var b = ctf.Rows(EmKinds.Ctf, "ctf_b.ctfs").ToDictionary(r => r.Key, r => r.Row);
        Assert.All(accepted, x => Assert.InRange(x.Row.DefocusUA, Math.Min(a[x.Key].DefocusUA, b[x.Key].DefocusUA) - 1e-6, Math.Max(a[x.Key].DefocusUA, b[x.Key].DefocusUA) + 1e-6));
    }

    [Fact]
    public void Rejections_give_the_reason_the_defect_implies_and_the_report_counts_each_reason()
    {
        var rejected = ctf.Rows(EmKinds.Ctf, "consensus.rejected").ToDictionary(r => r.Key, r => r.Reason!);
        Assert.True(rejected[NoSignal].Contains("max_resolution:", StringComparison.Ordinal) || rejected[NoSignal].Contains("fit_score:", StringComparison.Ordinal), rejected[NoSignal]);
        Assert.Contains("astigmatism:", rejected[Astigmatic], StringComparison.Ordinal);
        var report = ctf.Report<CtfConsensusReport>("consensus", CtfConsensusProtocol.ReportName);
        Assert.Equal((7, 4, 3), (report.Micrographs, report.Accepted, report.Rejected));
        Assert.Equal(["ctf_a.ctfs", "ctf_b.ctfs"], report.Sources);
        // Each reason is "category: sentence"; the report counts the micrographs failing each category.
        var categories = rejected.Values.SelectMany(r => r.Split("; ")).Select(r => r[..r.IndexOf(':', StringComparison.Ordinal)])
            .GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(categories.OrderBy(kv => kv.Key, StringComparer.Ordinal), report.RejectedBy.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.Equal(2, report.RejectedBy["astigmatism"]);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void The_thick_ice_micrograph_is_rejected_by_the_ice_ring_rule_and_good_ones_pass_it()
    {
        var a = ctf.Rows(EmKinds.Ctf, "ctf_a.ctfs").ToDictionary(r => r.Key, r => r.Row);
        foreach (var (key, row) in a)
            output.WriteLine($"{key}: ice ring ratio {row.IceRingRatio:0.000}");
        // The periodogram method measures the ratio; the parametric one does not, so the consensus judges ctf_a's.
        Assert.All(a.Values, r => Assert.NotNull(r.IceRingRatio));
        Assert.All(ctf.Rows(EmKinds.Ctf, "ctf_b.ctfs"), r => Assert.Null(r.Row.IceRingRatio));
        Assert.All(Good, k => Assert.InRange(a[k].IceRingRatio!.Value, 0, new CtfConsensusParameters().MaxIceRing));
        Assert.True(a[ThickIce].IceRingRatio > new CtfConsensusParameters().MaxIceRing, $"thick ice ratio {a[ThickIce].IceRingRatio}");

        var rejected = ctf.Rows(EmKinds.Ctf, "consensus.rejected").ToDictionary(r => r.Key);
        string iceReason = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"ice_ring: ice ring ratio {a[ThickIce].IceRingRatio:0.00} above 1.5");
        Assert.Contains(iceReason, rejected[ThickIce].Reason!.Split("; "));
        Assert.Equal(a[ThickIce].IceRingRatio, rejected[ThickIce].Row.IceRingRatio);
        Assert.DoesNotContain(rejected.Values, r => r.Key != ThickIce && r.Reason!.Contains("ice_ring:", StringComparison.Ordinal));
        Assert.All(ctf.Rows(EmKinds.Ctf, "consensus.accepted"), r => Assert.Equal(a[r.Key].IceRingRatio, r.Row.IceRingRatio));
        Assert.Equal(1, ctf.Report<CtfConsensusReport>("consensus", CtfConsensusProtocol.ReportName).RejectedBy["ice_ring"]);
    }

    [Fact]
    public void Accepted_and_rejected_star_files_hold_the_relion_ctf_columns_and_the_reasons()
    {
        var files = ctf.Rows(BuiltInKinds.File, "consensus.star").ToDictionary(f => f.Key, f => ctf.Project.Resolve(f.Row.Path));
        var accepted = StarReader.Read(files["accepted_micrographs.star"]).Find("micrographs")!.RequireLoop("accepted");
        var rejected = StarReader.Read(files["rejected_micrographs.star"]).Find("micrographs")!.RequireLoop("rejected");
        Assert.Equal(4, accepted.RowCount);
        Assert.Equal(3, rejected.RowCount);
        var rows = ctf.Rows(EmKinds.Ctf, "consensus.accepted");
        for (int i = 0; i < accepted.RowCount; i++)
        {
            Assert.Equal(rows[i].Row.MicrographPath, accepted.GetString(i, StarLabels.MicrographName));
            Assert.Equal(rows[i].Row.DefocusUA, accepted.GetDouble(i, StarLabels.DefocusU), 3);
            Assert.Equal("None", accepted.GetString(i, StarLabels.ConcordRejectionReason));
            Assert.Equal(rows[i].Row.IceRingRatio!.Value, accepted.GetDouble(i, StarLabels.ConcordCtfIceRingRatio), 5);
        }
        Assert.Contains("astigmatism", rejected.GetString(1, StarLabels.ConcordRejectionReason), StringComparison.Ordinal);
    }

    [Fact]
    public void The_parametric_run_starts_from_the_periodogram_estimates_when_given_them()
    {
        var started = ctf.Report<CtfEstimateReport>("ctf_b", CtfEstimateProtocol.ReportName);
        var alone = ctf.Report<CtfEstimateReport>("ctf_b_alone", CtfEstimateProtocol.ReportName);
        Assert.Equal("ctf_a.ctfs", started.StartFrom);
        Assert.Null(alone.StartFrom);
        // Deterministic estimators: without the start both runs would be identical to the last bit.
        var b = ctf.Rows(EmKinds.Ctf, "ctf_b.ctfs");
        var b0 = ctf.Rows(EmKinds.Ctf, "ctf_b_alone.ctfs");
        Assert.Equal(b.Select(r => r.Key), b0.Select(r => r.Key));
        Assert.Contains(b.Zip(b0), p => Math.Abs(p.First.Row.DefocusUA - p.Second.Row.DefocusUA) > 1e-3);
        Assert.NotNull(started.Truth);
        foreach (var m in started.Truth.Micrographs)
            output.WriteLine($"{m.Micrograph}: truth {m.TrueDefocusUA:F0}/{m.TrueDefocusVA:F0}, started {m.DefocusUA:F0}/{m.DefocusVA:F0}, error {m.RelativeError:P2}");
        Assert.All(started.Truth.Micrographs.Where(m => Good.Contains(m.Micrograph)), m => Assert.InRange(m.RelativeError, 0, 0.03));
    }

    [Fact]
    public void Plots_follow_the_parameter()
    {
        var a = ctf.Rows(EmKinds.Ctf, "ctf_a.ctfs");
        Assert.Equal(7, a.Count);
        Assert.All(a, r => CtfProtocolAssert.IsPng(ctf.Project.Resolve(r.Row.DiagnosticPath!)));
        Assert.Equal(7, ctf.Rows(BuiltInKinds.File, "ctf_a.plots").Count);
        Assert.All(ctf.Rows(EmKinds.Ctf, "ctf_b.ctfs"), r => Assert.Null(r.Row.DiagnosticPath));
        Assert.Empty(ctf.Rows(BuiltInKinds.File, "ctf_b.plots"));
    }

    [Fact]
    public void Unusable_thresholds_are_refused_before_a_run()
    {
        Assert.Empty(new CtfConsensusParameters().Validate());
        Assert.Contains(new CtfConsensusParameters { MinDefocusA = 20000, MaxDefocusA = 10000 }.Validate(), e => e.Parameter == "min_defocus_a");
        Assert.Contains(new CtfConsensusParameters { MaxIceRing = 0 }.Validate(), e => e.Parameter == "max_ice_ring");
        Assert.NotEmpty(new CtfEstimateParameters { Method = "nonesuch" }.Validate());
        Assert.NotEmpty(new CtfEstimateParameters { MinResolutionA = 4, MaxResolutionA = 5 }.Validate());
    }
}
