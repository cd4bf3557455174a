using System.Globalization;
using Concord.Core.Imaging;
using Concord.IO.Star;
using Concord.Picking.Chain;
using Concord.Plots;

namespace Concord.Cli.Verbs;

/// <summary>The files of `concord pick`: the all-micrograph coordinate table, RELION per-micrograph autopick files, the rejected coordinates and overlays.</summary>
public static class PickOutput
{
    /// <summary>One coordinate as written: position (micrograph pixels), figure of merit, who found it, and a deep-consensus score when one was computed.</summary>
    public sealed record Coordinate(double XPx, double YPx, double FigureOfMerit, int Votes, string Pickers, double? DeepScore);

    /// <summary>A coordinate left out, with the reason a user reads.</summary>
    public sealed record Rejection(Coordinate Coordinate, string Reason);

    /// <summary>What became of one micrograph: its kept and rejected coordinates (or an error).</summary>
    public sealed record MicrographPicks(string Name, IReadOnlyList<Coordinate> Kept, IReadOnlyList<Rejection> Rejected);

    /// <summary>
    /// Kept and rejected coordinates of one micrograph from the chain's result, each rejection with the first reason
    /// that applies: contamination (cleaner), too few votes, then a deep-consensus score below the threshold.
    /// </summary>
    public static MicrographPicks Decide(string name, ChainMicrographResult result, PickingChainOptions options)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(options);
        var kept = new List<Coordinate>();
        var rejected = new List<Rejection>();
        var all = result.Consensus.All;
        int methods = result.Consensus.Methods, minVotes = Math.Min(options.MinVotes, methods);
        double threshold = options.DeepOptions.Threshold;
        for (int i = 0; i < all.Count; i++)
        {
            var c = all[i];
            double? deep = result.DeepScores?[i];
            var coordinate = new Coordinate(c.XPx, c.YPx, deep ?? c.Members.Average(m => m.Score), c.Votes, string.Join(",", c.Methods), deep);
            if (result.Mask?.IsBad(c.XPx, c.YPx) == true)
                rejected.Add(new Rejection(coordinate, "in a contaminated region (micrograph cleaner)"));
            else if (c.Votes < minVotes)
                rejected.Add(new Rejection(coordinate, $"found by {c.Votes} of {methods} pickers ({string.Join(", ", c.Methods)}); {minVotes} needed"));
            else if (deep < threshold)
                rejected.Add(new Rejection(coordinate, FormattableString.Invariant($"deep-consensus score {deep:0.000} < {threshold:0.00}")));
            else
                kept.Add(coordinate);
        }
        return new MicrographPicks(name, kept, rejected);
    }

    /// <summary>RELION 3.1 autopick naming: the micrograph's file stem plus "_autopick.star".</summary>
    public static string AutopickFileName(string micrograph) => Path.GetFileNameWithoutExtension(micrograph) + "_autopick.star";

    /// <summary>DIR/coordinates.star: data_coordinates with every kept coordinate of every micrograph.</summary>
    public static void WriteCoordinates(string path, IReadOnlyList<MicrographPicks> micrographs, bool deep)
    {
        var columns = new List<StarLabel> { StarLabels.MicrographName, StarLabels.CoordinateX, StarLabels.CoordinateY, StarLabels.AutopickFigureOfMerit,
            StarLabels.ConcordPickVotes, StarLabels.ConcordPickers };
        if (deep)
            columns.Add(StarLabels.ConcordDeepConsensusScore);
        var table = new StarTable(columns);
        foreach (var m in micrographs)
            foreach (var c in m.Kept)
                table.AddRow([.. Values(m.Name, c), .. deep ? new[] { F(c.DeepScore ?? double.NaN) } : []]);
        Save(path, "coordinates", table);
    }

    /// <summary>DIR/rejected_coordinates.star: every coordinate left out and why.</summary>
    public static void WriteRejected(string path, IReadOnlyList<MicrographPicks> micrographs)
    {
        var table = new StarTable([StarLabels.MicrographName, StarLabels.CoordinateX, StarLabels.CoordinateY, StarLabels.AutopickFigureOfMerit,
            StarLabels.ConcordPickVotes, StarLabels.ConcordPickers, StarLabels.ConcordRejectionReason]);
        foreach (var m in micrographs)
            foreach (var r in m.Rejected)
                table.AddRow([.. Values(m.Name, r.Coordinate), r.Reason]);
        Save(path, "coordinates", table);
    }

    /// <summary>A RELION coordinate file for one micrograph (unnamed data_ block, as relion_autopick writes it).</summary>
    public static string WriteAutopick(string dir, MicrographPicks micrograph)
    {
        var table = new StarTable([StarLabels.CoordinateX, StarLabels.CoordinateY, StarLabels.AutopickFigureOfMerit]);
        foreach (var c in micrograph.Kept)
            table.AddRow(F(c.XPx), F(c.YPx), F(c.FigureOfMerit));
        string path = Path.Combine(dir, AutopickFileName(micrograph.Name));
        Save(path, "", table);
        return path;
    }

    /// <summary>
    /// DIR/plots/STEM_picks.png: the micrograph (binned to at most 1024 px a side) with kept picks circled in a colour
    /// per vote count (1 red, 2 orange, ≥3 green; one picker: green) and rejected ones in blue.
    /// </summary>
    public static string WriteOverlay(string dir, MicrographPicks micrograph, Image2D image, double radiusPx, int pickers)
    {
        int bin = Math.Max(1, (int)Math.Ceiling(Math.Max(image.Width, image.Height) / 1024.0));
        var (pixels, w, h) = Bin(image, bin);
        var circles = micrograph.Kept.Select(c => Circle(c, VoteColor(c.Votes, pickers), radiusPx, bin))
            .Concat(micrograph.Rejected.Select(r => Circle(r.Coordinate, "#377eb8", radiusPx, bin))).ToList();
        string path = Path.Combine(dir, "plots", Path.GetFileNameWithoutExtension(micrograph.Name) + "_picks.png");
        string title = $"{Path.GetFileName(micrograph.Name)}: {micrograph.Kept.Count} kept, {micrograph.Rejected.Count} rejected (blue)";
        Figures.SaveImage(path, pixels, w, h, title, 1, 99, circles);
        return path;
    }

    private static string VoteColor(int votes, int pickers) => votes >= Math.Min(3, pickers) ? "#4daf4a" : votes == 2 ? "#ff7f00" : "#e41a1c";

    /// <summary>
    /// SaveImage's heatmap puts data row 0 at the top and it fills that row with image row height − 1, so image row y
    /// lands at plot y + ½ (MRC viewers' y up): circle centres need no flip, only the half-pixel offset of cell centres.
    /// </summary>
    private static (double X, double Y, double Radius, string Color) Circle(Coordinate c, string color, double radiusPx, int bin) =>
        ((c.XPx + 0.5) / bin, (c.YPx + 0.5) / bin, radiusPx / bin, color);

    private static (float[] Pixels, int Width, int Height) Bin(Image2D image, int bin)
    {
        int w = image.Width / bin, h = image.Height / bin;
        var src = image.Span;
        var dst = new float[w * h];
        for (int y = 0; y < h * bin; y++)
            for (int x = 0; x < w * bin; x++)
                dst[(y / bin * w) + (x / bin)] += src[(y * image.Width) + x];
        return (dst, w, h);
    }

    private static string[] Values(string micrograph, Coordinate c) =>
        [micrograph, F(c.XPx), F(c.YPx), F(c.FigureOfMerit), c.Votes.ToString(CultureInfo.InvariantCulture), c.Pickers];

    private static void Save(string path, string block, StarTable table)
    {
        var document = new StarDocument();
        document.Add(block).Loops.Add(table);
        StarWriter.Write(path, document);
    }

    private static string F(double v) => double.IsFinite(v) ? v.ToString("0.######", CultureInfo.InvariantCulture) : "nan";
}
