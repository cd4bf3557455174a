using Concord.Core;

namespace Concord.Picking.Extraction;

/// <summary>
/// Gold-standard half-sets (rlnRandomSubset 1 or 2) for extracted particles: independent halves are what FSC-based
/// resolution needs (Scheres and Chen 2012). RELION's refinement draws them at random when a particle has none;
/// assigning them at extraction makes them reproducible (seeded) and exactly balanced, and lets a re-extraction keep
/// the halves an earlier refinement used.
/// </summary>
public static class HalfSets
{
    /// <summary>
    /// Half-sets for <paramref name="existing"/>.Count particles: entries of 1 or 2 are kept, every other value (0: none)
    /// is drawn so that the totals of 1 and 2 differ by at most one where the kept ones allow it; the draw is a seeded
    /// shuffle, so the same seed and input give the same halves.
    /// </summary>
    public static int[] Assign(IReadOnlyList<int> existing, int seed)
    {
        ArgumentNullException.ThrowIfNull(existing);
        var result = new int[existing.Count];
        int ones = 0, twos = 0;
        var open = new List<int>();
        for (int i = 0; i < existing.Count; i++)
        {
            result[i] = existing[i] is 1 or 2 ? existing[i] : 0;
            if (result[i] == 1)
                ones++;
            else if (result[i] == 2)
                twos++;
            else
                open.Add(i);
        }
        // As many 1s as bring the first half to ⌈n/2⌉ (never negative, never more than there are open places).
        int newOnes = Math.Clamp((existing.Count + 1) / 2 - ones, 0, open.Count);
        var labels = new int[open.Count];
        for (int i = 0; i < labels.Length; i++)
            labels[i] = i < newOnes ? 1 : 2;
        var random = new Random(seed);
        for (int i = labels.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (labels[i], labels[j]) = (labels[j], labels[i]);
        }
        for (int i = 0; i < open.Count; i++)
            result[open[i]] = labels[i];
        return result;
    }

    /// <summary>Balanced, seeded half-sets for <paramref name="count"/> particles that have none yet.</summary>
    public static int[] Assign(int count, int seed)
    {
        if (count < 0)
            throw new InvalidParameterException("count", $"must be ≥ 0, got {count}.");
        return Assign(new int[count], seed);
    }
}
