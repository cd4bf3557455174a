using Concord.Core.Fourier;
using Concord.Core.Imaging;

using static Concord.Core.Tests.Fourier.OpsTestSignals;

namespace Concord.Core.Tests.Fourier;

public class FilterOpsTests
{
    private const int N = 32;
    private const double PixelSizeA = 1.5;

    /// <summary>Amplitude of the cosine at (kx, ky) cycles per box, from the spectrum of the filtered image.</summary>
    private static double Amplitude(ReadOnlySpan<float> pixels, int kx, int ky)
    {
        var shape = new FftShape(N, N);
        using var fft = new ReferenceDftBackend();
        var spectrum = new Complex32[shape.ComplexLength];
        fft.GetPlan(shape).Forward(pixels, spectrum);
        return 2 * spectrum[FourierLayout.HalfComplexIndex(kx, ky, 0, shape)].Magnitude / shape.RealLength;
    }

    private static Image2D ThreeWaves() => Image2D.FromPixels(N, N,
        Sample(new FftShape(N, N), new FftShape(N, N), 0, new Wave(3, 0, 0, 1, 0.2), new Wave(0, 8, 0, 1, 1.0), new Wave(12, 0, 0, 1, -0.5)), PixelSizeA);

    [Fact]
    public void LowPass_KeepsLowShellsHalvesTheCutoffAndRemovesHighShells()
    {
        using var fft = new ReferenceDftBackend();
        using var image = ThreeWaves();
        // Shell 8 of a 32-px box at 1.5 Å/px is 32·1.5/8 = 6 Å.
        FourierFilters.LowPass(image, 6.0, fft, edgeWidthShells: 4);
        Assert.Equal(1, Amplitude(image.Span, 3, 0), 1e-5);
        Assert.Equal(0.5, Amplitude(image.Span, 0, 8), 1e-5);
        Assert.Equal(0, Amplitude(image.Span, 12, 0), 1e-5);
    }

    [Fact]
    public void LowPassPlusHighPass_IsTheOriginal()
    {
        using var fft = new ReferenceDftBackend();
        var rng = Random(3, N * N);
        using var low = Image2D.FromPixels(N, N, rng, PixelSizeA);
        using var high = Image2D.FromPixels(N, N, rng, PixelSizeA);
        FourierFilters.LowPass(low, 7.3, fft);
        FourierFilters.HighPass(high, 7.3, fft);
        var sum = new float[N * N];
        for (int i = 0; i < sum.Length; i++)
            sum[i] = low.Span[i] + high.Span[i];
        Assert.True(MaxAbsDifference(rng, sum) < 1e-5);
    }

    [Fact]
    public void BandPass_KeepsOnlyTheBand_AndHardEdgesAreSharp()
    {
        using var fft = new ReferenceDftBackend();
        using var image = ThreeWaves();
        foreach (ref float v in image.Span)
            v += 10; // a mean offset, removed by the high-pass side
        // Band: shells 32·1.5/12 = 4 to 32·1.5/4.5 ≈ 10.7.
        FourierFilters.BandPass(image, 12, 4.5, fft, edgeWidthShells: 0);
        Assert.Equal(0, Amplitude(image.Span, 3, 0), 1e-5);
        Assert.Equal(1, Amplitude(image.Span, 0, 8), 1e-5);
        Assert.Equal(0, Amplitude(image.Span, 12, 0), 1e-5);
        Assert.Equal(0, ImageStatistics.Mean(image.Span), 1e-5);
    }

    [Fact]
    public void BFactor_ScalesEachFrequencyByTheGaussianOfItsSpatialFrequency()
    {
        using var fft = new ReferenceDftBackend();
        using var image = ThreeWaves();
        const double b = 80;
        FourierFilters.BFactor(image, b, fft);
        foreach (var (kx, ky) in new[] { (3, 0), (0, 8), (12, 0) })
        {
            double s = Math.Sqrt((kx * kx) + (ky * ky)) / (N * PixelSizeA);
            Assert.Equal(Math.Exp(-b * s * s / 4), Amplitude(image.Span, kx, ky), 1e-5);
        }
    }

    [Fact]
    public void Filters_WorkOnVolumes()
    {
        using var fft = new ReferenceDftBackend();
        var shape = new FftShape(12, 12, 12);
        using var volume = Volume.FromVoxels(12, 12, 12, Sample(shape, shape, 0, new Wave(0, 0, 2, 1, 0), new Wave(5, 0, 0, 1, 0)), 2.0);
        // Shell 2 is 12 Å, shell 5 is 4.8 Å.
        FourierFilters.LowPass(volume, 8, fft);
        var expected = Sample(shape, shape, 0, new Wave(0, 0, 2, 1, 0));
        Assert.True(MaxAbsDifference(expected, volume.Span) < 1e-5);
    }

    [Fact]
    public void BadInput_ThrowsSpecificExceptions()
    {
        var shape = new FftShape(8, 8);
        var spectrum = new Complex32[shape.ComplexLength];
        Assert.Throws<InvalidParameterException>(() => FourierFilters.LowPass(spectrum, shape, 1, 0));
        Assert.Throws<InvalidParameterException>(() => FourierFilters.LowPass(spectrum, shape, -1, 5));
        Assert.Throws<InvalidParameterException>(() => FourierFilters.HighPass(spectrum, shape, 1, 5, -2));
        Assert.Throws<InvalidParameterException>(() => FourierFilters.BandPass(spectrum, shape, 1, 4, 10));
        Assert.Throws<InvalidParameterException>(() => FourierFilters.BFactor(spectrum, shape, 1, double.NaN));
        Assert.Throws<ShapeMismatchException>(() => FourierFilters.LowPass(new Complex32[3], shape, 1, 5));
    }
}
