using Concord.Core.Imaging;

namespace Concord.Simulation.Movies;

/// <summary>
/// A counting camera as ground truth: per-pixel sensitivity (a smooth few-percent pattern plus pixel-to-pixel
/// scatter), hot pixels (far too sensitive), dead pixels and defective columns. Raw frames record
/// Poisson(expected counts × sensitivity); the gain reference users apply (multiplied, as RELION and MotionCor2 do)
/// is 1 / sensitivity, and 0 where a pixel is dead.
/// </summary>
public sealed class CameraModel
{
    private CameraModel(float[] sensitivity, int width, int height, IReadOnlyList<int> defectColumns, IReadOnlyList<int> hotPixels, IReadOnlyList<int> deadPixels)
    {
        Sensitivity = sensitivity;
        Width = width;
        Height = height;
        DefectColumns = defectColumns;
        HotPixels = hotPixels;
        DeadPixels = deadPixels;
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Relative sensitivity per pixel (mean ≈ 1), x fastest.</summary>
    public float[] Sensitivity { get; }

    public IReadOnlyList<int> DefectColumns { get; }

    /// <summary>Linear indices (y·Width + x) of hot and dead pixels.</summary>
    public IReadOnlyList<int> HotPixels { get; }

    public IReadOnlyList<int> DeadPixels { get; }

    /// <summary>A perfect camera (sensitivity 1 everywhere).</summary>
    public static CameraModel Ideal(int width, int height) =>
        new(Enumerable.Repeat(1f, width * height).ToArray(), width, height, [], [], []);

    /// <param name="scatter">Pixel-to-pixel sensitivity scatter (relative standard deviation).</param>
    /// <param name="defectFraction">Fraction of pixels that are hot or dead (half each).</param>
    public static CameraModel Random(int width, int height, Random random, double scatter = 0.05, double defectFraction = 2e-5, int defectColumns = 1)
    {
        var s = new float[width * height];
        // Smooth component: a few low-frequency cosines across the sensor (readout-channel pattern).
        double ax = 0.02 * random.NextDouble(), ay = 0.02 * random.NextDouble(), px = random.NextDouble() * 6.28, py = random.NextDouble() * 6.28;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                s[y * width + x] = (float)Math.Max(0.05, 1 + ax * Math.Cos(2 * Math.PI * x / width + px) + ay * Math.Cos(4 * Math.PI * y / height + py)
                    + scatter * MotionModel.Gaussian(random));
        var columns = new List<int>();
        for (int c = 0; c < defectColumns; c++)
        {
            int column = random.Next(width);
            columns.Add(column);
            for (int y = 0; y < height; y++)
                s[y * width + column] *= 0.35f;
        }
        int defects = (int)Math.Round(defectFraction * width * height);
        var hot = new List<int>();
        var dead = new List<int>();
        for (int d = 0; d < defects; d++)
        {
            int i = random.Next(width * height);
            if (d % 2 == 0)
            {
                s[i] = 40;
                hot.Add(i);
            }
            else
            {
                s[i] = 0;
                dead.Add(i);
            }
        }
        return new CameraModel(s, width, height, columns, hot, dead);
    }

    /// <summary>The gain reference a user would apply: 1 / sensitivity (0 for dead pixels).</summary>
    public Image2D GainReference(double pixelSizeA)
    {
        var gain = new Image2D(Width, Height, pixelSizeA);
        var g = gain.Span;
        for (int i = 0; i < g.Length; i++)
            g[i] = Sensitivity[i] > 0 ? 1f / Sensitivity[i] : 0f;
        return gain;
    }

    /// <summary>
    /// Draws one raw frame: Poisson(expected[i] × sensitivity[i]) counts per pixel. Each row has its own random
    /// stream derived from <paramref name="seed"/>, so the frame is identical for any degree of parallelism.
    /// </summary>
    public void Record(ReadOnlyMemory<float> expected, Memory<float> frame, int seed, int maxDegreeOfParallelism = -1)
    {
        Core.ShapeMismatchException.ThrowIfLengthDiffers(expected.Length, (long)Width * Height, "camera expected counts");
        Core.ShapeMismatchException.ThrowIfLengthDiffers(frame.Length, (long)Width * Height, "camera frame");
        Parallel.For(0, Height, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, y =>
        {
            var random = new Random(SeedMixer.Derive(seed, y));
            var e = expected.Span.Slice(y * Width, Width);
            var f = frame.Span.Slice(y * Width, Width);
            for (int x = 0; x < Width; x++)
                f[x] = Poisson.Sample(Math.Max(0, e[x]) * Sensitivity[y * Width + x], random);
        });
    }
}

/// <summary>Poisson sampling: Knuth's product method for small means, a rounded normal approximation above 30.</summary>
public static class Poisson
{
    public static int Sample(double mean, Random random)
    {
        if (mean <= 0)
            return 0;
        if (mean > 30)
            return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * MotionModel.Gaussian(random)));
        double limit = Math.Exp(-mean), product = random.NextDouble();
        int k = 0;
        while (product > limit)
        {
            product *= random.NextDouble();
            k++;
        }
        return k;
    }
}
