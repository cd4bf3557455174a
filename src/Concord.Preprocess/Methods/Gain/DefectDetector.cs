using Concord.Core;
using Concord.Core.Imaging;

namespace Concord.Preprocess.Methods.Gain;

/// <summary>Thresholds for finding defects from pixel statistics.</summary>
/// <param name="Sigma">Robust standard deviations beyond which a pixel, column or row is defective.</param>
/// <param name="MinimumRelativeDeviation">A defect must also differ from its surroundings by at least this fraction
/// (keeps well-behaved pixels of a very clean image from being flagged on tiny deviations).</param>
/// <param name="WindowRadiusPx">Half-width of the window that gives each pixel's local reference level.</param>
public sealed record DefectDetectionOptions(double Sigma = 6, double MinimumRelativeDeviation = 0.2, int WindowRadiusPx = 3)
{
    public void Validate()
    {
        if (!(Sigma > 0) || double.IsInfinity(Sigma))
            throw new InvalidParameterException(nameof(Sigma), $"must be a positive number of standard deviations, got {Sigma}.");
        if (!(MinimumRelativeDeviation >= 0) || double.IsInfinity(MinimumRelativeDeviation))
            throw new InvalidParameterException(nameof(MinimumRelativeDeviation), $"must be a fraction ≥ 0, got {MinimumRelativeDeviation}.");
        if (WindowRadiusPx < 1)
            throw new InvalidParameterException(nameof(WindowRadiusPx), $"must be at least 1 px, got {WindowRadiusPx}.");
    }
}

/// <summary>
/// Finds hot and dead pixels and defective columns and rows from statistics of a per-pixel sum or mean over many frames
/// (raw or gain corrected), for when no defect list is supplied.
/// <para>
/// Columns and rows first: each column's median is compared with the median of the six columns' medians beside it, and a column
/// whose relative deviation is an outlier among all columns (robust z-score) is defective; likewise rows. Pixels next:
/// each pixel's relative deviation from the mean of its window (columns, rows and gross outliers excluded, so a hot
/// pixel does not lift its neighbours' reference) is compared with the robust spread of all deviations; hot pixels lie
/// far above, dead pixels far below.
/// </para>
/// </summary>
public static class DefectDetector
{
    /// <summary>Values the global median and spread are estimated from (a 4096² frame has 16.8 million).</summary>
    private const int SpreadSamples = 1 << 20;

    public static DefectMap Detect(ReadOnlySpan<float> summed, int width, int height, DefectDetectionOptions? options = null)
    {
        options ??= new DefectDetectionOptions();
        options.Validate();
        InvalidDimensionsException.ThrowIfNotPositive(width, height, 1, "DefectDetector");
        ShapeMismatchException.ThrowIfLengthDiffers(summed.Length, (long)width * height, "defect detection image");
        // One array copy serves both line passes (their parallel workers cannot capture the span).
        var image = summed.ToArray();
        var columns = OutlierLines(image, width, height, byColumn: true, options);
        var rows = OutlierLines(image, width, height, byColumn: false, options);
        var badColumn = new bool[width];
        var badRow = new bool[height];
        foreach (int x in columns)
            badColumn[x] = true;
        foreach (int y in rows)
            badRow[y] = true;
        var accepted = new bool[summed.Length];
        for (int y = 0; y < height; y++)
        {
            if (badRow[y])
                continue;
            var row = summed.Slice(y * width, width);
            for (int x = 0; x < width; x++)
                accepted[(y * width) + x] = !badColumn[x] && float.IsFinite(row[x]);
        }
        // Gross outliers against the global level are removed before the local means are formed.
        var (median, sigma) = MaskedBoxMean.RobustSpread(summed, accepted, SpreadSamples);
        for (int i = 0; i < summed.Length; i++)
        {
            if (accepted[i] && Math.Abs(summed[i] - median) > options.Sigma * Math.Max(sigma, 1e-12) && Math.Abs(summed[i] - median) > options.MinimumRelativeDeviation * Math.Abs(median))
                accepted[i] = false;
        }
        // Each pixel's local mean, replaced in place by the pixel's relative deviation from it.
        var deviation = MaskedBoxMean.Compute(summed, accepted, width, height, options.WindowRadiusPx);
        for (int i = 0; i < summed.Length; i++)
            deviation[i] = deviation[i] > 0 ? (float)((summed[i] / deviation[i]) - 1) : float.NaN;
        var (devMedian, devSigma) = MaskedBoxMean.RobustSpread(deviation, accepted, SpreadSamples);
        double limit = Math.Max(options.Sigma * devSigma, options.MinimumRelativeDeviation);
        var pixels = new List<int>();
        for (int y = 0; y < height; y++)
        {
            if (badRow[y])
                continue;
            for (int x = 0; x < width; x++)
            {
                int i = (y * width) + x;
                if (badColumn[x])
                    continue;
                if (!float.IsFinite(summed[i]) || !float.IsFinite(deviation[i]) || Math.Abs(deviation[i] - devMedian) > limit)
                    pixels.Add(i);
            }
        }
        return DefectMap.Create(width, height, pixels, columns, rows);
    }

    /// <inheritdoc cref="Detect(ReadOnlySpan{float}, int, int, DefectDetectionOptions?)"/>
    public static DefectMap Detect(Image2D summed, DefectDetectionOptions? options = null) => Detect(summed.Span, summed.Width, summed.Height, options);

    private static HashSet<int> OutlierLines(float[] image, int width, int height, bool byColumn, DefectDetectionOptions options)
    {
        int lines = byColumn ? width : height, length = byColumn ? height : width;
        if (lines < 4)
            return [];
        // Medians along each line, so one hot pixel cannot make its whole column look defective.
        var means = LineMedians(image, width, height, byColumn);
        var deviation = new float[lines];
        Span<double> around = stackalloc double[6];
        for (int l = 0; l < lines; l++)
        {
            int n = 0;
            for (int d = -3; d <= 3; d++)
            {
                int j = l + d;
                if (d != 0 && j >= 0 && j < lines)
                    around[n++] = means[j];
            }
            var a = around[..n];
            a.Sort();
            double reference = n % 2 == 1 ? a[n / 2] : 0.5 * (a[(n / 2) - 1] + a[n / 2]);
            deviation[l] = reference != 0 ? (float)((means[l] / reference) - 1) : 0;
        }
        var all = new bool[lines];
        Array.Fill(all, true);
        var (median, sigma) = MaskedBoxMean.RobustSpread(deviation, all);
        double limit = Math.Max(options.Sigma * sigma, options.MinimumRelativeDeviation);
        var result = new HashSet<int>();
        for (int l = 0; l < lines; l++)
        {
            if (Math.Abs(deviation[l] - median) > limit)
                result.Add(l);
        }
        return result;
    }

    /// <summary>
    /// The median of every column (or row), in parallel. Columns are gathered a block at a time, reading each image
    /// row once per block, since gathering one column at a time strides through the whole image for every column.
    /// </summary>
    private static double[] LineMedians(float[] image, int width, int height, bool byColumn)
    {
        const int Block = 32;
        int lines = byColumn ? width : height, length = byColumn ? height : width;
        var medians = new double[lines];
        Parallel.For(0, (lines + Block - 1) / Block, () => new float[Block * length], (b, _, buffer) =>
        {
            int first = b * Block, count = Math.Min(Block, lines - first);
            if (byColumn)
            {
                for (int y = 0; y < height; y++)
                    for (int k = 0; k < count; k++)
                        buffer[(k * length) + y] = image[(y * width) + first + k];
            }
            else
                image.AsSpan(first * width, count * width).CopyTo(buffer);
            for (int k = 0; k < count; k++)
                medians[first + k] = ImageStatistics.Median(buffer.AsSpan(k * length, length));
            return buffer;
        }, _ => { });
        return medians;
    }
}
