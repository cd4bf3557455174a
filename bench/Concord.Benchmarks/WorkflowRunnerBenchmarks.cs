using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Concord.Workflow.Projects;
using Concord.Workflow.Protocols;
using Concord.Workflow.Running;
using Concord.Workflow.Sets;

namespace Concord.Benchmarks;

/// <summary>
/// The runner's overhead: 1,000 items whose work is nothing (or one tiny file each) through a per-item step, so
/// the time measured is the engine's own cost: reading the input set, scheduling, and one commit per item
/// (file rename + one SQLite transaction). Acceptance: under 1 s for 1,000 items. Each invocation is a new run
/// (a fresh salt parameter gives a new hash), so nothing is reused from the previous invocation.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 8)]
[MemoryDiagnoser]
public class WorkflowRunnerBenchmarks
{
    private const int Items = 1000;
    private string _folder = "";
    private Project _project = null!;
    private Runner _runner = null!;
    private int _salt;

    [Params(1, 4)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "concord-bench-" + Guid.NewGuid().ToString("N")[..8]);
        _project = Project.Open(_folder, SetKindRegistry.BuiltIn.With(BenchKinds.Tag), create: true);
        _runner = new Runner(_project, new ProtocolRegistry([new SeedTagsProtocol(), new TouchTagsProtocol()]), new RunnerOptions(Threads));
        _runner.RunPipeline(PipelineParser.Parse($"[[run]]\nname = \"tags\"\nprotocol = \"bench.seed\"\nparams = {{ count = {Items} }}\n", "bench.toml"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _project.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Description = "1000 trivial items, rows only")]
    public int TrivialItems() => RunTouch(writeFiles: false);

    [Benchmark(Description = "1000 trivial items, one file each")]
    public int TrivialItemsWithFiles() => RunTouch(writeFiles: true);

    /// <summary>The work of the file variant without the runner: write 1,000 small files and rename them into place.</summary>
    [Benchmark(Description = "baseline: 1000 files written and renamed, no runner")]
    public int FilesWithoutRunner()
    {
        string tmp = Path.Combine(_folder, "baseline", "tmp"), extra = Path.Combine(_folder, "baseline", $"extra{++_salt}");
        Directory.CreateDirectory(tmp);
        Directory.CreateDirectory(extra);
        Parallel.For(0, Items, new ParallelOptions { MaxDegreeOfParallelism = Threads }, i =>
        {
            string temp = Path.Combine(tmp, $"{Guid.NewGuid():N}_item{i:D6}.txt");
            File.WriteAllText(temp, $"tag {i}");
            File.Move(temp, Path.Combine(extra, $"item{i:D6}.txt"));
        });
        return Items;
    }

    private int RunTouch(bool writeFiles)
    {
        int salt = ++_salt;
        var runs = _runner.RunPipeline(PipelineParser.Parse($$"""
            [[run]]
            name = "tags"
            protocol = "bench.seed"
            params = { count = {{Items}} }
            [[run]]
            name = "touch"
            protocol = "bench.touch"
            inputs = { tags = "tags.tags" }
            params = { salt = {{salt}}, write_files = {{(writeFiles ? "true" : "false")}} }
            """, "bench.toml"));
        return runs[^1].ItemsDone;
    }

    public sealed record TagRow(string Text, int Count, [property: ProjectPath] string? Path = null);

    private static class BenchKinds
    {
        public static SetKind<TagRow> Tag { get; } = new("bench_tag");
    }

    public sealed record SeedParameters : ProtocolParameters
    {
        [Param("Items", "How many tags.", Min = 1, Max = 1_000_000)]
        public int Count { get; init; } = 10;
    }

    public sealed record TouchParameters : ProtocolParameters
    {
        [Param("Salt", "Makes each benchmark invocation a new run.")]
        public int Salt { get; init; }

        [Param("Write files", "Write one small file per item.")]
        public bool WriteFiles { get; init; }
    }

    private sealed class SeedTagsProtocol : Protocol<SeedParameters>
    {
        public static OutputPort<TagRow> Tags { get; } = new("tags", BenchKinds.Tag, "tags");
        public override string Name => "bench.seed";
        public override string Summary => "Emit Count tags.";
        public override IReadOnlyList<InputPort> Inputs => [];
        public override IReadOnlyList<OutputPort> Outputs => [Tags];

        protected override IReadOnlyList<Step> Steps(SeedParameters p) =>
        [
            new SetStep("seed", context =>
            {
                for (int i = 0; i < p.Count; i++)
                    context.Emit(Tags, $"item{i:D6}", new TagRow($"tag {i}", i));
            }),
        ];
    }

    private sealed class TouchTagsProtocol : Protocol<TouchParameters>
    {
        public static InputPort<TagRow> Tags { get; } = new("tags", BenchKinds.Tag, "tags");
        public static OutputPort<TagRow> Touched { get; } = new("touched", BenchKinds.Tag, "tags, touched");
        public override string Name => "bench.touch";
        public override string Summary => "Trivial per-item work.";
        public override IReadOnlyList<InputPort> Inputs => [Tags];
        public override IReadOnlyList<OutputPort> Outputs => [Touched];

        protected override IReadOnlyList<Step> Steps(TouchParameters p) =>
        [
            new ItemStep<TagRow>("touch", Tags, context =>
            {
                string? path = null;
                if (p.WriteFiles)
                {
                    var file = context.NewFile($"{context.Key}.txt");
                    File.WriteAllText(file.TempPath, context.Row.Text);
                    path = file.RelativePath;
                }
                context.Emit(Touched, context.Row with { Count = context.Row.Count + 1, Path = path });
            }),
        ];
    }
}
