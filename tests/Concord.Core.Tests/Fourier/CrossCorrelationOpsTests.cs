using Concord.Core.Fourier;
using Concord.Core.Imaging;

using static Concord.Core.Tests.Fourier.OpsTestSignals;

namespace Concord.Core.Tests.Fourier;

public class CrossCorrelationOpsTests
{
    [Theory]
    [InlineData(3.3, -1.7)]
    [InlineData(-0.45, 0.5)]
    [InlineData(6.81, 4.02)]
    public void RecoversAKnownSubPixelShift_OfAGaussianBlob_2D(double sx, double sy)
    {
        using var fft = new ReferenceDftBackend();
        var shape = new FftShape(40, 36);
        using var reference = Image2D.FromPixels(40, 36, Gaussian(shape, 3));
        using var moving = Image2D.FromPixels(40, 36, Gaussian(shape, 3, sx, sy));
        var peak = CrossCorrelation.FindShift(reference, moving, fft);
        Assert.Equal(sx, peak.ShiftXPx, 0.05);
        Assert.Equal(sy, peak.ShiftYPx, 0.05);
        Assert.Equal(0, peak.ShiftZPx);
        Assert.InRange(peak.Value, 0.99, 1.0001);
    }

    [Fact]
    public void RecoversAKnownSubPixelShift_3D()
    {
        using var fft = new ReferenceDftBackend();
        var shape = new FftShape(16, 16, 16);
        using var reference = Volume.FromVoxels(16, 16, 16, Gaussian(shape, 2.5));
        using var moving = Volume.FromVoxels(16, 16, 16, Gaussian(shape, 2.5, 1.4, -2.2, 0.6));
        var peak = CrossCorrelation.FindShift(reference, moving, fft);
        Assert.Equal(1.4, peak.ShiftXPx, 0.05);
        Assert.Equal(-2.2, peak.ShiftYPx, 0.05);
        Assert.Equal(0.6, peak.ShiftZPx, 0.05);
    }

    [Fact]
    public void SignConvention_MatchesPhaseShift()
    {
        using var fft = new ReferenceDftBackend();
        var shape = new FftShape(32, 32);
        using var reference = Image2D.FromPixels(32, 32, Gaussian(shape, 2.5, -1, 2));
        using var moving = reference.Clone();
        PhaseShift.Shift(moving, 2.4, -3.6, fft);
        var peak = CrossCorrelation.FindShift(reference, moving, fft);
        Assert.Equal(2.4, peak.ShiftXPx, 0.05);
        Assert.Equal(-3.6, peak.ShiftYPx, 0.05);
    }

    [Fact]
    public void PlainMap_EqualsDirectCircularCorrelation_Centred()
    {
        using var fft = new ReferenceDftBackend();
        const int nx = 7, ny = 6;
        var shape = new FftShape(nx, ny);
        var a = Random(1, nx * ny);
        var b = Random(2, nx * ny);
        var map = new float[nx * ny];
        CrossCorrelation.ComputeMap(a, b, shape, fft, map, normalize: false);
        for (int ty = -ny / 2; ty < ny - (ny / 2); ty++)
            for (int tx = -nx / 2; tx < nx - (nx / 2); tx++)
            {
                double c = 0;
                for (int y = 0; y < ny; y++)
                    for (int x = 0; x < nx; x++)
                        c += a[(y * nx) + x] * (double)b[((((y + ty) % ny + ny) % ny) * nx) + ((((x + tx) % nx) + nx) % nx)];
                Assert.Equal(c, map[((ty + (ny / 2)) * nx) + tx + (nx / 2)], 1e-4);
            }
    }

    [Fact]
    public void NormalizedMap_IsPearsonCorrelation()
    {
        using var fft = new ReferenceDftBackend();
        var shape = new FftShape(16, 16);
        var a = Random(5, 256);
        var b = a.Select(v => (3 * v) + 7).ToArray();
        var map = new float[256];
        CrossCorrelation.ComputeMap(a, b, shape, fft, map, normalize: true);
        Assert.Equal(1, map[(8 * 16) + 8], 1e-5);
        Assert.All(map, v => Assert.InRange(v, -1.00001f, 1.00001f));
    }

    [Fact]
    public void MaxShift_RestrictsTheSearch()
    {
        using var fft = new ReferenceDftBackend();
        var shape = new FftShape(32, 32);
        using var reference = Image2D.FromPixels(32, 32, Gaussian(shape, 1.5));
        var far = Gaussian(shape, 1.5, 9, 0);
        var near = Gaussian(shape, 1.5, -2, 1);
        using var moving = Image2D.FromPixels(32, 32, far.Zip(near, (f, n) => f + (0.6f * n)).ToArray());
        var free = CrossCorrelation.FindShift(reference, moving, fft);
        Assert.Equal(9, free.ShiftXPx, 0.1);
        var limited = CrossCorrelation.FindShift(reference, moving, fft, maxShiftPx: 4);
        Assert.Equal(-2, limited.ShiftXPx, 0.1);
        Assert.Equal(1, limited.ShiftYPx, 0.1);
    }

    [Fact]
    public void BadInput_ThrowsSpecificExceptions()
    {
        using var fft = new ReferenceDftBackend();
        using var a = new Image2D(8, 8);
        using var b = new Image2D(8, 6);
        using var c = new Image2D(8, 8);
        Assert.Throws<ShapeMismatchException>(() => CrossCorrelation.FindShift(a, b, fft));
        Assert.Throws<InvalidParameterException>(() => CrossCorrelation.FindShift(a, c, fft));
        Assert.Throws<InvalidParameterException>(() => CrossCorrelation.FindPeak(new float[64], new FftShape(8, 8), -1));
        Assert.Throws<ShapeMismatchException>(() => CrossCorrelation.FindPeak(new float[63], new FftShape(8, 8)));
    }
}
