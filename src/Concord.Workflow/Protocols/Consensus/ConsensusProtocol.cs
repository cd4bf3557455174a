using Concord.Workflow.Sets;

namespace Concord.Workflow.Protocols.Consensus;

/// <summary>
/// The consensus pattern as a protocol: N input sets of one kind on port <c>sets</c>, a stage's agreement measure,
/// and outputs <c>agreed</c>, <c>disagreed</c> (each row with its reason) plus the report "consensus" (JSON).
/// A stage derives from it, names it, and supplies its parameters and measure.
/// </summary>
public abstract class ConsensusProtocol<TRow, TParams> : Protocol<TParams> where TRow : notnull where TParams : ProtocolParameters, new()
{
    public const string ReportName = "consensus";

    protected ConsensusProtocol(SetKind<TRow> kind, int maxSets = 16)
    {
        Sets = new InputPort<TRow>("sets", kind, $"the {kind.Name} sets to compare (2 to {maxSets}), one per method", 2, maxSets);
        Agreed = new OutputPort<TRow>("agreed", kind, "items on which the inputs agree, merged by the measure");
        Disagreed = new OutputPort<TRow>("disagreed", kind, "items the inputs disagree on or some lack, each with its reason");
        Inputs = [Sets];
        Outputs = [Agreed, Disagreed];
    }

    public InputPort<TRow> Sets { get; }
    public OutputPort<TRow> Agreed { get; }
    public OutputPort<TRow> Disagreed { get; }
    public override IReadOnlyList<InputPort> Inputs { get; }
    public override IReadOnlyList<OutputPort> Outputs { get; }

    /// <summary>The stage's agreement measure configured by this run's parameters.</summary>
    protected abstract IAgreementMeasure<TRow> CreateMeasure(TParams parameters);

    protected override IReadOnlyList<Step> Steps(TParams parameters) =>
    [
        new SetStep("consensus", context =>
        {
            var result = ConsensusOperator.Combine(context.ReadAll(Sets), context.SourceNames(Sets), CreateMeasure(parameters));
            foreach (var row in result.Agreed)
                context.Emit(Agreed, row.Key, row.Row);
            foreach (var row in result.Disagreed)
                context.Emit(Disagreed, row.Key, row.Row, row.Reason);
            context.Report(ReportName, result.Report);
            context.Log($"consensus: {result.Report.Agreed} agreed, {result.Report.Disagreed} disagreed of {result.Report.Items}");
        }),
    ];
}
