using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Simulation.Micrographs;
using Concord.Simulation.Movies;

namespace Concord.Ctf.Tests;

/// <summary>Seeded CTF test micrographs and the error measures the acceptance criteria use.</summary>
internal static class TestMicrographs
{
    /// <summary>
    /// 1024² micrographs hold a sixteenth of a 4096² one's area, so their spectra average far fewer tiles; a stronger
    /// specimen (0.2 rad) and a milder envelope (B = 40 Å²) stand in for the lost averaging, so that good micrographs
    /// show Thon rings beyond 5 Å as full-size ones do.
    /// </summary>
    public static readonly CtfTestMicrographOptions Options = new() { Width = 1024, Height = 1024, SpecimenPhaseRad = 0.2, EnvelopeBFactorA2 = 40 };

    public static CtfEstimationSettings SettingsFor(CtfTestMicrographOptions o) => new()
    {
        VoltageKv = o.VoltageKv,
        SphericalAberrationMm = o.SphericalAberrationMm,
        AmplitudeContrast = o.AmplitudeContrast,
        MinDefocusA = 3000,
        MaxDefocusA = 40000,
    };

    public static CtfTestMicrograph Make(int index, int seed, MicrographDefect defect = MicrographDefect.None, CtfTestMicrographOptions? options = null)
    {
        using var fft = FftBackends.CreateDeterministic();
        return new CtfTestMicrographs(options ?? Options, fft).Generate(index, seed, defect);
    }

    /// <summary>The larger of the relative errors of U and V.</summary>
    public static double RelativeDefocusError(CtfParameters estimate, CtfParameters truth) =>
        Math.Max(Math.Abs(estimate.DefocusUA - truth.DefocusUA) / truth.DefocusUA, Math.Abs(estimate.DefocusVA - truth.DefocusVA) / truth.DefocusVA);

    /// <summary>Difference of the astigmatism axes modulo 180°, in [0°, 90°].</summary>
    public static double AngleErrorDeg(CtfParameters estimate, CtfParameters truth)
    {
        double d = Math.Abs(estimate.DefocusAngleDeg - truth.DefocusAngleDeg) % 180;
        return Math.Min(d, 180 - d);
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }
}
