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
        int methods = result.Consensus.Methods, minVotes = Math.Min(options.Votes, methods);
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
        string path = Path.Combine(dir, "plots", Path.GetFileNameWithoutExtension(micrograph.Name) + "_picks.png");
        string title = $"{Path.GetFileName(micrograph.Name)}: {micrograph.Kept.Count} kept, {micrograph.Rejected.Count} rejected (blue)";
        PickOverlay.Save(path, image.Span, image.Width, image.Height, micrograph.Kept.Select(c => new OverlayPick(c.XPx, c.YPx, c.Votes)),
            micrograph.Rejected.Select(r => new OverlayPick(r.Coordinate.XPx, r.Coordinate.YPx, 0)), radiusPx, pickers, title);
        return path;
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
