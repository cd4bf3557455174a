using Concord.Core;
using Concord.Core.Imaging;

namespace Concord.Preprocess.Methods.Gain;

/// <summary>How a defective pixel gets its new value.</summary>
public enum DefectReplacement
{
    /// <summary>Median of the nearest good neighbours (robust when a neighbour is itself unusual).</summary>
    NeighbourMedian,

    /// <summary>Mean of the nearest good neighbours (smoother, as MotionCor2's defect correction).</summary>
    LocalMean,
}

/// <summary>
/// The defective pixels of a camera: isolated hot or dead pixels, whole columns and whole rows, as a RELION/MotionCor2
/// defect file lists them. Each defective pixel is replaced by the median or mean of its nearest good neighbours: the
/// 3 × 3 ring first, widened ring by ring (up to <see cref="MaxSearchRadius"/>) until at least
/// <see cref="MinimumNeighbours"/> good pixels are found, so a defective column borrows from the columns beside it.
/// The neighbour lists are built once, so correcting each frame costs only the defects.
/// </summary>
public sealed class DefectMap
{
    /// <summary>Largest ring searched for good neighbours.</summary>
    public const int MaxSearchRadius = 4;

    /// <summary>Good neighbours wanted before the ring stops growing.</summary>
    public const int MinimumNeighbours = 3;

    private readonly bool[] _defective;
    private readonly int[] _defectIndices;
    private readonly int[][] _neighbours;

    private DefectMap(int width, int height, bool[] defective, IReadOnlyList<int> pixels, IReadOnlyList<int> columns, IReadOnlyList<int> rows)
    {
        Width = width;
        Height = height;
        _defective = defective;
        Pixels = pixels;
        Columns = columns;
        Rows = rows;
        _defectIndices = Enumerable.Range(0, defective.Length).Where(i => defective[i]).ToArray();
        _neighbours = _defectIndices.Select(FindNeighbours).ToArray();
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Linear indices (y·Width + x) of isolated defective pixels.</summary>
    public IReadOnlyList<int> Pixels { get; }

    /// <summary>Defective columns (x).</summary>
    public IReadOnlyList<int> Columns { get; }

    /// <summary>Defective rows (y).</summary>
    public IReadOnlyList<int> Rows { get; }

    /// <summary>Number of pixels that are replaced.</summary>
    public int DefectiveCount => _defectIndices.Length;

    public bool IsDefective(int x, int y) => _defective[(y * Width) + x];

    /// <summary>A map of the given pixels (linear indices), columns and rows; all must lie inside the frame.</summary>
    public static DefectMap Create(int width, int height, IEnumerable<int>? pixels = null, IEnumerable<int>? columns = null, IEnumerable<int>? rows = null)
    {
        InvalidDimensionsException.ThrowIfNotPositive(width, height, 1, "DefectMap");
        var mask = new bool[width * height];
        var pixelList = Distinct(pixels, width * height, "defect pixel index");
        var columnList = Distinct(columns, width, "defect column");
        var rowList = Distinct(rows, height, "defect row");
        foreach (int i in pixelList)
            mask[i] = true;
        foreach (int x in columnList)
            for (int y = 0; y < height; y++)
                mask[(y * width) + x] = true;
        foreach (int y in rowList)
            Array.Fill(mask, true, y * width, width);
        if (pixelList.Count + (columnList.Count * height) + (rowList.Count * width) > 0 && mask.All(m => m))
            throw new InvalidParameterException("defects", "every pixel of the frame is marked defective, so none could be repaired.");
        return new DefectMap(width, height, mask, pixelList, columnList, rowList);
    }

    /// <summary>
    /// Pixels a gain reference cannot correct: gain ≤ 0 (dead pixels, which RELION and MotionCor2 gain files mark with 0)
    /// or not finite.
    /// </summary>
    public static DefectMap FromGain(Image2D gain)
    {
        var g = gain.Span;
        var bad = new List<int>();
        for (int i = 0; i < g.Length; i++)
        {
            if (!(g[i] > 0) || !float.IsFinite(g[i]))
                bad.Add(i);
        }
        return Create(gain.Width, gain.Height, bad);
    }

    /// <summary>The union of two maps of the same frame size.</summary>
    public DefectMap Union(DefectMap other)
    {
        if (other.Width != Width || other.Height != Height)
            throw new ShapeMismatchException($"DefectMap.Union: maps are {Width}×{Height} and {other.Width}×{other.Height}.");
        return Create(Width, Height, Pixels.Concat(other.Pixels), Columns.Concat(other.Columns), Rows.Concat(other.Rows));
    }

    /// <summary>Replaces every defective pixel of <paramref name="frame"/> (Width × Height) in place.</summary>
    public void Correct(Span<float> frame, DefectReplacement replacement = DefectReplacement.NeighbourMedian)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(frame.Length, (long)Width * Height, "defect correction frame");
        Span<float> values = stackalloc float[(2 * MaxSearchRadius + 1) * (2 * MaxSearchRadius + 1)];
        for (int d = 0; d < _defectIndices.Length; d++)
        {
            var neighbours = _neighbours[d];
            if (neighbours.Length == 0)
            {
                frame[_defectIndices[d]] = 0;
                continue;
            }
            var v = values[..neighbours.Length];
            for (int n = 0; n < neighbours.Length; n++)
                v[n] = frame[neighbours[n]];
            frame[_defectIndices[d]] = replacement == DefectReplacement.LocalMean ? Mean(v) : MedianInPlace(v);
        }
    }

    private int[] FindNeighbours(int index)
    {
        int cx = index % Width, cy = index / Width;
        var found = new List<int>();
        for (int radius = 1; radius <= MaxSearchRadius && found.Count < MinimumNeighbours; radius++)
        {
            for (int y = Math.Max(0, cy - radius); y <= Math.Min(Height - 1, cy + radius); y++)
                for (int x = Math.Max(0, cx - radius); x <= Math.Min(Width - 1, cx + radius); x++)
                {
                    // Only the new ring: pixels at Chebyshev distance exactly `radius`.
                    if (Math.Max(Math.Abs(x - cx), Math.Abs(y - cy)) == radius && !_defective[(y * Width) + x])
                        found.Add((y * Width) + x);
                }
        }
        return [.. found];
    }

    private static List<int> Distinct(IEnumerable<int>? values, int limit, string what)
    {
        var list = (values ?? []).Distinct().Order().ToList();
        foreach (int v in list)
        {
            if (v < 0 || v >= limit)
                throw new InvalidParameterException("defects", $"{what} {v} lies outside the frame (valid 0…{limit - 1}).");
        }
        return list;
    }

    private static float Mean(ReadOnlySpan<float> v)
    {
        double sum = 0;
        foreach (float x in v)
            sum += x;
        return (float)(sum / v.Length);
    }

    private static float MedianInPlace(Span<float> v)
    {
        v.Sort();
        int mid = v.Length / 2;
        return v.Length % 2 == 1 ? v[mid] : 0.5f * (v[mid - 1] + v[mid]);
    }
}
