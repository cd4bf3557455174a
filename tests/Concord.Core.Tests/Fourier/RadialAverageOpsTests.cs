using Concord.Core.Fourier;
using Concord.Core.Imaging;

using static Concord.Core.Tests.Fourier.OpsTestSignals;

namespace Concord.Core.Tests.Fourier;

public class RadialAverageOpsTests
{
    [Fact]
    public void RotationalAverage_OfAGaussian_MatchesTheAnalyticProfile_2D()
    {
        const double sigma = 8;
        var shape = new FftShape(64, 64);
        using var image = Image2D.FromPixels(64, 64, Gaussian(shape, sigma), 1.7);
        var profile = RadialAverage.Rotational(image);
        Assert.Equal(1, profile.Average[0], 1e-7);
        Assert.Equal(1, profile.Counts[0]);
        Assert.Equal(1.7 * 5, profile.RadiusA[5], 1e-12);
        // A ring of rounded radius r holds pixels with radii spread unevenly over [r − ½, r + ½), so on the slope of
        // the Gaussian its mean deviates from g(r) by up to ~1e-2 (measured 9e-3); a centre off by one pixel would
        // deviate by ~8e-2.
        double worst = Enumerable.Range(1, 31).Max(r => Math.Abs(Math.Exp(-r * r / (2 * sigma * sigma)) - profile.Average[r]));
        Assert.True(worst < 1.2e-2, $"worst deviation {worst}");
        Assert.Equal(shape.RealLength, profile.Counts.Sum());
    }

    [Fact]
    public void RotationalAverage_OfAGaussian_MatchesTheAnalyticProfile_3D()
    {
        const double sigma = 6;
        var shape = new FftShape(24, 24, 24);
        using var volume = Volume.FromVoxels(24, 24, 24, Gaussian(shape, sigma));
        var profile = RadialAverage.Rotational(volume);
        double worst = Enumerable.Range(2, 10).Max(r => Math.Abs(Math.Exp(-r * r / (2 * sigma * sigma)) - profile.Average[r]));
        Assert.True(worst < 2e-2, $"worst deviation {worst}");
        Assert.Equal(shape.RealLength, profile.Counts.Sum());
    }

    [Theory]
    [InlineData(20, 14, 1)]
    [InlineData(9, 11, 7)]
    public void RotationalAverage_OfAFunctionOfTheRoundedRadius_IsExact(int nx, int ny, int nz)
    {
        // Pixels hold 3·round(distance from the centre N/2) + 1, so each ring averages to exactly 3i + 1.
        var shape = new FftShape(nx, ny, nz);
        var pixels = new float[shape.RealLength];
        int i = 0;
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    double d = Math.Sqrt(Math.Pow(x - (nx / 2), 2) + Math.Pow(y - (ny / 2), 2) + Math.Pow(z - (nz / 2), 2));
                    pixels[i++] = (3 * (int)Math.Round(d)) + 1;
                }
        var profile = RadialAverage.Rotational(pixels, shape, 1);
        for (int r = 0; r < profile.Average.Length; r++)
        {
            if (profile.Counts[r] > 0)
                Assert.Equal((3 * r) + 1, profile.Average[r], 1e-9);
        }
    }

    [Fact]
    public void PowerSpectrum_OfASingleCosine_PeaksAtItsShell()
    {
        using var fft = new ReferenceDftBackend();
        var shape = new FftShape(32, 32);
        const double amplitude = 1.5;
        using var image = Image2D.FromPixels(32, 32, Sample(shape, shape, 0, new Wave(3, 4, 0, amplitude, 0.8)), 2.0);
        var spectrum = RadialAverage.PowerSpectrum(image, fft);
        int peak = Array.IndexOf(spectrum.Average, spectrum.Average.Max());
        Assert.Equal(5, peak);
        // Two elements (±k) of |F|²/N = N·A²/4 each, averaged over the shell's elements.
        double expected = 2 * (shape.RealLength * amplitude * amplitude / 4) / spectrum.Counts[5];
        Assert.Equal(expected, spectrum.Average[5], 1e-4 * expected);
        for (int s = 0; s < spectrum.Average.Length; s++)
        {
            if (s != 5)
                Assert.True(spectrum.Average[s] < 1e-6 * expected);
        }
        Assert.Equal(5 / (32 * 2.0), spectrum.FrequencyPerA[5], 1e-12);
    }

    [Fact]
    public void PowerSpectrum_SatisfiesParseval_ForBandLimitedVolumes()
    {
        using var fft = new ReferenceDftBackend();
        var shape = new FftShape(12, 12, 12);
        var voxels = Sample(shape, shape, 0.4, new Wave(1, 2, 2, 1, 0), new Wave(-2, 0, 3, 0.7, 1), new Wave(4, -1, 0, 0.2, 2));
        var spectrum = RadialAverage.PowerSpectrum(voxels, shape, 1, fft);
        double total = 0, direct = 0;
        for (int s = 0; s < spectrum.Average.Length; s++)
            total += spectrum.Average[s] * spectrum.Counts[s];
        foreach (float v in voxels)
            direct += v * (double)v;
        Assert.Equal(direct, total, 1e-4 * direct);
    }

    [Fact]
    public void BadInput_ThrowsSpecificExceptions()
    {
        Assert.Throws<ShapeMismatchException>(() => RadialAverage.Rotational(new float[10], new FftShape(4, 4), 1));
        Assert.Throws<InvalidParameterException>(() => RadialAverage.Rotational(new float[16], new FftShape(4, 4), 0));
        Assert.Throws<ShapeMismatchException>(() => RadialAverage.PowerSpectrum(new Complex32[3], new FftShape(4, 4), 1));
    }
}
