using Concord.Core;
using Concord.Picking.Consensus;

namespace Concord.Picking.Evaluation;

/// <summary>Precision and recall of picks against true centres matched one-to-one within a radius.</summary>
public sealed record PickingScore(int Picks, int Truth, int Matched)
{
    public double Precision => Picks == 0 ? 1 : (double)Matched / Picks;
    public double Recall => Truth == 0 ? 1 : (double)Matched / Truth;
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    /// <summary>Adds the counts of another micrograph.</summary>
    public PickingScore Plus(PickingScore other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new PickingScore(Picks + other.Picks, Truth + other.Truth, Matched + other.Matched);
    }

    public static PickingScore Empty { get; } = new(0, 0, 0);

    /// <summary>Scores <paramref name="picks"/> against <paramref name="truth"/> (both micrograph pixels) with the consensus matcher.</summary>
    public static PickingScore Compute(IReadOnlyList<Pick> picks, IReadOnlyList<(double X, double Y)> truth, double radiusPx)
    {
        ArgumentNullException.ThrowIfNull(picks);
        ArgumentNullException.ThrowIfNull(truth);
        if (!(radiusPx > 0))
            throw new InvalidParameterException("radius", $"must be positive, got {radiusPx} px.");
        var matches = CoordinateConsensus.Match(picks, truth.Select(t => new Pick(t.X, t.Y, 0)).ToList(), radiusPx);
        return new PickingScore(picks.Count, truth.Count, matches.Count);
    }

    public override string ToString() => $"precision {Precision:F3}, recall {Recall:F3} ({Matched}/{Picks} picks, {Truth} true)";
}
