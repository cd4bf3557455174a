using Concord.Picking.Consensus;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Concord.Picking.Tests.Consensus;

public class CoordinateConsensusTests
{
    private static PickSet Set(string name, params (double X, double Y)[] points) =>
        new(name, points.Select(p => new Pick(p.X, p.Y, 1)).ToList());

    [Fact]
    public void Matches_within_the_radius_and_counts_votes()
    {
        var a = Set("a", (10, 10), (100, 100), (200, 50));
        var b = Set("b", (12, 11), (103, 99), (400, 400));
        var c = Set("c", (11, 9), (300, 300));
        var result = CoordinateConsensus.Run([a, b, c], radiusPx: 5, minVotes: 2);
        Assert.Equal(5, result.All.Count);
        Assert.Equal(2, result.Agreed.Count);
        var first = result.Agreed.Single(p => p.XPx < 50);
        Assert.Equal(["a", "b", "c"], first.Methods);
        Assert.Equal(11, first.XPx, 9);
        Assert.Single(result.Intersection);
        Assert.Equal(3, result.Rejected.Count);
        Assert.Contains("found by 1 of 3", result.Rejected[0].Reason, StringComparison.Ordinal);
        var ab = result.Pairs.Single(p => p.MethodA == "a" && p.MethodB == "b");
        Assert.Equal(2, ab.Both);
        Assert.Equal(2.0 / 4, ab.Jaccard, 12); // a: 3 picks, b: 3, two shared
    }

    [Fact]
    public void One_to_one_the_closest_pair_wins()
    {
        // b's two picks are both within the radius of a's only pick: the closer one matches, the other stays alone.
        var result = CoordinateConsensus.Run([Set("a", (0, 0)), Set("b", (3, 0), (-1, 0))], radiusPx: 5, minVotes: 2);
        var agreed = Assert.Single(result.Agreed);
        Assert.Equal(-0.5, agreed.XPx, 12);
        Assert.Equal(3, Assert.Single(result.Rejected).Coordinate.XPx, 12);
    }

    [Fact]
    public void A_group_never_holds_two_picks_of_one_method_or_members_beyond_the_radius()
    {
        var result = CoordinateConsensus.Run([Set("a", (0, 0)), Set("b", (4, 0)), Set("c", (8, 0))], radiusPx: 5, minVotes: 1);
        Assert.All(result.All, c => Assert.True(c.Members.Max(m => m.XPx) - c.Members.Min(m => m.XPx) <= 5));
        Assert.Equal(2, result.All.Count);
    }

    [Property(MaxTest = 60)]
    public Property Permuting_the_pickers_and_their_picks_does_not_change_the_result(int seed)
    {
        var random = new Random(seed);
        var sets = Enumerable.Range(0, 2 + random.Next(3)).Select(m =>
            new PickSet($"m{m}", Enumerable.Range(0, random.Next(25)).Select(_ => new Pick(random.NextDouble() * 100, random.NextDouble() * 100, random.NextDouble())).ToList())).ToList();
        var shuffled = sets.OrderBy(_ => random.Next()).Select(s => s with { Picks = s.Picks.OrderBy(_ => random.Next()).ToList() }).ToList();
        var one = Describe(CoordinateConsensus.Run(sets, 8, 2));
        var two = Describe(CoordinateConsensus.Run(shuffled, 8, 2));
        return (one == two).Label($"{one}\n≠\n{two}");
    }

    private static string Describe(ConsensusResult r) =>
        string.Join(";", r.All.Select(c => $"{c.XPx:R},{c.YPx:R},{string.Join("+", c.Methods)}")) + "|" +
        string.Join(";", r.Pairs.Select(p => $"{p.MethodA}{p.MethodB}{p.Jaccard:R}")) + "|" + r.Agreed.Count;
}
