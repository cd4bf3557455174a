using System.Numerics.Tensors;

using Concord.Core.Fourier;

namespace Concord.Core.Imaging;

/// <summary>
/// Intensity normalisation of images and volumes. Shapes of raw spans are given as an <see cref="FftShape"/>
/// (NX × NY × NZ, x fastest), the one shape type of Core.
/// </summary>
public static class Normalization
{
    /// <summary>Shifts and scales all pixels to mean 0 and population standard deviation 1; returns the statistics used.</summary>
    /// <exception cref="InvalidParameterException">The pixels are constant (standard deviation 0) or not finite.</exception>
    public static PixelStatistics NormalizeWhole(Span<float> pixels)
    {
        var stats = ImageStatistics.Compute(pixels);
        Apply(pixels, stats.Mean, stats.Std, "pixels");
        return stats;
    }

    /// <summary>
    /// RELION-style background normalisation (<c>relion_preprocess --norm --bg_radius R</c>; Scheres, 2012, J. Struct.
    /// Biol. 180:519): the background is every pixel whose distance from the centre (N/2 along each axis, integer
    /// division) is strictly greater than <paramref name="backgroundRadiusPx"/>; the whole image is shifted and scaled
    /// so that the background has mean 0 and population standard deviation 1. As in RELION, 2·R may not exceed the
    /// smallest box edge, which guarantees the corners form the background. Returns the background statistics used.
    /// </summary>
    public static PixelStatistics NormalizeBackground(Span<float> pixels, FftShape shape, double backgroundRadiusPx)
    {
        var stats = BackgroundStatistics(pixels, shape, backgroundRadiusPx);
        Apply(pixels, stats.Mean, stats.Std, "background");
        return stats;
    }

    /// <inheritdoc cref="NormalizeBackground(Span{float}, FftShape, double)"/>
    public static PixelStatistics NormalizeBackground(Image2D image, double backgroundRadiusPx) =>
        NormalizeBackground(image.Span, new FftShape(image.Width, image.Height), backgroundRadiusPx);

    /// <inheritdoc cref="NormalizeBackground(Span{float}, FftShape, double)"/>
    public static PixelStatistics NormalizeBackground(Volume volume, double backgroundRadiusPx) =>
        NormalizeBackground(volume.Span, new FftShape(volume.NX, volume.NY, volume.NZ), backgroundRadiusPx);

    /// <summary>
    /// Background-normalises every image of <paramref name="stack"/> independently (see
    /// <see cref="NormalizeBackground(Span{float}, FftShape, double)"/>), images in parallel with at most
    /// <paramref name="maxDegreeOfParallelism"/> threads (−1: all cores). Returns the background statistics per image.
    /// </summary>
    public static PixelStatistics[] NormalizeBackground(ImageStack stack, double backgroundRadiusPx, int maxDegreeOfParallelism = -1)
    {
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new InvalidParameterException("maxDegreeOfParallelism", $"must be −1 (all cores) or ≥ 1, got {maxDegreeOfParallelism}.");
        var shape = new FftShape(stack.Width, stack.Height);
        var results = new PixelStatistics[stack.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, stack.Count, options, i => results[i] = NormalizeBackground(stack.Slice(i), shape, backgroundRadiusPx));
        return results;
    }

    /// <summary>Mean and population standard deviation of the pixels farther than <paramref name="backgroundRadiusPx"/>
    /// from the centre (see <see cref="NormalizeBackground(Span{float}, FftShape, double)"/>).</summary>
    public static PixelStatistics BackgroundStatistics(ReadOnlySpan<float> pixels, FftShape shape, double backgroundRadiusPx)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(pixels.Length, shape.RealLength, "background normalisation pixels");
        int smallest = shape.Rank == 3 ? Math.Min(shape.NX, Math.Min(shape.NY, shape.NZ)) : Math.Min(shape.NX, shape.NY);
        if (!(backgroundRadiusPx > 0) || 2 * backgroundRadiusPx > smallest)
            throw new InvalidParameterException("backgroundRadiusPx", $"must be > 0 and at most half the smallest box edge ({smallest / 2.0} px for {shape}), got {backgroundRadiusPx}.");
        double r2 = backgroundRadiusPx * backgroundRadiusPx;
        double sum = 0, sumSquares = 0;
        long count = 0;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        int cx = shape.NX / 2, cy = shape.NY / 2, cz = shape.NZ / 2;
        for (int z = 0; z < shape.NZ; z++)
            for (int y = 0; y < shape.NY; y++)
            {
                double dyz = ((double)(y - cy) * (y - cy)) + ((double)(z - cz) * (z - cz));
                int row = ((z * shape.NY) + y) * shape.NX;
                for (int x = 0; x < shape.NX; x++)
                {
                    if (dyz + ((double)(x - cx) * (x - cx)) <= r2)
                        continue;
                    float v = pixels[row + x];
                    sum += v;
                    sumSquares += (double)v * v;
                    count++;
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                }
            }
        if (count < 2)
            throw new InvalidParameterException("backgroundRadiusPx", $"leaves {count} background pixel(s) in a {shape} box; need at least 2.");
        double mean = sum / count;
        double variance = Math.Max(0, (sumSquares / count) - (mean * mean));
        return new PixelStatistics(count, mean, Math.Sqrt(variance), min, max);
    }

    private static void Apply(Span<float> pixels, double mean, double std, string what)
    {
        if (!(std > 0) || !double.IsFinite(std) || !double.IsFinite(mean))
            throw new InvalidParameterException(what, $"standard deviation is {std} (mean {mean}); a constant or non-finite image cannot be normalised.");
        TensorPrimitives.Subtract(pixels, (float)mean, pixels);
        TensorPrimitives.Multiply(pixels, (float)(1 / std), pixels);
    }
}
