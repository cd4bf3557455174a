using Concord.IO.Mrc;
using Concord.IO.Star;
using Concord.Picking;
using Concord.Picking.Evaluation;
using Concord.Protocols.Sets;
using Concord.Workflow.Protocols;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Protocols.Picking;

/// <summary>Precision, recall and F1 of a coordinate set against the simulator's true particle centres.</summary>
/// <param name="Micrographs">Micrographs with a known truth that were scored.</param>
/// <param name="MatchRadiusPx">Largest distance of a pick from its true centre (¼ diameter, in micrograph pixels).</param>
public sealed record PickingTruthScore(int Micrographs, int Picks, int Truth, int Matched, double Precision, double Recall, double F1, double MatchRadiusPx)
{
    public static PickingTruthScore From(PickingScore score, int micrographs, double radiusPx) =>
        new(micrographs, score.Picks, score.Truth, score.Matched, score.Precision, score.Recall, score.F1, radiusPx);
}

/// <summary>
/// The true particle centres of simulated micrographs. <c>simulate.preset</c> writes its movies to
/// <c>ROOT/Movies/NAME.mrcs</c> and their truth to <c>ROOT/truth/coordinates.star</c> (rlnMicrographMovieName relative to
/// ROOT, centres in movie pixels, rlnConcordJunk marking fragments) with the movie pixel size in
/// <c>ROOT/truth/micrographs.star</c>; a corrected micrograph keeps the path of its movie, so its truth is found from
/// there. Junk fragments, and particles inside the true bad-region masks (<c>ROOT/truth/masks/NAME_bad.mrc</c>: carbon,
/// ice, aggregates), are not particles a picker should deliver and are left out, as in the picking benchmarks. Real
/// data has no such files and scores as null.
/// </summary>
public sealed class PickingTruth
{
    /// <summary>A pick within ¼ diameter of a true centre matches it (one-to-one), as in the picking benchmarks.</summary>
    public const double MatchRadiusDiameters = 0.25;

    private readonly Func<string, string> _resolve;
    private readonly Dictionary<string, Dictionary<string, List<(double X, double Y)>>?> _files = new(StringComparer.Ordinal);

    /// <param name="resolve">Project-relative path to absolute path (<see cref="OutputBuffer.Resolve"/>).</param>
    public PickingTruth(Func<string, string> resolve) => _resolve = resolve;

    /// <summary>The true centres of a micrograph in its pixels, or null when the micrograph has no simulated truth.</summary>
    public IReadOnlyList<(double X, double Y)>? Centres(CorrectedMicrographRow micrograph)
    {
        ArgumentNullException.ThrowIfNull(micrograph);
        if (micrograph.MoviePath is null)
            return null;
        string movie = _resolve(micrograph.MoviePath);
        string? root = Path.GetDirectoryName(Path.GetDirectoryName(movie));
        if (root is null)
            return null;
        if (!_files.TryGetValue(root, out var byMovie))
            _files[root] = byMovie = Read(root);
        string name = Path.GetRelativePath(root, movie).Replace(Path.DirectorySeparatorChar, '/');
        if (byMovie is null || !byMovie.TryGetValue(name, out var centres))
            return null;
        double scale = byMovie.TryGetValue(PixelSizeKey, out var pixel) && pixel.Count == 1 && micrograph.PixelSizeA > 0 ? pixel[0].X / micrograph.PixelSizeA : 1;
        return centres.Select(c => (c.X * scale, c.Y * scale)).ToList();
    }

    /// <summary>Scores picks per micrograph key against the truth of those micrographs; null when none has a truth.</summary>
    public PickingTruthScore? Score(IEnumerable<SetRow<CorrectedMicrographRow>> micrographs, IReadOnlyDictionary<string, List<Pick>> picks, double diameterA)
    {
        ArgumentNullException.ThrowIfNull(micrographs);
        ArgumentNullException.ThrowIfNull(picks);
        var total = PickingScore.Empty;
        int scored = 0;
        double radiusPx = double.NaN;
        foreach (var m in micrographs.Where(m => m.Reason is null))
        {
            if (Centres(m.Row) is not { } truth)
                continue;
            radiusPx = MatchRadiusDiameters * diameterA / m.Row.PixelSizeA;
            total = total.Plus(PickingScore.Compute(picks.GetValueOrDefault(m.Key) ?? [], truth, radiusPx));
            scored++;
        }
        return scored == 0 ? null : PickingTruthScore.From(total, scored, radiusPx);
    }

    /// <summary>Sentinel entry holding the movie pixel size (as X) read from truth/micrographs.star.</summary>
    private const string PixelSizeKey = "\0pixel_size";

    /// <summary>
    /// Drops centres inside the simulator's true bad-region mask (carbon, ice crystals, aggregates): the chapter removes
    /// picks there, so a particle on carbon is not one a picking chain should deliver (as in the picking benchmarks).
    /// </summary>
    private static void RemoveInBadRegions(string maskPath, List<(double X, double Y)> centres)
    {
        if (!File.Exists(maskPath))
            return;
        using var reader = MrcReader.Open(maskPath);
        var mask = new float[reader.Width * reader.Height];
        reader.ReadImage(0, mask);
        int w = reader.Width, h = reader.Height;
        centres.RemoveAll(c => mask[Math.Clamp((int)Math.Round(c.Y), 0, h - 1) * w + Math.Clamp((int)Math.Round(c.X), 0, w - 1)] > 0.5f);
    }

    private static Dictionary<string, List<(double X, double Y)>>? Read(string root)
    {
        string coordinates = Path.Combine(root, "truth", "coordinates.star");
        if (!File.Exists(coordinates))
            return null;
        var table = StarReader.Read(coordinates).Blocks.Select(b => b.Loop).FirstOrDefault(l => l is not null && l.HasColumn(StarLabels.CoordinateX));
        if (table is null)
            return null;
        bool junk = table.HasColumn(StarLabels.ConcordJunk);
        var result = new Dictionary<string, List<(double X, double Y)>>(StringComparer.Ordinal);
        for (int r = 0; r < table.RowCount; r++)
        {
            string movie = table.GetString(r, StarLabels.MicrographMovieName);
            if (!result.TryGetValue(movie, out var list))
                result[movie] = list = [];
            if (!junk || table.GetString(r, StarLabels.ConcordJunk) == "None")
                list.Add((table.GetDouble(r, StarLabels.CoordinateX), table.GetDouble(r, StarLabels.CoordinateY)));
        }
        foreach (var (movie, list) in result)
            RemoveInBadRegions(Path.Combine(root, "truth", "masks", Path.GetFileNameWithoutExtension(movie) + "_bad.mrc"), list);
        string micrographs = Path.Combine(root, "truth", "micrographs.star");
        if (File.Exists(micrographs) && StarReader.Read(micrographs).Find("optics")?.Loop is { RowCount: > 0 } optics
            && optics.HasColumn(StarLabels.MicrographOriginalPixelSize))
            result[PixelSizeKey] = [(optics.GetDouble(0, StarLabels.MicrographOriginalPixelSize), 0)];
        return result;
    }
}

/// <summary>The <c>picking</c> report of a picking protocol: counts, rejections by category and accuracy against truth.</summary>
/// <param name="Kept">Coordinates in the protocol's main output.</param>
/// <param name="Rejected">Coordinates it rejected (with a reason each).</param>
/// <param name="RejectedBy">Rejected coordinates per reason category (the text before the first ':').</param>
/// <param name="Truth">Scores of the kept coordinates against the true centres (null without simulated truth).</param>
/// <param name="RejectedTrue">Rejected coordinates that match a true centre (particles lost), when the truth is known.</param>
public sealed record PickingReport(string Protocol, int Micrographs, int Kept, int Rejected, IReadOnlyDictionary<string, int> RejectedBy,
    PickingTruthScore? Truth, int? RejectedTrue)
{
    public const string Name = "picking";

    /// <summary>The summary step of a picking protocol: counts <paramref name="kept"/> and <paramref name="rejected"/>, scores them against truth.</summary>
    public static SetStep Step(string protocol, OutputPort<CoordinateRow> kept, OutputPort<CoordinateRow>? rejected,
        InputPort<CorrectedMicrographRow> micrographs, double diameterA) => new("summary", context =>
        {
            var keptRows = context.ReadOutput(kept);
            var rejectedRows = rejected is null ? [] : context.ReadOutput(rejected);
            var mics = context.Read(micrographs);
            var truth = new PickingTruth(context.Resolve);
            var score = truth.Score(mics, PickingSets.Picks(keptRows), diameterA);
            int? lost = null;
            if (score is not null && rejectedRows.Count > 0)
                lost = truth.Score(mics, PickingSets.Picks(rejectedRows.Select(r => r with { Reason = null })), diameterA)?.Matched;
            else if (score is not null)
                lost = 0;
            var byCategory = rejectedRows.GroupBy(r => Category(r.Reason)).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var report = new PickingReport(protocol, mics.Count(m => m.Reason is null), keptRows.Count, rejectedRows.Count, byCategory, score, lost);
            context.Report(Name, report);
            context.Log($"{protocol}: kept {report.Kept}, rejected {report.Rejected}"
                + (score is null ? "" : $"; vs truth precision {score.Precision:F3}, recall {score.Recall:F3}, F1 {score.F1:F3}"));
        });

    /// <summary>The category of a reason: its text before the first ':' ("cleaner: in a contaminated region" → "cleaner").</summary>
    public static string Category(string? reason)
    {
        if (string.IsNullOrEmpty(reason))
            return "unspecified";
        int colon = reason.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? reason[..colon] : reason;
    }
}
