using Concord.Core.Fourier;
using Concord.Core.Imaging;

using static Concord.Core.Tests.Fourier.OpsTestSignals;

namespace Concord.Core.Tests.Fourier;

public class ResampleOpsTests
{
    private static readonly Wave[] Waves2D =
    [
        new(1, 2, 0, 1.0, 0.3),
        new(3, -1, 0, 0.6, -1.1),
        new(0, 4, 0, 0.4, 2.0),
        new(5, 3, 0, 0.25, 0.7),
    ];

    [Theory]
    [InlineData(48, 48, 32, 32)] // binning by 1.5
    [InlineData(48, 40, 36, 30)] // non-square, factor 4/3
    [InlineData(48, 48, 33, 33)] // odd output
    [InlineData(45, 45, 28, 28)] // odd input, even output
    [InlineData(32, 32, 50, 50)] // up-sampling
    [InlineData(31, 31, 64, 64)] // odd input up-sampled
    public void BandLimitedImage_EqualsAnalyticImageAtTheNewSize(int n, int ny, int m, int my)
    {
        using var fft = new ReferenceDftBackend();
        var source = new FftShape(n, ny);
        var target = new FftShape(m, my);
        using var image = Image2D.FromPixels(n, ny, Sample(source, source, 0.7, Waves2D), pixelSizeA: 1.2);
        using var resampled = FourierResample.Resample(image, m, my, fft);
        var expected = Sample(target, source, 0.7, Waves2D);
        Assert.True(MaxAbsDifference(expected, resampled.Span) < 1e-5, $"max error {MaxAbsDifference(expected, resampled.Span)}");
        Assert.Equal(1.2 * n / m, resampled.PixelSizeA, 1e-12);
        Assert.Equal(ImageStatistics.Mean(image.Span), ImageStatistics.Mean(resampled.Span), 1e-5);
    }

    [Theory]
    [InlineData(16, 12)]
    [InlineData(16, 20)]
    [InlineData(15, 10)]
    public void BandLimitedVolume_EqualsAnalyticVolumeAtTheNewSize(int n, int m)
    {
        using var fft = new ReferenceDftBackend();
        Wave[] waves = [new(1, 2, -1, 1.0, 0.2), new(2, 0, 3, 0.5, 1.3), new(-3, 1, 1, 0.3, -0.4)];
        var source = new FftShape(n, n, n);
        var target = new FftShape(m, m, m);
        using var volume = Volume.FromVoxels(n, n, n, Sample(source, source, -0.2, waves), 2.0);
        using var resampled = FourierResample.Resample(volume, m, m, m, fft);
        var expected = Sample(target, source, -0.2, waves);
        Assert.True(MaxAbsDifference(expected, resampled.Span) < 1e-5, $"max error {MaxAbsDifference(expected, resampled.Span)}");
        Assert.Equal(2.0 * n / m, resampled.PixelSizeA, 1e-12);
    }

    [Fact]
    public void NyquistCosine_IsSplitOnUpSampling()
    {
        // (−1)^x is cos(πx); its symmetric interpolant sampled at half-pixel steps is cos(πx'/2).
        using var fft = new ReferenceDftBackend();
        var pixels = new float[8 * 8];
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++)
                pixels[(y * 8) + x] = x % 2 == 0 ? 1 : -1;
        using var image = Image2D.FromPixels(8, 8, pixels);
        using var up = FourierResample.Resample(image, 16, 16, fft);
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++)
                Assert.Equal(Math.Cos(Math.PI * x / 2), up[x, y], 1e-5);
    }

    [Fact]
    public void FrequencyAtTheNewNyquist_IsJoinedOnDownSampling()
    {
        // cos(2π·4x/16 + φ) sampled at every other pixel is cos(πx' + φ) = (−1)^x'·cos φ: both ±4 coefficients add.
        using var fft = new ReferenceDftBackend();
        const double phase = 0.6;
        var pixels = new float[16 * 16];
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++)
                pixels[(y * 16) + x] = (float)Math.Cos((2 * Math.PI * 4 * x / 16) + phase);
        using var image = Image2D.FromPixels(16, 16, pixels);
        using var down = FourierResample.Resample(image, 8, 8, fft);
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++)
                Assert.Equal((x % 2 == 0 ? 1 : -1) * Math.Cos(phase), down[x, y], 1e-5);
    }

    [Theory]
    [InlineData(20, 20)]
    [InlineData(20, 32)]
    [InlineData(21, 27)]
    [InlineData(21, 30)]
    public void UpSampleThenDownSample_IsIdentity(int n, int m)
    {
        // Padding splits the Nyquist and cropping joins it again, so any image survives the round trip. (An even →
        // odd size pair is left out on purpose: its half-pixel centre correction cannot be undone on the Nyquist
        // cosine of a random image, which no real sub-pixel shift can represent exactly.)
        using var fft = new ReferenceDftBackend();
        var pixels = Random(n * m, n * n);
        using var image = Image2D.FromPixels(n, n, pixels);
        using var up = FourierResample.Resample(image, m, m, fft);
        using var back = FourierResample.Resample(up, n, n, fft);
        Assert.True(MaxAbsDifference(pixels, back.Span) < 1e-5, $"max error {MaxAbsDifference(pixels, back.Span)}");
        Assert.Equal(1.0, back.PixelSizeA, 1e-12);
    }

    [Theory]
    [InlineData(8, 12)]
    [InlineData(9, 14)]
    public void UpSampleThenDownSample_IsIdentity_3D(int n, int m)
    {
        using var fft = new ReferenceDftBackend();
        var voxels = Random(n + m, n * n * n);
        using var volume = Volume.FromVoxels(n, n, n, voxels);
        using var up = FourierResample.Resample(volume, m, m, m, fft);
        using var back = FourierResample.Resample(up, n, n, n, fft);
        Assert.True(MaxAbsDifference(voxels, back.Span) < 1e-5, $"max error {MaxAbsDifference(voxels, back.Span)}");
    }

    [Theory]
    [InlineData(32, 2.0, 16)]
    [InlineData(32, 1.5, 21)]
    [InlineData(30, 0.5, 60)]
    public void Bin_UsesRoundedSizes(int n, double factor, int expected)
    {
        using var fft = new ReferenceDftBackend();
        using var image = new Image2D(n, n, 1.1);
        image.Span.Fill(3f);
        using var binned = FourierResample.Bin(image, factor, fft);
        Assert.Equal(expected, binned.Width);
        Assert.Equal(1.1 * n / expected, binned.PixelSizeA, 1e-12);
        Assert.All(binned.Span.ToArray(), v => Assert.Equal(3f, v, 1e-5f));
    }

    [Fact]
    public void CentredGaussian_StaysCentred_ForOddSizes()
    {
        using var fft = new ReferenceDftBackend();
        var shape = new FftShape(40, 40);
        using var image = Image2D.FromPixels(40, 40, Gaussian(shape, 3));
        using var resampled = FourierResample.Resample(image, 25, 25, fft);
        var peak = CrossCorrelation.FindPeak(resampled.Span, new FftShape(25, 25));
        Assert.Equal(0, peak.ShiftXPx, 0.01);
        Assert.Equal(0, peak.ShiftYPx, 0.01);
    }

    [Fact]
    public void EvenSizeForPixelSize_RoundsToEven()
    {
        Assert.Equal(200, FourierResample.EvenSizeForPixelSize(400, 1.0, 2.0));
        Assert.Equal(128, FourierResample.EvenSizeForPixelSize(256, 1.06, 2.12));
        Assert.Equal(160, FourierResample.EvenSizeForPixelSize(200, 1.2, 1.5));
    }

    [Fact]
    public void BadInput_ThrowsSpecificExceptions()
    {
        using var fft = new ReferenceDftBackend();
        using var image = new Image2D(8, 8);
        Assert.Throws<InvalidParameterException>(() => FourierResample.Bin(image, 0, fft));
        Assert.Throws<InvalidParameterException>(() => FourierResample.Bin(image, double.NaN, fft));
        Assert.Throws<InvalidDimensionsException>(() => FourierResample.Resample(image, 0, 8, fft));
        Assert.Throws<ShapeMismatchException>(() => FourierResample.ResampleSpectrum(new Complex32[5 * 8], new FftShape(8, 8), new Complex32[3 * 4 * 4], new FftShape(4, 4, 4)));
        Assert.Throws<ShapeMismatchException>(() => FourierResample.ResampleSpectrum(new Complex32[7], new FftShape(8, 8), new Complex32[12], new FftShape(4, 4)));
    }
}
