using Concord.Core.Fourier;
using Concord.Ctf;
using Concord.IO.Mrc;
using Concord.IO.Star;
using Concord.Simulation.Micrographs;
using Concord.Simulation.Movies;

namespace Concord.Cli.Tests;

public sealed class CtfVerbTests : IDisposable
{
    private static readonly CtfTestMicrographOptions Options = new() { Width = 768, Height = 768, SpecimenPhaseRad = 0.2, EnvelopeBFactorA2 = 40 };

    private readonly string _dir = Directory.CreateTempSubdirectory("concord-ctf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>Writes micrographs with the given defects; returns their paths and true mean defocus.</summary>
    private List<(string Path, double DefocusA)> WriteMicrographs(params MicrographDefect[] defects)
    {
        using var fft = FftBackends.CreateDeterministic();
        var generator = new CtfTestMicrographs(Options, fft);
        var written = new List<(string, double)>();
        for (int i = 0; i < defects.Length; i++)
        {
            using var m = generator.Generate(i, 11, defects[i]);
            string path = PathOf($"mic_{i}.mrc");
            MrcWriter.Write(path, m.Micrograph);
            written.Add((path, m.Ctf.DefocusAverageA));
        }
        return written;
    }

    private static string[] Args(string output, params string[] rest) =>
        ["ctf", .. rest, "-o", output, "--voltage", "300", "--cs", "2.7", "--amplitude-contrast", "0.07", "--threads", "2"];

    [Fact]
    public void Writes_estimates_plots_and_the_selection_with_reasons()
    {
        var mics = WriteMicrographs(MicrographDefect.None, MicrographDefect.StrongAstigmatism);
        string output = PathOf("out");
        var result = CliHarness.Run(Args(output, [.. mics.Select(m => m.Path), "--consensus", "--json"]));
        Assert.True(result.ExitCode == 0, result.Stderr);

        var table = StarReader.Read(Path.Combine(output, "micrographs_ctf.star")).Require("micrographs").RequireLoop();
        Assert.Equal(2, table.RowCount);
        double defocus = 0.5 * (table.GetDouble(0, StarLabels.DefocusU) + table.GetDouble(0, StarLabels.DefocusV));
        Assert.InRange(defocus / mics[0].DefocusA, 0.98, 1.02);
        Assert.True(table.GetDouble(0, StarLabels.DefocusU) >= table.GetDouble(0, StarLabels.DefocusV));
        Assert.True(File.Exists(Path.Combine(output, "plots", "mic_0_spectrum.png")));
        Assert.True(File.Exists(Path.Combine(output, "plots", "mic_0_fit.png")));

        var accepted = StarReader.Read(Path.Combine(output, "accepted_micrographs.star")).Require("micrographs").RequireLoop();
        var rejected = StarReader.Read(Path.Combine(output, "rejected_micrographs.star")).Require("micrographs").RequireLoop();
        Assert.Equal(1, accepted.RowCount);
        Assert.Equal(1, rejected.RowCount);
        Assert.EndsWith("mic_1.mrc", rejected.GetString(0, StarLabels.MicrographName));
        Assert.StartsWith("astigmatism", rejected.GetString(0, StarLabels.ConcordRejectionReason));
    }

    [Fact]
    public void Reads_a_micrographs_star_and_continues_past_a_missing_file()
    {
        var mics = WriteMicrographs(MicrographDefect.None);
        File.WriteAllText(PathOf("corrected_micrographs.star"), $"""
            data_optics

            loop_
            _rlnOpticsGroupName #1
            _rlnOpticsGroup #2
            _rlnMicrographPixelSize #3
            opticsGroup1 1 {Options.PixelSizeA}

            data_micrographs

            loop_
            _rlnMicrographName #1
            _rlnOpticsGroup #2
            mic_0.mrc 1
            missing.mrc 1

            """);
        string output = PathOf("out");
        var result = CliHarness.Run(Args(output, PathOf("corrected_micrographs.star"), "--no-plots"));
        Assert.True(result.ExitCode == 0, result.Stderr);
        var table = StarReader.Read(Path.Combine(output, "micrographs_ctf.star")).Require("micrographs").RequireLoop();
        Assert.Equal(1, table.RowCount);
        Assert.Equal("mic_0.mrc", table.GetString(0, StarLabels.MicrographName));
        Assert.False(Directory.Exists(Path.Combine(output, "plots")));
    }

    [Fact]
    public void Fails_clearly_when_nothing_can_be_estimated_or_the_method_is_unknown()
    {
        Assert.Equal(2, CliHarness.Run(Args(PathOf("out"), PathOf("none.mrc"))).ExitCode);
        var mics = WriteMicrographs(MicrographDefect.None);
        Assert.Equal(2, CliHarness.Run(Args(PathOf("out2"), mics[0].Path, "--method", "nonsense")).ExitCode);
        Assert.Equal(0, CliHarness.Run(Args(PathOf("out3"), mics[0].Path, "--method", "b", "--no-plots")).ExitCode);
    }
}
