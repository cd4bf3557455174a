using System.Globalization;
using Concord.Workflow.Protocols;
using Concord.Workflow.Protocols.Consensus;
using Concord.Workflow.Sets;

namespace Concord.Workflow.Tests.Mock;

/// <summary>A mock item: a number kept in a small text file, standing in for a micrograph and its estimate.</summary>
public sealed record NumberRow([property: ProjectPath] string Path, double Value);

/// <summary>A mock kind with no files, to prove wrong-kind inputs are rejected.</summary>
public sealed record LabelRow(string Text, int Count);

public static class MockKinds
{
    public static SetKind<NumberRow> Number { get; } = new("mock_number");
    public static SetKind<LabelRow> Label { get; } = new("mock_label");
    public static SetKindRegistry Registry { get; } = SetKindRegistry.BuiltIn.With(Number, Label);

    public static ProtocolRegistry Protocols { get; } = new([new GenerateProtocol(), new TransformProtocol(), new NumberConsensusProtocol(), new SumProtocol(), new LabelProtocol(), new CountProtocol(), new TouchProtocol()]);

    public static double ReadNumber(string path) => double.Parse(File.ReadAllText(path), CultureInfo.InvariantCulture);

    public static void WriteNumber(string path, double value) => File.WriteAllText(path, value.ToString("R", CultureInfo.InvariantCulture));

    public static int IndexOf(string key) => int.Parse(key.AsSpan(4), CultureInfo.InvariantCulture);
}

public sealed record GenerateParameters : ProtocolParameters
{
    [Param("Items", "How many numbers to generate.", Min = 1, Max = 100_000)]
    public int Count { get; init; } = 10;

    [Param("Seed", "Random seed.")]
    public int Seed { get; init; } = 1;
}

/// <summary>Whole-set step: writes Count files with seeded random numbers.</summary>
public sealed class GenerateProtocol : Protocol<GenerateParameters>
{
    public static OutputPort<NumberRow> Numbers { get; } = new("numbers", MockKinds.Number, "generated numbers");
    public override string Name => "mock.generate";
    public override string Summary => "Generate seeded random numbers, one file each.";
    public override IReadOnlyList<InputPort> Inputs => [];
    public override IReadOnlyList<OutputPort> Outputs => [Numbers];

    protected override IReadOnlyList<Step> Steps(GenerateParameters p) =>
    [
        new SetStep("generate", context =>
        {
            var random = new Random(p.Seed);
            for (int i = 0; i < p.Count; i++)
            {
                var file = context.NewFile($"n{i:D4}.txt");
                double value = Math.Round(random.NextDouble() * 100, 3);
                MockKinds.WriteNumber(file.TempPath, value);
                context.Emit(Numbers, $"item{i:D4}", new NumberRow(file.RelativePath, value));
            }
        }),
    ];
}

public sealed record TransformParameters : ProtocolParameters
{
    [Param("Scale", "Multiplier.", Min = -1000, Max = 1000)]
    public double Scale { get; init; } = 1;

    [Param("Perturb every", "Add 1 to every k-th item (0: none), to make methods disagree.", Min = 0, Max = 1000)]
    public int PerturbEvery { get; init; }

    [Param("Delay", "Simulated work per item.", Unit = "ms", Min = 0, Max = 10_000)]
    public int DelayMs { get; init; }

    [Param("Fail key", "An item that throws, to test failure records.")]
    public string? FailKey { get; init; }
}

/// <summary>Per-item step (a file in, a file out) followed by a whole-set statistics step.</summary>
public sealed class TransformProtocol : Protocol<TransformParameters>
{
    public static InputPort<NumberRow> Values { get; } = new("values", MockKinds.Number, "numbers to transform");
    public static OutputPort<NumberRow> Result { get; } = new("result", MockKinds.Number, "transformed numbers");
    public override string Name => "mock.transform";
    public override string Summary => "Scale each number (per-item, parallel), then report their mean.";
    public override IReadOnlyList<InputPort> Inputs => [Values];
    public override IReadOnlyList<OutputPort> Outputs => [Result];

    protected override IReadOnlyList<Step> Steps(TransformParameters p) =>
    [
        new ItemStep<NumberRow>("transform", Values, context =>
        {
            if (context.Key == p.FailKey)
                throw new InvalidOperationException($"deliberate failure of {context.Key}");
            if (p.DelayMs > 0)
                Thread.Sleep(p.DelayMs);
            double value = MockKinds.ReadNumber(context.Resolve(context.Row.Path)) * p.Scale;
            if (p.PerturbEvery > 0 && MockKinds.IndexOf(context.Key) % p.PerturbEvery == 0)
                value += 1;
            var file = context.NewFile($"{context.Key}.txt");
            MockKinds.WriteNumber(file.TempPath, value);
            context.Emit(Result, new NumberRow(file.RelativePath, value));
        }),
        new SetStep("stats", context =>
        {
            var rows = context.ReadOutput(Result);
            context.Report("stats", new { count = rows.Count, mean = rows.Count == 0 ? 0 : rows.Average(r => r.Row.Value) });
        }),
    ];
}

public sealed record ToleranceParameters : ProtocolParameters
{
    [Param("Tolerance", "Largest difference between estimates that still agree.", Min = 0, Max = 1e6)]
    public double Tolerance { get; init; } = 0.5;
}

/// <summary>The consensus pattern on mock numbers: agree when all estimates lie within the tolerance.</summary>
public sealed class NumberConsensusProtocol() : ConsensusProtocol<NumberRow, ToleranceParameters>(MockKinds.Number)
{
    public override string Name => "mock.consensus";
    public override string Summary => "Numbers on which all inputs agree within a tolerance.";

    protected override IAgreementMeasure<NumberRow> CreateMeasure(ToleranceParameters p) => new SpreadMeasure(p.Tolerance);

    public sealed class SpreadMeasure(double tolerance) : IAgreementMeasure<NumberRow>
    {
        public string ScoreName => "spread";

        public Agreement<NumberRow> Compare(IReadOnlyList<NumberRow> estimates)
        {
            double spread = estimates.Max(e => e.Value) - estimates.Min(e => e.Value);
            var merged = estimates[0] with { Value = estimates.Average(e => e.Value) };
            return spread <= tolerance ? Agreement<NumberRow>.Agree(spread, merged)
                : Agreement<NumberRow>.Disagree(spread, estimates[0], "spread", $"estimates differ by {spread:F3} > {tolerance}");
        }
    }
}

/// <summary>A whole-set step that writes one summary file and row.</summary>
public sealed class SumProtocol : Protocol<ToleranceParameters>
{
    public static InputPort<NumberRow> Values { get; } = new("values", MockKinds.Number, "numbers to add");
    public static OutputPort<NumberRow> Total { get; } = new("total", MockKinds.Number, "their sum");
    public override string Name => "mock.sum";
    public override string Summary => "Add all numbers of a set.";
    public override IReadOnlyList<InputPort> Inputs => [Values];
    public override IReadOnlyList<OutputPort> Outputs => [Total];

    protected override IReadOnlyList<Step> Steps(ToleranceParameters p) =>
    [
        new SetStep("sum", context =>
        {
            double sum = context.Read(Values).Sum(r => r.Row.Value);
            var file = context.NewFile("sum.txt");
            MockKinds.WriteNumber(file.TempPath, sum);
            context.Emit(Total, "total", new NumberRow(file.RelativePath, sum));
        }),
    ];
}

public sealed record NoParameters : ProtocolParameters;

/// <summary>Takes labels, so that feeding it numbers is a wrong-kind input.</summary>
public sealed class LabelProtocol : Protocol<NoParameters>
{
    public static InputPort<LabelRow> Labels { get; } = new("labels", MockKinds.Label, "labels");
    public override string Name => "mock.labels";
    public override string Summary => "Consumes labels.";
    public override IReadOnlyList<InputPort> Inputs => [Labels];
    public override IReadOnlyList<OutputPort> Outputs => [];

    protected override IReadOnlyList<Step> Steps(NoParameters p) => [];
}

/// <summary>Emits Count label rows without files: the input of the overhead test.</summary>
public sealed class CountProtocol : Protocol<GenerateParameters>
{
    public static OutputPort<LabelRow> Labels { get; } = new("labels", MockKinds.Label, "labels");
    public override string Name => "mock.count";
    public override string Summary => "Emit Count labels.";
    public override IReadOnlyList<InputPort> Inputs => [];
    public override IReadOnlyList<OutputPort> Outputs => [Labels];

    protected override IReadOnlyList<Step> Steps(GenerateParameters p) =>
    [
        new SetStep("count", context =>
        {
            for (int i = 0; i < p.Count; i++)
                context.Emit(Labels, $"item{i:D5}", new LabelRow($"label {i}", i));
        }),
    ];
}

/// <summary>A per-item step that does no work but emit its row: what remains is the runner's overhead.</summary>
public sealed class TouchProtocol : Protocol<NoParameters>
{
    public static InputPort<LabelRow> Labels { get; } = new("labels", MockKinds.Label, "labels");
    public static OutputPort<LabelRow> Touched { get; } = new("touched", MockKinds.Label, "the same labels");
    public override string Name => "mock.touch";
    public override string Summary => "Copy each label (trivial per-item work).";
    public override IReadOnlyList<InputPort> Inputs => [Labels];
    public override IReadOnlyList<OutputPort> Outputs => [Touched];

    protected override IReadOnlyList<Step> Steps(NoParameters p) =>
        [new ItemStep<LabelRow>("touch", Labels, context => context.Emit(Touched, context.Row with { Count = context.Row.Count + 1 }))];
}
