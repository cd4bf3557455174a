using Concord.Core;
using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Ctf.Methods.Parametric;

namespace Concord.Ctf.Tests.Parametric;

/// <summary>The parts of estimator B against analytic results, on small synthetic inputs.</summary>
public sealed class ParametricComponentTests
{
    private static readonly CtfModel Reference = new(new CtfParameters { DefocusUA = 10000, DefocusVA = 10000, AmplitudeContrast = 0.07 });

    [Theory]
    [InlineData(1024, 512, new[] { 0, 256, 512 })]
    [InlineData(1000, 512, new[] { 0, 256, 488 })]
    [InlineData(512, 512, new[] { 0 })]
    public void Tiles_overlap_by_half_and_reach_the_far_edge(int length, int tile, int[] expected) =>
        Assert.Equal(expected, WelchPsd.TileOrigins(length, tile));

    [Fact]
    public void Welch_psd_of_white_noise_is_flat_at_its_variance()
    {
        const double sigma = 3;
        using var fft = FftBackends.CreateDeterministic();
        using var image = new Image2D(512, 384, 1.5);
        var random = new Random(11);
        for (int i = 0; i < image.Length; i++)
            image.Span[i] = (float)(sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        (double[] psd, int tiles) = WelchPsd.Compute(image, 128, fft, 2, CancellationToken.None);
        Assert.Equal(7 * 5, tiles);
        var samples = PsdSamples.FromHalfComplex(psd, 128, 1.5, 0.02, 0.3);
        double mean = samples.Power.Average();
        // Parseval with |F|²/N: white noise of variance σ² has PSD σ²; 35 tiles × ~5,000 samples pin the mean to < 1%.
        Assert.InRange(mean, 0.97 * sigma * sigma, 1.03 * sigma * sigma);
    }

    [Fact]
    public void Welch_psd_is_the_same_from_run_to_run_at_a_given_parallelism()
    {
        using var fft = FftBackends.CreateDeterministic();
        using var image = new Image2D(512, 512, 1);
        var random = new Random(3);
        for (int i = 0; i < image.Length; i++)
            image.Span[i] = (float)random.NextDouble();
        var first = WelchPsd.Compute(image, 64, fft, 4, CancellationToken.None).Psd;
        for (int run = 0; run < 3; run++)
            Assert.Equal(first, WelchPsd.Compute(image, 64, fft, 4, CancellationToken.None).Psd);
    }

    [Fact]
    public void Welch_psd_rejects_a_tile_larger_than_the_micrograph()
    {
        using var fft = FftBackends.CreateDeterministic();
        using var image = new Image2D(256, 256, 1);
        Assert.Throws<InvalidDimensionsException>(() => WelchPsd.Compute(image, 512, fft, 1, CancellationToken.None));
    }

    [Theory]
    [InlineData(21000, 19000, 30)]
    [InlineData(15000, 15000, 0)]
    [InlineData(30000, 26000, -75)]
    public void Defocus_form_matches_the_ctf_model_along_every_direction(double u, double v, double angle)
    {
        var form = DefocusForm.FromUVAngle(u, v, angle);
        var model = new CtfModel(new CtfParameters { DefocusUA = u, DefocusVA = v, DefocusAngleDeg = angle });
        for (double a = 0; a < Math.PI; a += 0.1)
        {
            double sx = 0.1 * Math.Cos(a), sy = 0.1 * Math.Sin(a);
            Assert.Equal(model.DefocusAlongA(a) * 0.01, form.DefocusTimesS2(sx, sy), 1e-6);
        }
        Assert.Equal(u, form.DefocusUA, 1e-6);
        Assert.Equal(v, form.DefocusVA, 1e-6);
        if (u != v)
            Assert.Equal(angle, form.AngleDeg, 1e-9);
    }

    [Fact]
    public void Equivalent_frequency_has_the_same_phase_at_the_mean_defocus()
    {
        var form = DefocusForm.FromUVAngle(22000, 20000, 40);
        double k1 = Reference.DefocusTermK1, k2 = Reference.SphericalTermK2;
        foreach ((double sx, double sy) in new[] { (0.05, 0.02), (-0.03, 0.12), (0.15, -0.1) })
        {
            double x = sx * sx + sy * sy;
            double gamma = -k1 * form.DefocusTimesS2(sx, sy) + k2 * x * x;
            double se = form.EquivalentFrequency(sx, sy, k1, k2), xe = se * se;
            Assert.Equal(gamma, -k1 * form.MeanA * xe + k2 * xe * xe, 1e-9);
        }
    }

    [Theory]
    [InlineData(8000, 0)]
    [InlineData(23000, 0)]
    [InlineData(23000, 60)]
    public void Chirp_search_finds_the_defocus_of_a_ring_profile_whatever_its_phase(double defocusA, double phaseShiftDeg)
    {
        var ctf = new CtfModel(new CtfParameters { DefocusUA = defocusA, DefocusVA = defocusA, AmplitudeContrast = 0.07, PhaseShiftDeg = phaseShiftDeg, BFactorA2 = 60 });
        var (profile, background) = RingProfile(ctf, binWidth: 1 / 614.4);
        var chirp = new ChirpDefocusSearch(Reference.DefocusTermK1, Reference.SphericalTermK2, 1 / 614.4);
        var prepared = ChirpDefocusSearch.Prepare(profile, background);
        (double found, var sum) = chirp.Search(prepared, 3000, 50000, 200);
        Assert.InRange(found, 0.995 * defocusA, 1.005 * defocusA);
        // arg(−sum) = −2φ₀ with φ₀ the constant phase (amplitude contrast + shift).
        double phase = -0.5 * Math.Atan2(-sum.Imaginary, -sum.Real);
        double expected = ctf.ConstantPhaseRad;
        double difference = Math.Abs(Math.IEEERemainder(phase - expected, Math.PI));
        Assert.True(difference < 0.1, $"constant phase {phase:F3} rad, expected {expected:F3} rad (mod π)");
    }

    [Fact]
    public void Lower_envelope_follows_the_background_under_the_rings()
    {
        var ctf = new CtfModel(new CtfParameters { DefocusUA = 15000, DefocusVA = 15000, AmplitudeContrast = 0.07 });
        var (profile, truth) = RingProfile(ctf, binWidth: 1 / 614.4);
        var fitted = SmoothBackground.FitLowerEnvelope(profile, 0.2);
        // From the second ring on (the first zero is at 0.058 Å⁻¹; before it nothing pins the curve, which the joint fit
        // of the last stage corrects) it runs along the sampled minima, which sit above the true background by up to
        // 4·sin² of the bins' offsets from the zeros (≤ 0.25 here), and it never undercuts the background.
        foreach (double s in profile.FrequencyPerA.Where(s => s >= 0.08))
        {
            double ratio = fitted.Value(s) / truth.Value(s);
            Assert.True(ratio >= 0.97 && ratio <= 1.12, $"s = {s:F4}: fitted/true background {ratio:F3}");
        }
    }

    [Fact]
    public void Model_gradient_matches_finite_differences()
    {
        var model = new PsdModel(Reference.DefocusTermK1, Reference.SphericalTermK2, Reference.AmplitudeContrastPhaseRad, 0.2);
        double[] p = [0.3, -1.2, 0.8, 0.2, -0.4, -0.5, 0.3, -2.1, 18000, 400, -250, 0.3];
        var samples = PsdSamples.FromHalfComplex(Enumerable.Repeat(1.0, 129 * 256).ToArray(), 256, 1.2, 0.03, 0.3);
        Span<double> gradient = stackalloc double[PsdModel.ParameterCount];
        Span<double> unused = [];
        for (int i = 0; i < samples.Count; i += 997)
        {
            model.Evaluate(p, samples, i, gradient);
            for (int j = 0; j < p.Length; j++)
            {
                double h = j >= PsdModel.Mean && j < PsdModel.PhaseShift ? 1e-3 : 1e-6;
                double[] plus = (double[])p.Clone(), minus = (double[])p.Clone();
                plus[j] += h;
                minus[j] -= h;
                double numeric = (model.Evaluate(plus, samples, i, unused) - model.Evaluate(minus, samples, i, unused)) / (2 * h);
                Assert.True(Math.Abs(numeric - gradient[j]) <= 1e-5 * Math.Max(1, Math.Abs(numeric)), $"sample {i} parameter {j}: {gradient[j]} vs {numeric}");
            }
        }
    }

    [Fact]
    public void Levenberg_marquardt_recovers_a_noiseless_model_from_a_nearby_start()
    {
        var model = new PsdModel(Reference.DefocusTermK1, Reference.SphericalTermK2, Reference.AmplitudeContrastPhaseRad, 0.2);
        double[] truth = [0.5, -1, 0.4, 0, 0, 0.2, 0, -2, 18000, 300, -200, 0];
        var geometry = PsdSamples.FromHalfComplex(new double[257 * 512], 512, 1.2, 1 / 30.0, 0.2);
        var power = new double[geometry.Count];
        for (int i = 0; i < power.Length; i++)
            power[i] = model.Evaluate(truth, geometry, i, []);
        var psd = new double[257 * 512];
        var samples = SamplesWithPower(psd, power);
        double[] p = (double[])truth.Clone();
        p[PsdModel.Mean] = 18150;
        p[PsdModel.Cos2] = 200;
        p[PsdModel.Sin2] = -100;
        p[PsdModel.Envelope] = 0.5;
        var weights = Enumerable.Repeat(1.0, samples.Count).ToArray();
        int[] free = [PsdModel.Envelope, PsdModel.Envelope + 1, PsdModel.Envelope + 2, PsdModel.Mean, PsdModel.Cos2, PsdModel.Sin2];
        LevenbergMarquardt.Fit(model, samples, weights, p, free, 60, _ => { }, 1, CancellationToken.None);
        Assert.Equal(18000, p[PsdModel.Mean], 0.5);
        Assert.Equal(300, p[PsdModel.Cos2], 0.5);
        Assert.Equal(-200, p[PsdModel.Sin2], 0.5);
    }

    [Fact]
    public void Estimator_rejects_an_empty_band_and_a_bad_defocus_range()
    {
        using var fft = FftBackends.CreateDeterministic();
        using var image = new Image2D(256, 256, 1);
        var estimator = new ParametricCtfEstimator(fft);
        Assert.Equal("parametric", estimator.Name);
        Assert.Throws<InvalidParameterException>(() => estimator.Estimate(image, new CtfEstimationSettings { MinResolutionA = 5, MaxResolutionA = 10 }));
        Assert.Throws<InvalidParameterException>(() => estimator.Estimate(image, new CtfEstimationSettings { MinDefocusA = 5000, MaxDefocusA = 4000 }));
        Assert.Throws<InvalidParameterException>(() => new ParametricCtfEstimator(fft, new ParametricCtfOptions { AstigmatismSectors = 2 }));
    }

    /// <summary>A 1D PSD profile B(s)·(1 + 4·E(s)²·CTF²) sampled every Fourier pixel of a 512-px tile at 1.2 Å/px.</summary>
    private static (PsdProfile Profile, SmoothBackground Background) RingProfile(CtfModel ctf, double binWidth)
    {
        var background = new SmoothBackground(0.2, [1.0, -2.0, 0.5, 0, 0]);
        var frequencies = new List<double>();
        var power = new List<double>();
        var counts = new List<int>();
        for (int k = 20; k <= 120; k++)
        {
            double s = k * binWidth, value = ctf.Value(s, 0);
            frequencies.Add(s);
            power.Add(background.Value(s) * (1 + 4 * value * value));
            counts.Add((int)(Math.PI * k));
        }
        return (new PsdProfile([.. frequencies], [.. power], [.. counts]), background);
    }

    /// <summary>Samples of a 512² half-complex grid (1.2 Å/px, 30–5 Å) whose power is <paramref name="power"/>.</summary>
    private static PsdSamples SamplesWithPower(double[] psd, double[] power)
    {
        int next = 0;
        for (int y = 0; y < 512; y++)
        {
            int ky = y <= 256 ? y : y - 512;
            if (Math.Abs(ky) <= 1)
                continue;
            for (int kx = 2; kx < 257; kx++)
            {
                double s = Math.Sqrt(kx * kx + ky * ky) / (512 * 1.2);
                if (s >= 1 / 30.0 && s <= 0.2)
                    psd[y * 257 + kx] = power[next++];
            }
        }
        return PsdSamples.FromHalfComplex(psd, 512, 1.2, 1 / 30.0, 0.2);
    }
}
