using Concord.Core;
using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Ctf.Methods.Periodogram;
using Concord.Simulation.Movies;

namespace Concord.Ctf.Tests.Periodogram;

public class PeriodogramUnitTests
{
    [Theory]
    [InlineData(10000, 12000, 30, 12000, 10000, -60)]
    [InlineData(12000, 10000, 100, 12000, 10000, -80)]
    [InlineData(12000, 10000, -90, 12000, 10000, -90)]
    [InlineData(12000, 10000, 90, 12000, 10000, -90)]
    public void NormaliseKeepsUAboveVAndTheAngleInRange(double u, double v, double angle, double eu, double ev, double eAngle)
    {
        var n = DefocusSearch.Normalise(new CtfParameters { DefocusUA = u, DefocusVA = v, DefocusAngleDeg = angle });
        Assert.Equal(eu, n.DefocusUA);
        Assert.Equal(ev, n.DefocusVA);
        Assert.Equal(eAngle, n.DefocusAngleDeg, 9);
    }

    [Fact]
    public void NormalisedParametersDescribeTheSameCtf()
    {
        var original = new CtfModel(new CtfParameters { DefocusUA = 10000, DefocusVA = 13000, DefocusAngleDeg = 125 });
        var normalised = new CtfModel(DefocusSearch.Normalise(original.Parameters));
        for (double a = 0; a < Math.PI; a += 0.3)
            Assert.Equal(original.GammaAt(0.2, a), normalised.GammaAt(0.2, a), 9);
    }

    [Fact]
    public void EquivalentFrequencyInvertsTheIsotropicPhase()
    {
        var ctf = new CtfModel(new CtfParameters { DefocusUA = 20000, DefocusVA = 18000 });
        foreach (double s in new[] { 0.01, 0.1, 0.3 })
        {
            double gamma = EquiphaseProfile.IsotropicGamma(ctf, 19000, s);
            Assert.Equal(s, EquiphaseProfile.EquivalentFrequency(ctf, 19000, gamma), 9);
        }
    }

    [Fact]
    public void NelderMeadFindsTheMinimumOfAQuadratic()
    {
        var (point, value) = NelderMead.Minimise(p => (p[0] - 3) * (p[0] - 3) + 10 * (p[1] + 1) * (p[1] + 1), [0, 0], [1, 1], 500, 1e-14);
        Assert.Equal(3, point[0], 3);
        Assert.Equal(-1, point[1], 3);
        Assert.True(value < 1e-6);
    }

    [Fact]
    public void TheAmplitudeSpectrumOfWhiteNoiseIsFlat()
    {
        var random = new Random(3);
        using var image = new Image2D(512, 512, 1.0);
        for (int i = 0; i < image.Length; i++)
            image.Span[i] = (float)(random.NextDouble() - 0.5);
        using var fft = FftBackends.Create();
        var spectrum = AmplitudeSpectrum.Compute(image, 256, fft, 1);
        Assert.Equal(9, spectrum.Tiles);
        var profile = PeriodogramEstimator.RadialProfile(spectrum.Amplitude, spectrum.Size);
        double reference = profile[64];
        for (int r = 16; r < 120; r++)
            Assert.InRange(profile[r] / reference, 0.9, 1.1);
    }

    [Fact]
    public void IceRingRatioSeparatesThickIce()
    {
        using var fft = FftBackends.Create();
        using var good = TestMicrographs.Make(0, 5, MicrographDefect.None, TestMicrographs.Options with { Width = 512, Height = 512 });
        using var thick = TestMicrographs.Make(0, 5, MicrographDefect.ThickIce, TestMicrographs.Options with { Width = 512, Height = 512 });
        double goodRatio = IceRing.Ratio(AmplitudeSpectrum.Compute(good.Micrograph, 256, fft, 1));
        double thickRatio = IceRing.Ratio(AmplitudeSpectrum.Compute(thick.Micrograph, 256, fft, 1));
        Assert.InRange(goodRatio, 0.9, 1.2);
        Assert.True(thickRatio > 1.8, $"thick ice ratio {thickRatio}");
    }

    [Fact]
    public void SettingsThatCannotBeSearchedAreRejected()
    {
        using var fft = FftBackends.Create();
        using var image = new Image2D(256, 256, 1.0);
        var estimator = new PeriodogramEstimator(fft);
        Assert.Throws<InvalidParameterException>(() => estimator.Estimate(image, new CtfEstimationSettings { MinResolutionA = 4, MaxResolutionA = 5 }));
        Assert.Throws<InvalidParameterException>(() => estimator.Estimate(image, new CtfEstimationSettings { MinDefocusA = 9000, MaxDefocusA = 8000 }));
        Assert.Throws<InvalidDimensionsException>(() => estimator.Estimate(new Image2D(32, 32, 1.0), new CtfEstimationSettings()));
    }

    [Fact]
    public void TheRegistryResolvesByNameAndNamesWhatIsAvailable()
    {
        using var fft = FftBackends.Create();
        Assert.Equal("periodogram", CtfEstimators.Create("Periodogram", fft).Name);
        var error = Assert.Throws<InvalidParameterException>(() => CtfEstimators.Create("no-such-method", fft));
        Assert.Contains("periodogram", error.Message);
    }

    [Fact]
    public void APhasePlateShiftIsFittedWhenAsked()
    {
        var options = TestMicrographs.Options with { PhaseShiftDeg = 60 };
        using var m = TestMicrographs.Make(1, 17, MicrographDefect.None, options);
        using var fft = FftBackends.Create();
        var settings = TestMicrographs.SettingsFor(options) with { FitPhaseShift = true };
        var e = new PeriodogramEstimator(fft).Estimate(m.Micrograph, settings);
        Assert.InRange(e.Ctf.PhaseShiftDeg, 50, 70);
        Assert.True(TestMicrographs.RelativeDefocusError(e.Ctf, m.Ctf) < 0.02, $"{e.Ctf} vs {m.Ctf}");
    }
}
