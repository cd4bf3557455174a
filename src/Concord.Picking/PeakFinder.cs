using Concord.Core;
using Concord.Core.Imaging;

namespace Concord.Picking;

/// <summary>How <see cref="PeakFinder"/> turns a response map into picks.</summary>
/// <param name="MinDistancePx">Non-maximum suppression: no two picks closer than this (working pixels).</param>
/// <param name="BorderPx">Peaks closer than this to an edge are ignored (a particle box must fit).</param>
/// <param name="Threshold">Minimum response of a peak.</param>
/// <param name="MaxCount">At most this many picks, best first (0: no limit).</param>
public sealed record PeakOptions(double MinDistancePx, double BorderPx, double Threshold, int MaxCount = 0);

/// <summary>
/// Local maxima of a response map with greedy non-maximum suppression, the scheme of most pickers (RELION's
/// autopick, crYOLO's post-processing): take 3×3 maxima above a threshold, best first, and accept a peak only if no
/// accepted one lies within the suppression distance.
/// </summary>
public static class PeakFinder
{
    /// <summary>Peaks of <paramref name="response"/> (width × height, x fastest), best first, in working pixels with parabolic sub-pixel refinement.</summary>
    public static List<Pick> Find(ReadOnlySpan<float> response, int width, int height, PeakOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ShapeMismatchException.ThrowIfLengthDiffers(response.Length, (long)width * height, "peak response map");
        if (!(options.MinDistancePx >= 0))
            throw new InvalidParameterException("MinDistancePx", $"must be ≥ 0, got {options.MinDistancePx}.");
        int border = Math.Max(1, (int)Math.Ceiling(options.BorderPx));
        var candidates = new List<(float Value, int Index)>();
        for (int y = border; y < height - border; y++)
            for (int x = border; x < width - border; x++)
            {
                int i = y * width + x;
                float v = response[i];
                if (v < options.Threshold || !IsLocalMaximum(response, width, i, v))
                    continue;
                candidates.Add((v, i));
            }
        // Ties broken by position so the result never depends on enumeration details.
        candidates.Sort((a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : a.Index.CompareTo(b.Index));
        var accepted = new List<Pick>();
        var grid = new SpatialGrid(Math.Max(options.MinDistancePx, 1));
        double min2 = options.MinDistancePx * options.MinDistancePx;
        foreach (var (value, index) in candidates)
        {
            int x = index % width, y = index / width;
            double dx = Refine(response[index - 1], value, response[index + 1]);
            double dy = Refine(response[index - width], value, response[index + width]);
            double px = x + dx, py = y + dy;
            if (grid.AnyWithin(px, py, min2))
                continue;
            grid.Add(px, py);
            accepted.Add(new Pick(px, py, value));
            if (options.MaxCount > 0 && accepted.Count >= options.MaxCount)
                break;
        }
        return accepted;
    }

    /// <summary>
    /// median + k·σ̂ of <paramref name="response"/>, σ̂ = 1.4826·MAD (the median absolute deviation scaled to a
    /// Gaussian's σ): a threshold that particles, covering a small fraction of the pixels, do not drag upwards.
    /// </summary>
    public static double RobustThreshold(ReadOnlySpan<float> response, double k)
    {
        var (median, sigma) = RobustLocationScale(response);
        return median + k * sigma;
    }

    /// <summary>Median and 1.4826·MAD of <paramref name="values"/>.</summary>
    public static (double Median, double Sigma) RobustLocationScale(ReadOnlySpan<float> values)
    {
        double median = ImageStatistics.Median(values);
        var deviations = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
            deviations[i] = MathF.Abs(values[i] - (float)median);
        return (median, 1.4826 * ImageStatistics.Median(deviations));
    }

    private static bool IsLocalMaximum(ReadOnlySpan<float> r, int width, int i, float v)
    {
        // Strict on the neighbours before, non-strict after: a flat plateau yields exactly one peak.
        return v > r[i - width - 1] && v > r[i - width] && v > r[i - width + 1] && v > r[i - 1]
            && v >= r[i + 1] && v >= r[i + width - 1] && v >= r[i + width] && v >= r[i + width + 1];
    }

    private static double Refine(float left, float centre, float right)
    {
        double denominator = left - 2.0 * centre + right;
        return denominator < 0 ? Math.Clamp(0.5 * (left - right) / denominator, -0.5, 0.5) : 0;
    }
}

/// <summary>Points hashed into square cells for "any point within d?" queries in O(1) per query.</summary>
internal sealed class SpatialGrid
{
    private readonly double _cell;
    private readonly Dictionary<(int, int), List<(double X, double Y)>> _cells = [];

    public SpatialGrid(double cellSize) => _cell = cellSize;

    public void Add(double x, double y)
    {
        var key = Key(x, y);
        if (!_cells.TryGetValue(key, out var list))
            _cells[key] = list = [];
        list.Add((x, y));
    }

    public bool AnyWithin(double x, double y, double distance2)
    {
        var (cx, cy) = Key(x, y);
        int reach = (int)Math.Ceiling(Math.Sqrt(distance2) / _cell);
        for (int gy = cy - reach; gy <= cy + reach; gy++)
            for (int gx = cx - reach; gx <= cx + reach; gx++)
            {
                if (!_cells.TryGetValue((gx, gy), out var list))
                    continue;
                foreach (var (px, py) in list)
                    if ((px - x) * (px - x) + (py - y) * (py - y) < distance2)
                        return true;
            }
        return false;
    }

    private (int, int) Key(double x, double y) => ((int)Math.Floor(x / _cell), (int)Math.Floor(y / _cell));
}
