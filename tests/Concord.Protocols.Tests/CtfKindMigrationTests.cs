using Concord.Protocols.Protocols.Ctf;
using Concord.Protocols.Sets;
using Concord.Workflow.Projects;
using Concord.Workflow.Protocols;
using Concord.Workflow.Running;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Tests;

/// <summary>
/// A project made when the <c>ctf</c> kind was at version 1 (no ice-ring column) opened by this Concord: the table
/// gains the column, old rows read back with a null ratio, and ctf.consensus's ice-ring rule passes them while it
/// rejects rows that carry a high ratio.
/// </summary>
public sealed class CtfKindMigrationTests : IDisposable
{
    /// <summary>CtfRow as kind version 1 declared it.</summary>
    public sealed record CtfRowV1(
        [property: ProjectPath] string MicrographPath, double DefocusUA, double DefocusVA, double DefocusAngleDeg, double PhaseShiftDeg,
        double FitScore, double MaxResolutionA, [property: ProjectPath] string? DiagnosticPath);

    private static readonly SetKind<CtfRowV1> CtfV1 = new("ctf", 1);

    private static readonly SetKindRegistry KindsV1 = new(StageProtocols.Kinds.All.Where(k => k.Name != EmKinds.Ctf.Name).Append(CtfV1));

    private static readonly string[] Keys = ["mic_00", "mic_01"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "concord-ctf-kind-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Two micrographs whose estimates pass every rule but the ice ring (two methods agreeing to the digit).</summary>
    private static void EmitMicrographs(StepContext context, OutputPort<CorrectedMicrographRow> port)
    {
        foreach (string key in Keys)
            context.Emit(port, key, new CorrectedMicrographRow(null, $"Micrographs/{key}.mrc", null, null, 1.2, 1, 0, 0, 0, 0, null, 300, 2.7, 0.07, 1));
    }

    private static (double U, double V) Defocus(int i) => (15000 + 1000 * i, 14600 + 1000 * i);

    /// <summary>Version-1 rows, as ctf.estimate wrote them before the ice-ring column.</summary>
    private sealed class V1RowsProtocol : Protocol<IceParameters>
    {
        private static readonly OutputPort<CorrectedMicrographRow> Micrographs = new("micrographs", EmKinds.CorrectedMicrograph, "micrographs");
        private static readonly OutputPort<CtfRowV1> Ctfs = new("ctfs", CtfV1, "v1 ctfs");

        public override string Name => "test.ctf_rows_v1";
        public override string Summary => "Version-1 CTF rows.";
        public override IReadOnlyList<InputPort> Inputs => [];
        public override IReadOnlyList<OutputPort> Outputs => [Micrographs, Ctfs];

        protected override IReadOnlyList<Step> Steps(IceParameters p) => [new SetStep("emit", context =>
        {
            EmitMicrographs(context, Micrographs);
            for (int i = 0; i < Keys.Length; i++)
                context.Emit(Ctfs, Keys[i], new CtfRowV1($"Micrographs/{Keys[i]}.mrc", Defocus(i).U, Defocus(i).V, 30, 0, 0.4, 3.5, null));
        })];
    }

    public sealed record IceParameters : ProtocolParameters
    {
        [Param("Ice ring ratio", "The ratio every row carries.", Min = 0, Max = 100)]
        public double IceRingRatio { get; init; } = 2;
    }

    /// <summary>Version-2 rows with a given ice-ring ratio.</summary>
    private sealed class V2RowsProtocol : Protocol<IceParameters>
    {
        private static readonly OutputPort<CorrectedMicrographRow> Micrographs = new("micrographs", EmKinds.CorrectedMicrograph, "micrographs");
        private static readonly OutputPort<CtfRow> Ctfs = new("ctfs", EmKinds.Ctf, "ctfs");

        public override string Name => "test.ctf_rows";
        public override string Summary => "CTF rows with an ice-ring ratio.";
        public override IReadOnlyList<InputPort> Inputs => [];
        public override IReadOnlyList<OutputPort> Outputs => [Micrographs, Ctfs];

        protected override IReadOnlyList<Step> Steps(IceParameters p) => [new SetStep("emit", context =>
        {
            EmitMicrographs(context, Micrographs);
            for (int i = 0; i < Keys.Length; i++)
                context.Emit(Ctfs, Keys[i], new CtfRow($"Micrographs/{Keys[i]}.mrc", Defocus(i).U, Defocus(i).V, 30, 0, 0.4, 3.5, null, p.IceRingRatio));
        })];
    }

    private static void Run(Project project, string toml) =>
        new Runner(project, new ProtocolRegistry(StageProtocols.All.Append(new V1RowsProtocol()).Append(new V2RowsProtocol())), new RunnerOptions(1))
            .RunPipeline(PipelineParser.Parse(toml, "migration.toml"));

    [Fact]
    public void Rows_of_a_v1_project_read_a_null_ratio_and_pass_the_ice_ring_rule_while_high_ratios_are_rejected()
    {
        using (var old = Project.Open(_root, KindsV1, create: true))
            Run(old, """
                [[run]]
                name = "old"
                protocol = "test.ctf_rows_v1"
                """);

        using var project = Project.Open(_root, StageProtocols.Kinds);
        var migrated = project.ReadRows(EmKinds.Ctf, project.FindSet("old.ctfs").Id);
        Assert.Equal(Keys, migrated.Select(r => r.Key));
        Assert.All(migrated, r => Assert.Null(r.Row.IceRingRatio));
        Assert.Equal(15000, migrated[0].Row.DefocusUA);
        Assert.Equal(3.5, migrated[1].Row.MaxResolutionA);

        Run(project, """
            [[run]]
            name = "icy"
            protocol = "test.ctf_rows"
            params = { ice_ring_ratio = 2.0 }

            [[run]]
            name = "old_consensus"
            protocol = "ctf.consensus"
            inputs = { ctfs = ["old.ctfs"], micrographs = "old.micrographs" }
            params = { max_ice_ring = 1.2 }

            [[run]]
            name = "icy_consensus"
            protocol = "ctf.consensus"
            inputs = { ctfs = ["icy.ctfs", "old.ctfs"], micrographs = "icy.micrographs" }
            params = { max_ice_ring = 1.2 }
            """);
        Assert.Equal(Keys, project.ReadRows(EmKinds.Ctf, project.FindSet("old_consensus.accepted").Id).Select(r => r.Key));
        Assert.Empty(project.ReadRows(EmKinds.Ctf, project.FindSet("old_consensus.rejected").Id));
        Assert.Empty(project.ReadRows(EmKinds.Ctf, project.FindSet("icy_consensus.accepted").Id));
        var rejected = project.ReadRows(EmKinds.Ctf, project.FindSet("icy_consensus.rejected").Id);
        Assert.Equal(Keys, rejected.Select(r => r.Key));
        Assert.All(rejected, r => Assert.Equal("ice_ring: ice ring ratio 2.00 above 1.2", r.Reason));
        Assert.All(rejected, r => Assert.Equal(2.0, r.Row.IceRingRatio));
        var report = System.Text.Json.JsonSerializer.Deserialize<CtfConsensusReport>(
            project.Reports(project.Runs().Last(r => r.Name == "icy_consensus").Id)[CtfConsensusProtocol.ReportName])!;
        Assert.Equal(new Dictionary<string, int> { ["ice_ring"] = 2 }, report.RejectedBy);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }
}
