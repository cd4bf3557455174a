using System.Buffers;
using System.Numerics.Tensors;

namespace Concord.Core.Imaging;

/// <summary>Summary statistics of a set of pixels. <see cref="Std"/> is the population standard deviation (divide by n).</summary>
public readonly record struct PixelStatistics(long Count, double Mean, double Std, float Min, float Max);

/// <summary>
/// Statistics over plain spans, so the same code serves an <see cref="Image2D"/>, a <see cref="Volume"/>, one slice of
/// an <see cref="ImageStack"/> or any sub-range. Sums are accumulated in double over float blocks summed by
/// TensorPrimitives, which keeps the SIMD speed while bounding float round-off to one block.
/// </summary>
public static class ImageStatistics
{
    /// <summary>Pixels summed in float before the partial sum is added to a double accumulator.</summary>
    private const int BlockLength = 4096;

    /// <summary>
    /// Mean, population standard deviation, minimum and maximum. A first pass finds a provisional mean m₀ from float
    /// block sums; a second sums the deviations d = x − m₀ and d² in float blocks. The mean is m₀ + Σd/n and the
    /// variance Σd²/n − (Σd/n)²: the deviations are small, so neither float round-off on large offsets nor the
    /// cancellation of the one-pass Σx² − n·mean² formula limits the accuracy.
    /// </summary>
    public static PixelStatistics Compute(ReadOnlySpan<float> pixels)
    {
        RequireNonEmpty(pixels, "ImageStatistics.Compute");
        float provisional = ProvisionalMean(pixels);
        double meanDeviation = SumDeviations(pixels, provisional, out double sumSquares) / pixels.Length;
        double variance = Math.Max(0, (sumSquares / pixels.Length) - (meanDeviation * meanDeviation));
        return new PixelStatistics(pixels.Length, provisional + meanDeviation, Math.Sqrt(variance), TensorPrimitives.Min(pixels), TensorPrimitives.Max(pixels));
    }

    /// <summary>Arithmetic mean, refined by a second pass over the deviations (see <see cref="Compute"/>).</summary>
    public static double Mean(ReadOnlySpan<float> pixels)
    {
        RequireNonEmpty(pixels, "ImageStatistics.Mean");
        float provisional = ProvisionalMean(pixels);
        return provisional + (SumDeviations(pixels, provisional, out _) / pixels.Length);
    }

    private static float ProvisionalMean(ReadOnlySpan<float> pixels)
    {
        double sum = 0;
        for (int start = 0; start < pixels.Length; start += BlockLength)
            sum += TensorPrimitives.Sum(pixels.Slice(start, Math.Min(BlockLength, pixels.Length - start)));
        return (float)(sum / pixels.Length);
    }

    /// <summary>Σ(x − shift) and Σ(x − shift)², each accumulated in double over float blocks.</summary>
    private static double SumDeviations(ReadOnlySpan<float> pixels, float shift, out double sumSquares)
    {
        double sum = 0;
        sumSquares = 0;
        Span<float> deviations = stackalloc float[256];
        for (int start = 0; start < pixels.Length; start += deviations.Length)
        {
            var block = pixels.Slice(start, Math.Min(deviations.Length, pixels.Length - start));
            var d = deviations[..block.Length];
            TensorPrimitives.Subtract(block, shift, d);
            sum += TensorPrimitives.Sum(d);
            sumSquares += TensorPrimitives.SumOfSquares(d);
        }
        return sum;
    }

    /// <summary>
    /// The <paramref name="percent"/>-th percentile (0–100) with linear interpolation between order statistics
    /// (numpy's default "linear" method: position (n − 1)·p/100). Uses selection (expected O(n)), not a full sort;
    /// <paramref name="pixels"/> is not modified. NaN pixels are rejected because they have no order.
    /// </summary>
    public static double Percentile(ReadOnlySpan<float> pixels, double percent) => Percentiles(pixels, [percent])[0];

    /// <summary>Median (50th percentile).</summary>
    public static double Median(ReadOnlySpan<float> pixels) => Percentile(pixels, 50);

    /// <summary>Several percentiles from one copy of the data; each is found by selection on the partially ordered copy.</summary>
    public static double[] Percentiles(ReadOnlySpan<float> pixels, ReadOnlySpan<double> percents)
    {
        RequireNonEmpty(pixels, "ImageStatistics.Percentiles");
        foreach (double p in percents)
        {
            if (!(p >= 0 && p <= 100))
                throw new InvalidParameterException("percent", $"must lie in [0, 100], got {p}.");
        }
        // IndexOfMax returns the first NaN when one is present.
        if (float.IsNaN(pixels[TensorPrimitives.IndexOfMax(pixels)]))
            throw new InvalidParameterException("pixels", "contain NaN, which has no rank; percentiles are undefined.");
        float[] work = ArrayPool<float>.Shared.Rent(pixels.Length);
        try
        {
            var data = work.AsSpan(0, pixels.Length);
            pixels.CopyTo(data);
            var result = new double[percents.Length];
            for (int i = 0; i < percents.Length; i++)
            {
                double position = (data.Length - 1) * percents[i] / 100.0;
                int lower = (int)Math.Floor(position);
                double fraction = position - lower;
                float low = Selection.Select(data, lower);
                if (fraction == 0 || lower + 1 >= data.Length)
                {
                    result[i] = low;
                    continue;
                }
                // After selecting rank `lower`, the next order statistic is the minimum of the upper partition.
                float high = TensorPrimitives.Min(data[(lower + 1)..]);
                result[i] = low + (fraction * ((double)high - low));
            }
            return result;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(work);
        }
    }

    private static void RequireNonEmpty(ReadOnlySpan<float> pixels, string what)
    {
        if (pixels.IsEmpty)
            throw new InvalidDimensionsException($"{what}: needs at least one pixel, got an empty span.");
    }
}

/// <summary>
/// In-place selection (Hoare's quickselect with median-of-three pivots, falling back to a heap-free insertion sort
/// for short ranges). After <see cref="Select"/>, the element of rank k is at index k, everything before it is ≤ and
/// everything after it is ≥.
/// </summary>
internal static class Selection
{
    public static float Select(Span<float> data, int k)
    {
        int left = 0, right = data.Length - 1;
        while (right - left > 16)
        {
            int mid = left + ((right - left) / 2);
            // Median of three into data[mid] guards against sorted or reverse-sorted input.
            if (data[mid] < data[left]) Swap(data, mid, left);
            if (data[right] < data[left]) Swap(data, right, left);
            if (data[right] < data[mid]) Swap(data, right, mid);
            float pivot = data[mid];
            int i = left, j = right;
            while (i <= j)
            {
                while (data[i] < pivot) i++;
                while (data[j] > pivot) j--;
                if (i <= j)
                {
                    Swap(data, i, j);
                    i++;
                    j--;
                }
            }
            if (k <= j)
                right = j;
            else if (k >= i)
                left = i;
            else
                return data[k];
        }
        InsertionSort(data.Slice(left, right - left + 1));
        return data[k];
    }

    private static void InsertionSort(Span<float> data)
    {
        for (int i = 1; i < data.Length; i++)
        {
            float v = data[i];
            int j = i - 1;
            while (j >= 0 && data[j] > v)
            {
                data[j + 1] = data[j];
                j--;
            }
            data[j + 1] = v;
        }
    }

    private static void Swap(Span<float> data, int i, int j) => (data[i], data[j]) = (data[j], data[i]);
}
