using Concord.Workflow.Protocols.Consensus;
using Concord.Workflow.Sets;
using Concord.Workflow.Tests.Mock;

namespace Concord.Workflow.Tests;

public class ConsensusOperatorTests
{
    private static IReadOnlyList<SetRow<NumberRow>> Set(params (string Key, double Value)[] rows) =>
        rows.Select(r => new SetRow<NumberRow>(r.Key, new NumberRow("x", r.Value))).ToList();

    [Fact]
    public void Items_missing_from_an_input_are_disagreed_as_absent_naming_the_input()
    {
        var result = ConsensusOperator.Combine([Set(("k1", 1), ("k2", 2)), Set(("k1", 1.2)), Set(("k1", 0.9), ("k2", 2))],
            ["m1", "m2", "m3"], new NumberConsensusProtocol.SpreadMeasure(0.5));
        var agreed = Assert.Single(result.Agreed);
        Assert.Equal("k1", agreed.Key);
        Assert.Equal((1 + 1.2 + 0.9) / 3, agreed.Row.Value, 12);
        var rejected = Assert.Single(result.Disagreed);
        Assert.Equal("absent: not in m2", rejected.Reason);
        Assert.Equal(1, result.Report.RejectedBy[ConsensusOperator.AbsentCategory]);
        Assert.Equal(2, result.Report.Items);
    }

    [Fact]
    public void Permuting_the_inputs_keeps_the_verdicts()
    {
        var random = new Random(11);
        var sets = Enumerable.Range(0, 3).Select(_ => Set(Enumerable.Range(0, 50).Where(_ => random.NextDouble() < 0.9)
            .Select(i => ($"k{i:D2}", i + random.NextDouble())).ToArray())).ToList();
        var measure = new NumberConsensusProtocol.SpreadMeasure(0.6);
        var forward = ConsensusOperator.Combine(sets, ["a", "b", "c"], measure);
        var backward = ConsensusOperator.Combine([sets[2], sets[0], sets[1]], ["c", "a", "b"], measure);
        Assert.Equal(forward.Agreed.Select(r => r.Key), backward.Agreed.Select(r => r.Key));
        Assert.Equal(forward.Disagreed.Select(r => r.Key), backward.Disagreed.Select(r => r.Key));
        Assert.All(forward.Agreed.Zip(backward.Agreed), x => Assert.Equal(x.First.Row.Value, x.Second.Row.Value, 12));
        Assert.Equal(forward.Report.RejectedBy, backward.Report.RejectedBy);
        Assert.True(forward.Agreed.Count > 0 && forward.Disagreed.Count > 0);
    }

    [Fact]
    public void Previously_rejected_rows_do_not_vote()
    {
        var withRejected = new List<SetRow<NumberRow>> { new("k1", new NumberRow("x", 1), "bad") };
        var result = ConsensusOperator.Combine([withRejected, Set(("k1", 1))], ["a", "b"], new NumberConsensusProtocol.SpreadMeasure(1));
        Assert.Empty(result.Agreed);
        Assert.Equal("absent: not in a", Assert.Single(result.Disagreed).Reason);
    }
}
