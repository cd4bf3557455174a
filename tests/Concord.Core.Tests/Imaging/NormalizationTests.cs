using Concord.Core.Fourier;
using Concord.Core.Imaging;

namespace Concord.Core.Tests.Imaging;

public class NormalizationTests
{
    [Fact]
    public void NormalizeWhole_GivesMeanZeroStdOne()
    {
        var rng = new Random(5);
        var pixels = Enumerable.Range(0, 5000).Select(_ => (float)((rng.NextDouble() * 40) + 100)).ToArray();
        Normalization.NormalizeWhole(pixels);
        var stats = ImageStatistics.Compute(pixels);
        Assert.Equal(0, stats.Mean, 1e-6);
        Assert.Equal(1, stats.Std, 1e-5);
    }

    [Fact]
    public void NormalizeBackground_GivesMeanZeroStdOneOutsideTheRadius_2D()
    {
        const int n = 40;
        const double radius = 15;
        var rng = new Random(6);
        using var image = new Image2D(n, n);
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                double r = Math.Sqrt(((x - 20.0) * (x - 20)) + ((y - 20.0) * (y - 20)));
                // A bright particle inside the radius must not influence the background statistics.
                image[x, y] = (float)((r <= radius ? 50 : 3) + (2.5 * rng.NextDouble()));
            }
        Normalization.NormalizeBackground(image, radius);
        var (mean, std, count) = Ring(image.Span, n, n, 1, radius);
        Assert.Equal(0, mean, 1e-5);
        Assert.Equal(1, std, 1e-5);
        Assert.True(count > 400);
    }

    [Fact]
    public void NormalizeBackground_Volume()
    {
        const int n = 16;
        var rng = new Random(7);
        using var volume = Volume.Cube(n);
        var span = volume.Span;
        for (int i = 0; i < span.Length; i++)
            span[i] = (float)((rng.NextDouble() * 8) - 1);
        var used = Normalization.NormalizeBackground(volume, 6);
        var (mean, std, count) = Ring(volume.Span, n, n, n, 6);
        Assert.Equal(count, used.Count);
        Assert.Equal(0, mean, 1e-5);
        Assert.Equal(1, std, 1e-5);
    }

    [Fact]
    public void NormalizeBackground_Stack_NormalisesEachImageOnItsOwn()
    {
        var rng = new Random(8);
        using var stack = new ImageStack(24, 24, 5);
        for (int i = 0; i < stack.Count; i++)
        {
            var image = stack.Slice(i);
            for (int p = 0; p < image.Length; p++)
                image[p] = (float)((10 * i) + ((i + 1) * rng.NextDouble()));
        }
        var used = Normalization.NormalizeBackground(stack, 9, maxDegreeOfParallelism: 2);
        for (int i = 0; i < stack.Count; i++)
        {
            var (mean, std, _) = Ring(stack.Slice(i), 24, 24, 1, 9);
            Assert.Equal(0, mean, 1e-5);
            Assert.Equal(1, std, 1e-5);
            Assert.True(used[i].Mean > 10 * i);
        }
        Assert.Throws<InvalidParameterException>(() => Normalization.NormalizeBackground(stack, 9, maxDegreeOfParallelism: 0));
    }

    [Fact]
    public void BadInput_ThrowsSpecificExceptions()
    {
        using var image = new Image2D(20, 20);
        image.Span.Fill(2);
        Assert.Throws<InvalidParameterException>(() => Normalization.NormalizeWhole(image.Span));
        Assert.Throws<InvalidParameterException>(() => Normalization.NormalizeBackground(image, 5));
        Assert.Throws<InvalidParameterException>(() => Normalization.NormalizeBackground(image, 10.5));
        Assert.Throws<InvalidParameterException>(() => Normalization.NormalizeBackground(image, 0));
        Assert.Throws<ShapeMismatchException>(() => Normalization.NormalizeBackground(new float[10], new FftShape(4, 4), 1));
    }

    /// <summary>Background statistics by a plain double loop (r² &gt; R², centre N/2).</summary>
    private static (double Mean, double Std, long Count) Ring(ReadOnlySpan<float> pixels, int nx, int ny, int nz, double radius)
    {
        double sum = 0, squares = 0;
        long count = 0;
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    double r2 = Math.Pow(x - (nx / 2), 2) + Math.Pow(y - (ny / 2), 2) + Math.Pow(z - (nz / 2), 2);
                    if (r2 <= radius * radius)
                        continue;
                    double v = pixels[(((z * ny) + y) * nx) + x];
                    sum += v;
                    squares += v * v;
                    count++;
                }
        double mean = sum / count;
        return (mean, Math.Sqrt((squares / count) - (mean * mean)), count);
    }
}
