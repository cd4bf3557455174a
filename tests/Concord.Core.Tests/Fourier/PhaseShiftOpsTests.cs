using Concord.Core.Fourier;
using Concord.Core.Imaging;

using static Concord.Core.Tests.Fourier.OpsTestSignals;

namespace Concord.Core.Tests.Fourier;

public class PhaseShiftOpsTests
{
    /// <summary>numpy.roll: out[(i + s) mod N] = in[i] along each axis.</summary>
    private static float[] Roll(float[] data, FftShape shape, int sx, int sy, int sz)
    {
        var result = new float[data.Length];
        for (int z = 0; z < shape.NZ; z++)
            for (int y = 0; y < shape.NY; y++)
                for (int x = 0; x < shape.NX; x++)
                {
                    int tx = (((x + sx) % shape.NX) + shape.NX) % shape.NX;
                    int ty = (((y + sy) % shape.NY) + shape.NY) % shape.NY;
                    int tz = (((z + sz) % shape.NZ) + shape.NZ) % shape.NZ;
                    result[(((tz * shape.NY) + ty) * shape.NX) + tx] = data[(((z * shape.NY) + y) * shape.NX) + x];
                }
        return result;
    }

    [Theory]
    [InlineData(24, 20, 3, -5)]
    [InlineData(17, 22, -4, 7)]
    [InlineData(16, 16, 8, 8)]
    public void IntegerShift_EqualsRoll_EvenForNonBandLimitedImages(int nx, int ny, int sx, int sy)
    {
        using var fft = new ReferenceDftBackend();
        var shape = new FftShape(nx, ny);
        var pixels = Random(nx + ny, shape.RealLength);
        using var image = Image2D.FromPixels(nx, ny, pixels);
        PhaseShift.Shift(image, sx, sy, fft);
        var expected = Roll(pixels, shape, sx, sy, 0);
        Assert.True(MaxAbsDifference(expected, image.Span) < 1e-5, $"max error {MaxAbsDifference(expected, image.Span)}");
    }

    [Fact]
    public void IntegerShift_EqualsRoll_3D()
    {
        using var fft = new ReferenceDftBackend();
        var shape = new FftShape(10, 8, 9);
        var pixels = Random(4, shape.RealLength);
        using var volume = Volume.FromVoxels(10, 8, 9, pixels);
        PhaseShift.Shift(volume, -3, 2, 5, fft);
        Assert.True(MaxAbsDifference(Roll(pixels, shape, -3, 2, 5), volume.Span) < 1e-5);
    }

    [Theory]
    [InlineData(32, 32, 0.37, -2.6)]
    [InlineData(27, 30, -1.5, 0.25)]
    [InlineData(32, 24, 13.3, -7.9)]
    public void FractionalShift_EqualsAnalyticCosineShift(int nx, int ny, double sx, double sy)
    {
        using var fft = new ReferenceDftBackend();
        var shape = new FftShape(nx, ny);
        Wave[] waves = [new(2, 1, 0, 1, 0.4), new(-3, 5, 0, 0.5, 1.9), new(0, 3, 0, 0.3, -0.2)];
        using var image = Image2D.FromPixels(nx, ny, Sample(shape, shape, 0.1, waves));
        PhaseShift.Shift(image, sx, sy, fft);
        // f(r − s): each wave's phase drops by 2π k·s/N; positive shifts move content towards +x/+y.
        var shifted = waves.Select(w => w with { Phase = w.Phase - (2 * Math.PI * ((w.Kx * sx / nx) + (w.Ky * sy / ny))) }).ToArray();
        var expected = Sample(shape, shape, 0.1, shifted);
        Assert.True(MaxAbsDifference(expected, image.Span) < 1e-5, $"max error {MaxAbsDifference(expected, image.Span)}");
    }

    [Fact]
    public void FractionalShift_3D_MovesAGaussianByTheShift()
    {
        using var fft = new ReferenceDftBackend();
        var shape = new FftShape(16, 16, 16);
        using var volume = Volume.FromVoxels(16, 16, 16, PeriodicGaussian(shape, 2.0, 0, 0, 0));
        PhaseShift.Shift(volume, 1.25, -0.5, 7.75, fft);
        var expected = PeriodicGaussian(shape, 2.0, 1.25, -0.5, 7.75);
        Assert.True(MaxAbsDifference(expected, volume.Span) < 1e-5, $"max error {MaxAbsDifference(expected, volume.Span)}");
    }

    [Fact]
    public void NyquistElement_GetsTheRealFactorCosPiS()
    {
        var shape = new FftShape(8, 1);
        var spectrum = new Complex32[shape.ComplexLength];
        spectrum[4] = new Complex32(2, 0);
        spectrum[1] = new Complex32(1, 0);
        PhaseShift.ApplyToSpectrum(spectrum, shape, 0.25, 0);
        Assert.Equal(2 * Math.Cos(Math.PI * 0.25), spectrum[4].Re, 1e-6);
        Assert.Equal(0, spectrum[4].Im, 1e-7);
        Assert.Equal(Math.Cos(-2 * Math.PI * 0.25 / 8), spectrum[1].Re, 1e-6);
        Assert.Equal(Math.Sin(-2 * Math.PI * 0.25 / 8), spectrum[1].Im, 1e-6);
    }

    [Fact]
    public void BadInput_ThrowsSpecificExceptions()
    {
        var shape = new FftShape(8, 8);
        Assert.Throws<InvalidParameterException>(() => PhaseShift.ApplyToSpectrum(new Complex32[shape.ComplexLength], shape, double.NaN, 0));
        Assert.Throws<InvalidParameterException>(() => PhaseShift.ApplyToSpectrum(new Complex32[shape.ComplexLength], shape, 1, 0, 2));
        Assert.Throws<ShapeMismatchException>(() => PhaseShift.ApplyToSpectrum(new Complex32[10], shape, 1, 0));
    }
}
