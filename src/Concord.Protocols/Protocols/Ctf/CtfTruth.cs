using Concord.IO.Star;
using Concord.Protocols.Sets;
using Concord.Workflow.Protocols;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Protocols.Ctf;

/// <summary>The defocus error of one micrograph's estimate against the simulation's truth (Å).</summary>
/// <param name="RelativeError">max(|U − U₀| / U₀, |V − V₀| / V₀), the measure of the CTF accuracy tests.</param>
public sealed record CtfTruthError(string Micrograph, double TrueDefocusUA, double TrueDefocusVA, double DefocusUA, double DefocusVA, double RelativeError);

/// <summary>Defocus accuracy over the scored micrographs: median and largest relative error, median |Δ mean defocus| (Å).</summary>
public sealed record CtfTruthScore(int Scored, double MedianRelativeError, double MaxRelativeError, double MedianAbsoluteErrorA, IReadOnlyList<CtfTruthError> Micrographs);

/// <summary>
/// Scores CTF estimates against a simulation's truth: simulate.preset writes every movie's true CTF to
/// <see cref="TableKey"/> (rlnMicrographMovieName relative to the simulation folder, rlnDefocusU/V), and a micrograph
/// is matched to its truth through the movie it was corrected from.
/// </summary>
public static class CtfTruth
{
    /// <summary>Key (path under the simulation's extra/ folder) of the truth table in simulate.preset's <c>files</c> set.</summary>
    public const string TableKey = "truth/micrographs.star";

    /// <summary>An optional input port for the simulation's files, whose truth table scores the estimates.</summary>
    public static InputPort<FileRow> Port() =>
        new("truth", BuiltInKinds.File, $"optional: a simulation's files (simulate.files); its {TableKey} scores the defocus against the truth", minSets: 0);

    /// <summary>
    /// The true (U, V) per micrograph key: null when no truth set is connected; a warning is added when one is
    /// connected but the table or a micrograph's movie is missing from it.
    /// </summary>
    public static IReadOnlyDictionary<string, (double U, double V)>? Read(StepContext context, InputPort<FileRow> truthPort,
        IReadOnlyList<SetRow<CorrectedMicrographRow>> micrographs, ICollection<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(micrographs);
        ArgumentNullException.ThrowIfNull(warnings);
        var sets = context.ReadAll(truthPort);
        if (sets.Count == 0)
            return null;
        var table = sets.SelectMany(s => s).FirstOrDefault(r => r.Key == TableKey);
        if (table is null)
        {
            warnings.Add($"the truth set holds no {TableKey}; defocus is not scored.");
            return null;
        }
        var byMovie = ReadTable(context.Resolve(table.Row.Path));
        var truth = new Dictionary<string, (double U, double V)>(StringComparer.Ordinal);
        foreach (var m in micrographs)
        {
            var match = m.Row.MoviePath is null ? null
                : byMovie.Keys.FirstOrDefault(name => m.Row.MoviePath == name || m.Row.MoviePath.EndsWith("/" + name, StringComparison.Ordinal));
            if (match is null)
                warnings.Add($"{m.Key}: its movie is not in the truth table; not scored.");
            else
                truth[m.Key] = byMovie[match];
        }
        return truth;
    }

    /// <summary>The error of each estimate whose micrograph has a truth, and their summary; null when none could be scored.</summary>
    public static CtfTruthScore? Score(IReadOnlyDictionary<string, (double U, double V)>? truth, IEnumerable<SetRow<CtfRow>> estimates)
    {
        ArgumentNullException.ThrowIfNull(estimates);
        if (truth is null)
            return null;
        var errors = new List<CtfTruthError>();
        foreach (var e in estimates)
            if (truth.TryGetValue(e.Key, out var t))
                errors.Add(new CtfTruthError(e.Key, t.U, t.V, e.Row.DefocusUA, e.Row.DefocusVA, RelativeError(e.Row.DefocusUA, e.Row.DefocusVA, t.U, t.V)));
        if (errors.Count == 0)
            return null;
        var absolute = errors.Select(x => Math.Abs(0.5 * (x.DefocusUA + x.DefocusVA) - 0.5 * (x.TrueDefocusUA + x.TrueDefocusVA)));
        return new CtfTruthScore(errors.Count, Median(errors.Select(x => x.RelativeError)), errors.Max(x => x.RelativeError), Median(absolute), errors);
    }

    /// <summary>max(|U − U₀| / U₀, |V − V₀| / V₀): both principal defoci must be right (U ≥ V in both).</summary>
    public static double RelativeError(double defocusUA, double defocusVA, double trueDefocusUA, double trueDefocusVA) =>
        Math.Max(Math.Abs(defocusUA - trueDefocusUA) / trueDefocusUA, Math.Abs(defocusVA - trueDefocusVA) / trueDefocusVA);

    private static Dictionary<string, (double U, double V)> ReadTable(string path)
    {
        var document = StarReader.Read(path);
        var table = (document.Find("micrographs") ?? throw new InvalidDataException($"{path}: no data_micrographs block.")).RequireLoop(path);
        var byMovie = new Dictionary<string, (double U, double V)>(StringComparer.Ordinal);
        for (int row = 0; row < table.RowCount; row++)
            byMovie[table.GetString(row, StarLabels.MicrographMovieName)] = (table.GetDouble(row, StarLabels.DefocusU), table.GetDouble(row, StarLabels.DefocusV));
        return byMovie;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }
}
