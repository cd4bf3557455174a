using System.Globalization;
using Concord.Core.Fourier;
using Concord.IO.Mrc;
using Concord.Simulation.Micrographs;
using Concord.Simulation.Movies;

namespace Concord.Cli.Tests.Interop;

/// <summary>
/// RELION 3.1 reads `concord ctf`'s STAR files: relion_star_printtable returns the defocus and maximum resolution of
/// micrographs_ctf.star and of rejected_micrographs.star, whose readable reason (quoted, with spaces) is the last
/// column so that a reader that does not honour quotes still sees every other column in place.
/// </summary>
public sealed class CtfStarInteropTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("concord-ctf-relion-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [FactRequiresRelion]
    public void Relion_reads_the_estimates_and_the_rejected_micrographs()
    {
        using (var fft = FftBackends.CreateDeterministic())
        {
            var options = new CtfTestMicrographOptions { Width = 512, Height = 512, SpecimenPhaseRad = 0.2, EnvelopeBFactorA2 = 40 };
            using var m = new CtfTestMicrographs(options, fft).Generate(0, 3, MicrographDefect.StrongAstigmatism);
            MrcWriter.Write(Path.Combine(_dir, "mic.mrc"), m.Micrograph);
        }
        var run = CliHarness.Run("ctf", Path.Combine(_dir, "mic.mrc"), "-o", Path.Combine(_dir, "ctf"), "--amplitude-contrast", "0.07", "--consensus", "--no-plots");
        Assert.True(run.ExitCode == 0, run.Stderr);

        foreach (string star in new[] { "micrographs_ctf.star", "rejected_micrographs.star" })
        {
            int code = RelionTool.Run("relion_star_printtable", $"{star} data_micrographs rlnDefocusU rlnDefocusV rlnCtfMaxResolution",
                Path.Combine(_dir, "ctf"), out string output);
            Assert.True(code == 0, output);
            var values = output.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)
                .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(3, values.Length);
            Assert.True(values[0] - values[1] > 3000, $"{star}: U {values[0]}, V {values[1]}");
        }
    }
}
