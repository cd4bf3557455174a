using Concord.Protocols.Protocols.Ctf;
using Concord.Protocols.Sets;
using Concord.Protocols.Tests.Infrastructure;
using Concord.Workflow.Projects;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Tests;

[Collection(TinyProjectCollection.Name)]
public sealed class CtfEstimateProtocolTests(TinyProject tiny)
{
    [Fact]
    public void Every_kept_micrograph_gets_one_ctf_keyed_by_its_movie_within_the_searched_range()
    {
        var micrographs = tiny.Rows(EmKinds.CorrectedMicrograph, "motion.micrographs");
        var ctfs = tiny.Rows(EmKinds.Ctf, "ctf.ctfs");
        // Per-item provenance: one CTF per micrograph, same key, pointing at that micrograph's file.
        Assert.Equal(micrographs.Select(m => (m.Key, m.Row.Path)), ctfs.Select(c => (c.Key, c.Row.MicrographPath)));
        Assert.NotEmpty(ctfs);
        Assert.All(ctfs, c =>
        {
            Assert.Null(c.Reason);
            Assert.True(c.Row.DefocusUA >= c.Row.DefocusVA);
            Assert.InRange(c.Row.DefocusVA, 5000, 40000);
            Assert.InRange(c.Row.DefocusUA, 5000, 40000);
            Assert.True(double.IsFinite(c.Row.FitScore));
        });
    }

    [Fact]
    public void Tiny_micrographs_are_scored_against_the_truth_and_flagged_as_too_small()
    {
        var report = System.Text.Json.JsonSerializer.Deserialize<CtfEstimateReport>(tiny.Project.Reports(tiny.Run("ctf").Id)[CtfEstimateProtocol.ReportName])!;
        var ctfs = tiny.Rows(EmKinds.Ctf, "ctf.ctfs");
        Assert.Equal(ctfs.Count, report.Estimated);
        Assert.Equal(0, report.Failed);
        Assert.Null(report.StartFrom);
        // simulate.files carries truth/micrographs.star: every micrograph is matched through its movie.
        Assert.NotNull(report.Truth);
        Assert.Equal(ctfs.Count, report.Truth.Scored);
        Assert.All(report.Truth.Micrographs, m => Assert.InRange(m.TrueDefocusUA, 5000, 40000));
        Assert.Contains(report.Warnings, w => w.Contains("256×256 px are too small", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_estimate_has_its_diagnostic_png_and_1d_fit_png()
    {
        var ctfs = tiny.Rows(EmKinds.Ctf, "ctf.ctfs");
        var plots = tiny.Rows(BuiltInKinds.File, "ctf.plots");
        Assert.Equal(ctfs.Select(c => c.Key), plots.Select(p => p.Key));
        foreach (var path in ctfs.Select(c => c.Row.DiagnosticPath!).Concat(plots.Select(p => p.Row.Path)))
            CtfProtocolAssert.IsPng(tiny.Project.Resolve(path));
    }
}

internal static class CtfProtocolAssert
{
    public static void IsPng(string path)
    {
        Assert.True(File.Exists(path), path);
        var header = new byte[8];
        using (var stream = File.OpenRead(path))
            Assert.Equal(8, stream.Read(header));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, header);
        Assert.True(new FileInfo(path).Length > 2000, $"{path} is too small to hold a figure");
    }
}
