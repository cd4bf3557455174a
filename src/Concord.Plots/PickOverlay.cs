namespace Concord.Plots;

/// <summary>One circled position on a <see cref="PickOverlay"/>: centre in micrograph pixels and how many pickers found it (0: rejected).</summary>
public readonly record struct OverlayPick(double XPx, double YPx, int Votes);

/// <summary>
/// Picks drawn on their micrograph, the picture users check a picking run by: the micrograph binned to at most 1024 px
/// a side, contrast stretched, each kept pick circled in a colour per how many pickers agree (1 red, 2 orange, ≥ 3 or
/// all green) and each rejected one in blue.
/// </summary>
public static class PickOverlay
{
    public const string RejectedColor = "#377eb8";

    /// <param name="pixels">The micrograph, x fastest, <paramref name="width"/> × <paramref name="height"/>.</param>
    /// <param name="pickers">Pickers that voted (1: every kept pick is green).</param>
    public static void Save(string path, ReadOnlySpan<float> pixels, int width, int height, IEnumerable<OverlayPick> kept,
        IEnumerable<OverlayPick> rejected, double radiusPx, int pickers, string title)
    {
        ArgumentNullException.ThrowIfNull(kept);
        ArgumentNullException.ThrowIfNull(rejected);
        if (pixels.Length != width * height)
            throw new Core.ShapeMismatchException($"PickOverlay: {pixels.Length} pixels for {width}×{height}.");
        int bin = Math.Max(1, (int)Math.Ceiling(Math.Max(width, height) / 1024.0));
        var (binned, w, h) = Bin(pixels, width, height, bin);
        var circles = kept.Select(c => Circle(c, VoteColor(c.Votes, pickers), radiusPx, bin))
            .Concat(rejected.Select(r => Circle(r, RejectedColor, radiusPx, bin))).ToList();
        Figures.SaveImage(path, binned, w, h, title, 1, 99, circles);
    }

    public static string VoteColor(int votes, int pickers) => votes >= Math.Min(3, Math.Max(1, pickers)) ? "#4daf4a" : votes == 2 ? "#ff7f00" : "#e41a1c";

    /// <summary>
    /// SaveImage's heatmap puts data row 0 at the top and it fills that row with image row height − 1, so image row y
    /// lands at plot y + ½ (MRC viewers' y up): circle centres need no flip, only the half-pixel offset of cell centres.
    /// </summary>
    private static (double X, double Y, double Radius, string Color) Circle(OverlayPick c, string color, double radiusPx, int bin) =>
        ((c.XPx + 0.5) / bin, (c.YPx + 0.5) / bin, radiusPx / bin, color);

    private static (float[] Pixels, int Width, int Height) Bin(ReadOnlySpan<float> src, int width, int height, int bin)
    {
        int w = width / bin, h = height / bin;
        var dst = new float[w * h];
        for (int y = 0; y < h * bin; y++)
            for (int x = 0; x < w * bin; x++)
                dst[(y / bin * w) + (x / bin)] += src[(y * width) + x];
        return (dst, w, h);
    }
}
