using Concord.Core;
using Concord.Picking.Chain;

namespace Concord.Picking.Evaluation;

/// <summary>One micrograph's picks with its true particle centres (micrograph pixels), for scoring over several micrographs.</summary>
public sealed record ScoredMicrograph(IReadOnlyList<Pick> Picks, IReadOnlyList<(double X, double Y)> Truth);

/// <summary>Scores of the stages of <see cref="PickingChain"/> against known particle centres, and the best-F1 threshold of a picker.</summary>
public static class ChainEvaluation
{
    /// <summary>
    /// Picks of each stage on one micrograph: every picker (and, with a cleaner mask, "PICKER+clean"), "consensus" (found by ≥ k), "consensus+clean", "deep"
    /// (≥ k votes and deep score ≥ threshold; absent without deep consensus) and "deep+clean" (the chain's output).
    /// </summary>
    public static IReadOnlyList<(string Stage, IReadOnlyList<Pick> Picks)> Stages(ChainMicrographResult result, int minVotes, double deepThreshold)
    {
        ArgumentNullException.ThrowIfNull(result);
        var stages = result.Picks.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)).ToList();
        if (result.Mask is { } mask)
            stages.AddRange(stages.ToList().Select(s => (s.Key + "+clean", mask.Keep(s.Value))));
        var all = result.Consensus.All;
        int k = Math.Min(minVotes, result.Consensus.Methods);
        bool Clean(int i) => result.Mask?.IsBad(all[i].XPx, all[i].YPx) != true;
        Pick At(int i) => new(all[i].XPx, all[i].YPx, result.DeepScores?[i] ?? all[i].Votes);
        var voted = Enumerable.Range(0, all.Count).Where(i => all[i].Votes >= k).ToList();
        stages.Add(("consensus", voted.Select(At).ToList()));
        stages.Add(("consensus+clean", voted.Where(Clean).Select(At).ToList()));
        if (result.DeepScores is { } scores)
        {
            var deep = voted.Where(i => scores[i] >= deepThreshold).ToList();
            stages.Add(("deep", deep.Select(At).ToList()));
            stages.Add(("deep+clean", deep.Where(Clean).Select(At).ToList()));
        }
        return stages;
    }

    /// <summary>
    /// The score threshold that maximises F1 of <paramref name="micrographs"/>' picks pooled (one threshold for all), and
    /// that F1's counts. Candidate thresholds are the picks' own scores (at most 400 quantiles of them).
    /// </summary>
    public static (double Threshold, PickingScore Score) BestF1(IReadOnlyList<ScoredMicrograph> micrographs, double radiusPx)
    {
        ArgumentNullException.ThrowIfNull(micrographs);
        if (!(radiusPx > 0))
            throw new InvalidParameterException("radius", $"must be positive, got {radiusPx} px.");
        var scores = micrographs.SelectMany(m => m.Picks.Select(p => p.Score)).Distinct().Order().ToList();
        if (scores.Count == 0)
            return (double.NaN, micrographs.Aggregate(PickingScore.Empty, (s, m) => s.Plus(PickingScore.Compute([], m.Truth, radiusPx))));
        int step = Math.Max(1, scores.Count / 400);
        (double, PickingScore) best = (double.NaN, PickingScore.Empty);
        double bestF1 = -1;
        for (int i = 0; i < scores.Count; i += step)
        {
            double t = scores[i];
            var score = micrographs.Aggregate(PickingScore.Empty, (s, m) => s.Plus(PickingScore.Compute(m.Picks.Where(p => p.Score >= t).ToList(), m.Truth, radiusPx)));
            if (score.F1 > bestF1)
                (best, bestF1) = ((t, score), score.F1);
        }
        return best;
    }
}
