using Concord.Core.Fourier;
using Concord.Simulation.Movies;
using Concord.Simulation.Phantoms;

namespace Concord.Simulation.Tests.Movies;

public class AmorphousIceTests
{
    private const int Size = 512;
    private const double PixelA = 1.5;

    /// <summary>
    /// Ice is a broad phase object (amorphous water's structure factor rises towards its 3.7 Å ring), so the ice of a
    /// micrograph carries more power at 5 Å than at 20 Å and has its water ring: the old Gaussian spectrum
    /// (σ = 0.08 cycles/px) had ~10⁻⁶ of its 20 Å power left at 5 Å, which left the simulated Thon rings at 12–15 Å.
    /// </summary>
    [Fact]
    public void Ice_power_at_5_A_exceeds_that_at_20_A_and_peaks_at_the_water_ring()
    {
        using var fft = FftBackends.CreateDeterministic();
        var ice = Render(fft, new IceModel(ThicknessA: 400, GradientFraction: 0), seed: 3);
        var profile = RadialAverage.PowerSpectrum(ice, new FftShape(Size, Size), PixelA, fft);
        double At(double resolutionA) => BandMean(profile, 1 / resolutionA, 0.004);
        double p20 = At(20), p10 = At(10), p5 = At(5), p37 = At(3.7), p45 = At(4.5), pNyquist = At(3.2);
        Assert.True(p5 > 2 * p20, $"power at 5 Å {p5:E3} is not well above that at 20 Å {p20:E3}");
        Assert.True(p10 > 0.5 * p20 && p10 < p5, $"power at 10 Å {p10:E3} not between 20 Å {p20:E3} and 5 Å {p5:E3}");
        Assert.True(p37 > 1.5 * p45 && p37 > 1.5 * pNyquist, $"no water ring: 3.7 Å {p37:E3}, 4.5 Å {p45:E3}, 3.2 Å {pNyquist:E3}");
    }

    /// <summary>
    /// The ice's per-pixel variance is the power spectrum integrated up to Nyquist (pixel area times the mean of
    /// n·t·|F|²·S over the Fourier grid), with no free scale: 400 Å of amorphous water at 1.5 Å/px, 300 kV. Pins the
    /// physical calibration (≈ 0.2 rad rms) against a silent rescaling.
    /// </summary>
    [Fact]
    public void Ice_variance_matches_the_integrated_physical_spectrum()
    {
        using var fft = FftBackends.CreateDeterministic();
        var ice = Render(fft, new IceModel(ThicknessA: 400, GradientFraction: 0), seed: 5);
        double measured = ice.Select(v => (double)v * v).Average() - Math.Pow(ice.Average(v => (double)v), 2);
        double expected = 0;
        for (int ky = -Size / 2; ky < Size / 2; ky++)
            for (int kx = -Size / 2; kx < Size / 2; kx++)
                if (kx != 0 || ky != 0)
                    expected += PixelA * PixelA * AmorphousIce.ProjectedPowerSpectralDensity(Math.Sqrt(kx * kx + ky * ky) / (Size * PixelA), 400);
        expected /= (double)Size * Size;
        Assert.InRange(measured / expected, 0.98, 1.02);
        double rmsPhase = Math.Sqrt(measured) * ElectronScattering.PhasePerProjectedScattering(300, PixelA);
        Assert.InRange(rmsPhase, 0.15, 0.3);
    }

    [Fact]
    public void Ice_amplitude_grows_with_the_square_root_of_thickness_and_is_deterministic()
    {
        using var fft = FftBackends.CreateDeterministic();
        var thin = Render(fft, new IceModel(ThicknessA: 200, GradientFraction: 0), seed: 9);
        var thick = Render(fft, new IceModel(ThicknessA: 800, GradientFraction: 0), seed: 9);
        for (int i = 0; i < thin.Length; i += 997)
            Assert.InRange(thick[i] / thin[i], 1.999, 2.001);
        Assert.Equal(thin, Render(fft, new IceModel(ThicknessA: 200, GradientFraction: 0), seed: 9));
        Assert.NotEqual(thin, Render(fft, new IceModel(ThicknessA: 200, GradientFraction: 0), seed: 10));
        Assert.All(Render(fft, new IceModel(ThicknessA: 400, StructureScale: 0), seed: 9), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Water_gives_the_measured_inner_potential_and_a_nearly_incompressible_low_frequency_limit()
    {
        double formFactor = Math.Sqrt(AmorphousIce.MoleculeFormFactorSquared(0));
        Assert.InRange(formFactor, 3.0, 3.1); // O 1.98 Å + 2 H 0.53 Å (Peng et al. 1996)
        // Mean inner potential of vitreous ice: 47.878 V·Å² · n · F(0); measured 3.5–4.5 V (Yesibolati et al. 2020).
        Assert.InRange(47.878 * AmorphousIce.NumberDensityPerA3 * formFactor, 4.0, 5.0);
        Assert.InRange(AmorphousIce.StructureFactor(0.01), 0.05, 0.08);
        Assert.InRange(AmorphousIce.StructureFactor(1 / 3.7), 2.0, 2.5);
        Assert.True(AmorphousIce.StructureFactor(1 / 3.67, crystallineFraction: 0.5) > 5 * AmorphousIce.StructureFactor(1 / 3.67));
    }

    private static float[] Render(IFftBackend fft, IceModel ice, int seed)
    {
        using var phantom = AtomicDensity.Compute(ProteinFold.Build(residues: 40, seed: 1), boxSize: 16, pixelSizeA: PixelA);
        var composer = new SpecimenComposer([new Core.Projection.FourierProjector(phantom, fft)], fft);
        var projected = new float[Size * Size];
        composer.AddIceStructure(projected, Size, Size, PixelA, ice, seed);
        return projected;
    }

    private static double BandMean(ShellProfile profile, double frequency, double halfWidth)
    {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < profile.Average.Length; i++)
            if (Math.Abs(profile.FrequencyPerA[i] - frequency) <= halfWidth)
            {
                sum += profile.Average[i];
                n++;
            }
        return sum / n;
    }
}
