using System.Diagnostics;
using System.Text.Json;

namespace Concord.Cli.Tests.Interop;

/// <summary>Skips (with the reason printed by xunit) when RELION's programs are not on PATH.</summary>
public sealed class FactRequiresRelionAttribute : FactAttribute
{
    public FactRequiresRelionAttribute()
    {
        if (!RelionTool.Available)
            Skip = "relion_reconstruct not found on PATH (bash .ci/run installs Debian's relion as root)";
    }
}

internal static class RelionTool
{
    public static bool Available { get; } = Run("relion_reconstruct", "--version", Directory.GetCurrentDirectory(), out _) >= 0;

    /// <summary>Runs a program in <paramref name="folder"/>; −1 when it cannot be started.</summary>
    public static int Run(string program, string arguments, string folder, out string output)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(program, arguments)
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var stderr = p.StandardError.ReadToEndAsync();
            output = p.StandardOutput.ReadToEnd() + stderr.Result;
            p.WaitForExit();
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            output = e.Message;
            return -1;
        }
    }
}

/// <summary>
/// Side by side with RELION on the same simulated STAR: RELION reads Concord's particle file and stacks, and both
/// reconstructions reach FSC 0.5 against the true map within one Fourier shell of each other.
/// </summary>
public sealed class RelionReconstructInteropTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("concord-relion-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [FactRequiresRelion]
    public void Relion_reads_the_simulated_particles_and_both_maps_match_the_truth_alike()
    {
        Assert.Equal(0, CliHarness.Run("simulate", "--preset", "tiny", "--out", _dir).ExitCode);
        // RELION reads every truth table Concord writes.
        foreach (var star in new[] { "particles.star", "movies.star", "truth/micrographs.star", "truth/coordinates.star" })
            Assert.True(RelionTool.Run("relion_star_handler", $"--i {star} --o checked.star", _dir, out var log) == 0, $"{star}: {log}");
        Assert.Equal(0, RelionTool.Run("relion_reconstruct", "--i particles.star --o relion.mrc --ctf", _dir, out var log2) == 0 ? 0 : throw new Xunit.Sdk.XunitException(log2));
        Assert.Equal(0, CliHarness.Run("reconstruct", Path.Combine(_dir, "particles.star"), "-o", Path.Combine(_dir, "concord.mrc")).ExitCode);
        double Resolution(string map)
        {
            var r = CliHarness.Run("fsc", Path.Combine(_dir, map), Path.Combine(_dir, "truth", "map.mrc"), "-o", Path.Combine(_dir, map + "_fsc"), "--json");
            Assert.Equal(0, r.ExitCode);
            using var json = JsonDocument.Parse(r.Stdout);
            return json.RootElement.GetProperty("resolutionAt05A").GetDouble();
        }
        double relion = Resolution("relion.mrc"), concord = Resolution("concord.mrc");
        // One Fourier shell at 5–10 Å in a 40-px box of 2.5 Å is ≈ (1/res) ± 1/100 Å⁻¹.
        double shell = 1 / (40 * 2.5);
        Assert.True(1 / concord >= 1 / relion - shell, $"Concord FSC 0.5 at {concord:F2} Å, RELION at {relion:F2} Å");
    }

    [FactRequiresRelion]
    public void Concord_and_relion_maps_correlate_when_the_data_determine_them()
    {
        // 3,000 particles at SNR 1: where the data fix the map, the two reconstructions must agree voxel by voxel.
        // (At 300 particles and SNR 0.2 they still agree in every shell's phases but differ in how the noise-dominated
        // shells near Nyquist are weighted, which lowers the real-space correlation to ≈ 0.92.)
        Assert.Equal(0, CliHarness.Run("simulate", "--preset", "tiny", "--out", _dir, "--no-movies", "--particles", "3000", "--snr", "1").ExitCode);
        Assert.True(RelionTool.Run("relion_reconstruct", "--i particles.star --o relion.mrc --ctf", _dir, out var log) == 0, log);
        Assert.Equal(0, CliHarness.Run("reconstruct", Path.Combine(_dir, "particles.star"), "-o", Path.Combine(_dir, "concord.mrc")).ExitCode);
        float[] Read(string name)
        {
            using var reader = Concord.IO.Mrc.MrcReader.Open(Path.Combine(_dir, name));
            using var volume = reader.ReadVolume();
            return volume.Span.ToArray();
        }
        var a = Read("concord.mrc");
        var b = Read("relion.mrc");
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        double correlation = sab / Math.Sqrt(saa * sbb);
        Assert.True(correlation >= 0.99, $"Concord vs relion_reconstruct map correlation {correlation:F4}");
    }
}
