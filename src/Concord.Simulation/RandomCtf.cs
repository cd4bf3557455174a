using Concord.Core.Ctf;

namespace Concord.Simulation;

/// <summary>Draws a CTF for a simulated micrograph or particle: uniform mean defocus, astigmatism and angle.</summary>
internal static class RandomCtf
{
    /// <summary>Consumes three uniform draws, in order: mean defocus, astigmatism, astigmatism angle.</summary>
    public static CtfParameters Draw(Random random, double voltageKv, double sphericalAberrationMm, double amplitudeContrast,
        double defocusMinA, double defocusMaxA, double astigmatismMinA, double astigmatismMaxA, double bFactorA2 = 0)
    {
        double mean = defocusMinA + random.NextDouble() * (defocusMaxA - defocusMinA);
        double astigmatism = astigmatismMinA + random.NextDouble() * (astigmatismMaxA - astigmatismMinA);
        return new CtfParameters
        {
            VoltageKv = voltageKv,
            SphericalAberrationMm = sphericalAberrationMm,
            AmplitudeContrast = amplitudeContrast,
            DefocusUA = mean + astigmatism / 2,
            DefocusVA = mean - astigmatism / 2,
            DefocusAngleDeg = random.NextDouble() * 180 - 90,
            BFactorA2 = bFactorA2,
        }.Validate();
    }
}
