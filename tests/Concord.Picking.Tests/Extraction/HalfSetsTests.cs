using Concord.Core;
using Concord.Picking.Extraction;

namespace Concord.Picking.Tests.Extraction;

public class HalfSetsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public void Fresh_half_sets_are_balanced_to_one_particle(int count)
    {
        var halves = HalfSets.Assign(count, seed: 3);
        Assert.Equal(count, halves.Length);
        Assert.All(halves, h => Assert.True(h is 1 or 2));
        Assert.Equal((count + 1) / 2, halves.Count(h => h == 1));
    }

    [Fact]
    public void The_same_seed_gives_the_same_halves_and_another_seed_other_halves()
    {
        Assert.Equal(HalfSets.Assign(200, seed: 5), HalfSets.Assign(200, seed: 5));
        Assert.NotEqual(HalfSets.Assign(200, seed: 5), HalfSets.Assign(200, seed: 6));
        // Not simply alternating or split in two blocks: both halves appear in the first and the last quarter.
        var halves = HalfSets.Assign(200, seed: 5);
        Assert.Contains(1, halves[..50]);
        Assert.Contains(2, halves[..50]);
        Assert.Contains(1, halves[150..]);
        Assert.Contains(2, halves[150..]);
    }

    [Fact]
    public void Existing_halves_are_kept_and_the_rest_balance_the_totals()
    {
        // 30 particles already in half 2, 70 without: the draw puts 50 in half 1 and 20 more in half 2.
        var existing = Enumerable.Range(0, 100).Select(i => i < 30 ? 2 : 0).ToArray();
        var halves = HalfSets.Assign(existing, seed: 1);
        Assert.All(halves[..30], h => Assert.Equal(2, h));
        Assert.Equal(50, halves.Count(h => h == 1));
        // More kept in one half than half of all: the others all go to the other half.
        var lopsided = Enumerable.Range(0, 10).Select(i => i < 8 ? 1 : 0).ToArray();
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 1, 2, 2], HalfSets.Assign(lopsided, seed: 1));
        // Values other than 1 and 2 count as unassigned.
        Assert.All(HalfSets.Assign([0, -1, 3, 7], seed: 2), h => Assert.True(h is 1 or 2));
    }

    [Fact]
    public void A_negative_count_is_rejected() =>
        Assert.Throws<InvalidParameterException>(() => HalfSets.Assign(-1, seed: 1));
}
