using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Simulation.Movies;
using Concord.Simulation.Phantoms;

namespace Concord.Simulation.Tests.Movies;

public class ThonRingTests
{
    /// <summary>
    /// The power spectrum of a simulated micrograph must have its Thon-ring minima at the zeros of the true CTF: around
    /// each of the first three analytic zeros (±15%), the rotational average of the noiseless image dips to less than a
    /// third of the window's maximum, and the dip (parabolic refinement) lies within 2% of the zero.
    /// </summary>
    [Theory]
    [InlineData(12000)]
    [InlineData(20000)]
    public void Thon_ring_minima_match_the_true_defocus(double defocusA)
    {
        using var fft = FftBackends.Create();
        using var phantom = AtomicDensity.Compute(ProteinFold.Build(residues: 150, seed: 8), boxSize: 32, pixelSizeA: 1.5);
        var options = new MovieSimulationOptions
        {
            Width = 512,
            Height = 512,
            PixelSizeA = 1.5,
            Frames = 1,
            DosePerFrameEA2 = 40,
            ParticlesPerMicrograph = 60,
            ParticleDiameterA = 40,
            DefocusMinA = defocusA,
            DefocusMaxA = defocusA,
            AstigmatismMaxA = 0,
            CarbonProbability = 0,
            MeanIceCrystals = 0,
            MeanAggregates = 0,
            DriftA = 0,
            LocalMotionA = 0,
            RadiationDamage = false,
        };
        var movie = new MovieSimulator(options, [phantom], lastModelIsJunk: false, fft)
            .Simulate("thon", seed: 4, CameraModel.Ideal(512, 512), (_, _) => { });
        var profile = RadialAverage.PowerSpectrum(movie.TruthImage, new FftShape(512, 512), 1.5, fft);
        var model = new CtfModel(movie.Ctf);
        for (int n = 1; n <= 3; n++)
        {
            double expected = CtfZeros.NthZero(model, n, 0);
            var (minimum, depth) = DipNear(profile, expected);
            Assert.True(depth < 1.0 / 3, $"zero {n}: no clear dip near {expected:F4} 1/Å (minimum/maximum {depth:F2})");
            Assert.True(Math.Abs(minimum - expected) < 0.02 * expected,
                $"zero {n}: spectrum minimum at {minimum:F4} 1/Å, CTF zero at {expected:F4} 1/Å (defocus {defocusA} Å)");
        }
    }

    /// <summary>The lowest shell within ±15% of <paramref name="frequency"/>, refined by a parabola, and its ratio to the window's maximum.</summary>
    private static (double Frequency, double Depth) DipNear(ShellProfile profile, double frequency)
    {
        var p = profile.Average;
        var f = profile.FrequencyPerA;
        var window = Enumerable.Range(1, p.Length - 2).Where(i => f[i] >= 0.85 * frequency && f[i] <= 1.15 * frequency).ToList();
        int best = window.MinBy(i => p[i]);
        double denominator = p[best - 1] - 2 * p[best] + p[best + 1];
        double offset = denominator > 0 ? Math.Clamp(0.5 * (p[best - 1] - p[best + 1]) / denominator, -0.5, 0.5) : 0;
        return (f[best] + offset * (f[1] - f[0]), p[best] / window.Max(i => p[i]));
    }
}
