using System.Globalization;
using Concord.IO.Star;
using Concord.Picking;
using Concord.Picking.Evaluation;

namespace Concord.Cli.Tests.Interop;

/// <summary>
/// Side by side with <c>relion_autopick --LoG</c> on the same two simulated micrographs (the pick tests' fixture: 512²,
/// 1.5 Å/px, 80 Å particles, 15% junk): Concord's LoG picker finds the true particles at least as well as RELION's,
/// scored the same way (one-to-one within a quarter diameter). The full comparison, with timings and the consensus
/// chain, is the <c>pick-vs-relion</c> bench.
/// </summary>
public sealed class RelionAutopickInteropTests(PickMicrographsFixture mics, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<PickMicrographsFixture>
{
    [FactRequiresRelion]
    public void Concord_log_is_at_least_as_accurate_as_relion_autopick_log()
    {
        // RELION's paths are relative to the folder it runs in: list the micrographs by name in that folder.
        var optics = new StarTable([StarLabels.OpticsGroupName, StarLabels.OpticsGroup, StarLabels.MicrographPixelSize, StarLabels.Voltage,
            StarLabels.SphericalAberration, StarLabels.AmplitudeContrast]);
        optics.AddRow("opticsGroup1", "1", "1.5", "300", "2.7", "0.1");
        var table = new StarTable([StarLabels.MicrographName, StarLabels.OpticsGroup]);
        foreach (string mic in mics.Micrographs)
            table.AddRow(Path.GetFileName(mic), "1");
        var document = new StarDocument();
        document.Add("optics").Loops.Add(optics);
        document.Add("micrographs").Loops.Add(table);
        StarWriter.Write(Path.Combine(mics.Dir, "autopick_micrographs.star"), document);
        const double d = PickMicrographsFixture.DiameterA;
        string arguments = FormattableString.Invariant(
            $"--i autopick_micrographs.star --odir RelionLoG/ --pickname autopick --LoG --LoG_diam_min {0.875 * d} --LoG_diam_max {1.125 * d} --shrink 0 --lowpass 20");
        Assert.True(RelionTool.Run("relion_autopick", arguments, mics.Dir, out var log) == 0, log);
        string dir = Path.Combine(mics.Dir, "concord-log-vs-relion");
        var result = CliHarness.Run(["pick", .. mics.Micrographs, "--diameter", d.ToString(CultureInfo.InvariantCulture), "--method", "log", "-o", dir, "--no-plots"]);
        Assert.True(result.ExitCode == 0, result.Stderr);

        double radiusPx = 0.25 * d / PickMicrographsFixture.PixelSizeA;
        PickingScore relion = PickingScore.Empty, concord = PickingScore.Empty;
        var ours = Read(Path.Combine(dir, "coordinates.star"));
        foreach (string mic in mics.Micrographs)
        {
            string stem = Path.GetFileNameWithoutExtension(mic);
            string relionStar = Path.Combine(mics.Dir, "RelionLoG", stem + "_autopick.star");
            var theirs = File.Exists(relionStar) ? Read(relionStar).Values.SelectMany(p => p).ToList() : [];
            relion = relion.Plus(PickingScore.Compute(theirs, mics.Truth[mic], radiusPx));
            concord = concord.Plus(PickingScore.Compute(ours.GetValueOrDefault(mic) ?? [], mics.Truth[mic], radiusPx));
        }
        output.WriteLine($"relion_autopick --LoG: {relion}, F1 {relion.F1:F3}");
        output.WriteLine($"concord pick --method log: {concord}, F1 {concord.F1:F3}");
        Assert.True(concord.F1 >= relion.F1 - 0.03, $"Concord LoG F1 {concord.F1:F3} vs RELION LoG F1 {relion.F1:F3}");
    }

    /// <summary>Picks per rlnMicrographName (RELION's per-micrograph files have no such column: one key, "").</summary>
    private static Dictionary<string, List<Pick>> Read(string path)
    {
        var table = StarReader.Read(path).Blocks.Select(b => b.Loop).First(l => l is not null && l.HasColumn(StarLabels.CoordinateX))!;
        bool named = table.HasColumn(StarLabels.MicrographName);
        return Enumerable.Range(0, table.RowCount)
            .GroupBy(r => named ? table.GetString(r, StarLabels.MicrographName) : "")
            .ToDictionary(g => g.Key, g => g.Select(r => new Pick(table.GetDouble(r, StarLabels.CoordinateX), table.GetDouble(r, StarLabels.CoordinateY), 0)).ToList());
    }
}
