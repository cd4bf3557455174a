using Concord.Workflow.Sets;

namespace Concord.Workflow.Protocols.Consensus;

/// <summary>
/// The verdict of an agreement measure on N estimates of one item: agreed or not, a score (higher is better
/// agreement, in the measure's unit), the merged row to keep and, when they disagree, a category and a detail.
/// </summary>
public sealed record Agreement<TRow>(bool Agreed, double Score, TRow Consensus, string? Category = null, string? Detail = null)
{
    public static Agreement<TRow> Agree(double score, TRow consensus) => new(true, score, consensus);

    public static Agreement<TRow> Disagree(double score, TRow representative, string category, string detail) => new(false, score, representative, category, detail);
}

/// <summary>A stage's agreement measure (defocus: resolution of phase agreement; coordinates: distance within a radius...).</summary>
public interface IAgreementMeasure<TRow>
{
    /// <summary>What the score means, with its unit, for reports ("agreement resolution (Å)").</summary>
    string ScoreName { get; }

    /// <summary>Compares the estimates of one item, one per input set, in input order.</summary>
    Agreement<TRow> Compare(IReadOnlyList<TRow> estimates);
}

/// <summary>The statistics report of a consensus: counts, counts per rejection category and the score range.</summary>
public sealed record ConsensusReport(
    IReadOnlyList<string> Sources, int Items, int Agreed, int Disagreed, IReadOnlyDictionary<string, int> RejectedBy,
    string ScoreName, double MeanScore, double MinScore, double MaxScore);

/// <summary>Agreed and disagreed rows (each disagreed row with its reason) and the report.</summary>
public sealed record ConsensusResult<TRow>(IReadOnlyList<SetRow<TRow>> Agreed, IReadOnlyList<SetRow<TRow>> Disagreed, ConsensusReport Report);

/// <summary>
/// Consensus of N sets of the same kind matched by item key (after Xmipp's and Scipion's consensus protocols, done
/// purely): an item missing from some inputs is disagreed ("absent"); otherwise the measure decides. No I/O.
/// </summary>
public static class ConsensusOperator
{
    public const string AbsentCategory = "absent";

    public static ConsensusResult<TRow> Combine<TRow>(IReadOnlyList<IReadOnlyList<SetRow<TRow>>> sets, IReadOnlyList<string> sourceNames, IAgreementMeasure<TRow> measure)
    {
        if (sets.Count < 2)
            throw new ArgumentException($"a consensus needs at least 2 input sets, got {sets.Count}.", nameof(sets));
        var lookups = sets.Select(s => s.Where(r => r.Reason is null).ToDictionary(r => r.Key, r => r.Row, StringComparer.Ordinal)).ToList();
        var keys = lookups.SelectMany(l => l.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var agreed = new List<SetRow<TRow>>();
        var disagreed = new List<SetRow<TRow>>();
        var rejectedBy = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var scores = new List<double>();
        foreach (var key in keys)
        {
            var missing = Enumerable.Range(0, sets.Count).Where(i => !lookups[i].ContainsKey(key)).ToList();
            if (missing.Count > 0)
            {
                var present = lookups.First(l => l.ContainsKey(key))[key];
                disagreed.Add(new SetRow<TRow>(key, present, $"{AbsentCategory}: not in {string.Join(", ", missing.Select(i => sourceNames[i]))}"));
                rejectedBy[AbsentCategory] = rejectedBy.GetValueOrDefault(AbsentCategory) + 1;
                continue;
            }
            var verdict = measure.Compare(lookups.Select(l => l[key]).ToList());
            scores.Add(verdict.Score);
            if (verdict.Agreed)
            {
                agreed.Add(new SetRow<TRow>(key, verdict.Consensus));
                continue;
            }
            string category = verdict.Category ?? "disagree";
            disagreed.Add(new SetRow<TRow>(key, verdict.Consensus, verdict.Detail is null ? category : $"{category}: {verdict.Detail}"));
            rejectedBy[category] = rejectedBy.GetValueOrDefault(category) + 1;
        }
        var report = new ConsensusReport(sourceNames, keys.Count, agreed.Count, disagreed.Count, rejectedBy, measure.ScoreName,
            scores.Count > 0 ? scores.Average() : double.NaN, scores.Count > 0 ? scores.Min() : double.NaN, scores.Count > 0 ? scores.Max() : double.NaN);
        return new ConsensusResult<TRow>(agreed, disagreed, report);
    }
}
