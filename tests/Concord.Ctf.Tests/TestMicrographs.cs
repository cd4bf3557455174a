using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Simulation.Micrographs;
using Concord.Simulation.Movies;

namespace Concord.Ctf.Tests;

/// <summary>Seeded CTF test micrographs and the error measures the acceptance criteria use.</summary>
internal static class TestMicrographs
{
    public static readonly CtfTestMicrographOptions Options = new() { Width = 1024, Height = 1024 };

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
