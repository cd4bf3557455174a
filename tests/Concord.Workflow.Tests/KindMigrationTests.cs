using Concord.Workflow.Projects;
using Concord.Workflow.Protocols;
using Concord.Workflow.Running;
using Concord.Workflow.Sets;
using Concord.Workflow.Tests.Mock;

namespace Concord.Workflow.Tests;

/// <summary>A kind's version rising between the Concord that created a project and the one that opens it.</summary>
public class KindMigrationTests
{
    public sealed record ShapeV1(string Label, double SizeA);

    /// <summary>Version 2: one nullable column appended.</summary>
    public sealed record ShapeV2(string Label, double SizeA, double? WeightKda);

    /// <summary>Version 3: a second nullable column (a project may jump from v1 to v3).</summary>
    public sealed record ShapeV3(string Label, double SizeA, double? WeightKda, string? Note);

    public sealed record ShapeNotNull(string Label, double SizeA, double WeightKda);

    public sealed record ShapeInserted(string Label, double? WeightKda, double SizeA);

    public sealed record ShapeRemoved(string Label);

    private static readonly SetKind<ShapeV1> V1 = new("mock_shape", 1);
    private static readonly SetKind<ShapeV2> V2 = new("mock_shape", 2);
    private static readonly SetKind<ShapeV3> V3 = new("mock_shape", 3);

    private static SetKindRegistry Kinds(SetKind kind) => SetKindRegistry.BuiltIn.With(kind);

    /// <summary>Emits three shapes of a kind (rows made by <paramref name="row"/> from the item number).</summary>
    private sealed class ShapesProtocol<TRow>(string name, SetKind<TRow> kind, Func<int, TRow> row) : Protocol<NoParameters> where TRow : notnull
    {
        private readonly OutputPort<TRow> _shapes = new("shapes", kind, "shapes");

        public override string Name => name;
        public override string Summary => "Emit three shapes.";
        public override IReadOnlyList<InputPort> Inputs => [];
        public override IReadOnlyList<OutputPort> Outputs => [_shapes];

        protected override IReadOnlyList<Step> Steps(NoParameters p) =>
            [new SetStep("emit", context =>
            {
                for (int i = 0; i < 3; i++)
                    context.Emit(_shapes, $"s{i}", row(i), i == 2 ? "too small" : null);
            })];
    }

    private static void Run<TRow>(Project project, SetKind<TRow> kind, string run, Func<int, TRow> row) where TRow : notnull
    {
        var protocol = new ShapesProtocol<TRow>("mock.shapes_v" + kind.Version, kind, row);
        new Runner(project, new ProtocolRegistry([protocol]), new RunnerOptions(1))
            .RunPipeline(PipelineParser.Parse($"[[run]]\nname = \"{run}\"\nprotocol = \"{protocol.Name}\"\n", "p.toml"));
    }

    private static string[] Migrations(Project project)
    {
        using var cmd = project.Command("SELECT id FROM schema_migrations WHERE id LIKE 'kind:mock!_shape:%' ESCAPE '!' ORDER BY id");
        using var reader = cmd.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
            ids.Add(reader.GetString(0));
        return [.. ids];
    }

    private static string[] TableColumns(Project project)
    {
        using var cmd = project.Command("SELECT name FROM pragma_table_info('set_mock_shape') ORDER BY cid");
        using var reader = cmd.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
            names.Add(reader.GetString(0));
        return [.. names];
    }

    private static void CreateV1(string root)
    {
        using var project = Project.Open(root, Kinds(V1), create: true);
        Run(project, V1, "old", i => new ShapeV1($"old {i}", 10 + i));
    }

    [Fact]
    public void A_v1_project_opened_with_v2_gains_the_column_old_rows_read_null_and_new_rows_store_it()
    {
        using var temp = new TempFolder();
        CreateV1(temp.Path);
        using var project = Project.Open(temp.Path, Kinds(V2));
        Assert.Equal(["kind:mock_shape:v1", "kind:mock_shape:v2"], Migrations(project));
        Assert.Equal(["row_id", "set_id", "item_key", "reason", "label", "size_a", "weight_kda"], TableColumns(project));

        var old = project.ReadRows(V2, project.FindSet("old.shapes").Id);
        Assert.Equal(["s0", "s1", "s2"], old.Select(r => r.Key));
        Assert.Equal([new ShapeV2("old 0", 10, null), new ShapeV2("old 1", 11, null), new ShapeV2("old 2", 12, null)], old.Select(r => r.Row));
        Assert.Equal([null, null, "too small"], old.Select(r => r.Reason));

        Run(project, V2, "new", i => new ShapeV2($"new {i}", 20 + i, i == 1 ? null : 100.5 + i));
        var fresh = project.ReadRows(V2, project.FindSet("new.shapes").Id);
        Assert.Equal([new ShapeV2("new 0", 20, 100.5), new ShapeV2("new 1", 21, null), new ShapeV2("new 2", 22, 102.5)], fresh.Select(r => r.Row));
        Assert.Empty(ProjectIntegrity.Check(project));
    }

    [Fact]
    public void Reopening_a_migrated_project_changes_nothing_and_a_fresh_v2_project_records_only_v2()
    {
        using var temp = new TempFolder();
        CreateV1(temp.Path);
        string applied;
        using (var first = Project.Open(temp.Path, Kinds(V2)))
            applied = first.Scalar<string>("SELECT applied_utc FROM schema_migrations WHERE id='kind:mock_shape:v2'")!;
        using (var again = Project.Open(temp.Path, Kinds(V2)))
        {
            Assert.Equal(["kind:mock_shape:v1", "kind:mock_shape:v2"], Migrations(again));
            Assert.Equal(applied, again.Scalar<string>("SELECT applied_utc FROM schema_migrations WHERE id='kind:mock_shape:v2'"));
            Assert.Equal(7, TableColumns(again).Length);
            Assert.Equal(3, again.ReadRows(V2, again.FindSet("old.shapes").Id).Count);
        }

        using var other = new TempFolder();
        using var fresh = Project.Open(other.Path, Kinds(V2), create: true);
        Assert.Equal(["kind:mock_shape:v2"], Migrations(fresh));
        Assert.Equal(TableColumns(fresh), new[] { "row_id", "set_id", "item_key", "reason", "label", "size_a", "weight_kda" });
    }

    [Fact]
    public void A_project_may_skip_versions_v1_to_v3_in_one_open()
    {
        using var temp = new TempFolder();
        CreateV1(temp.Path);
        using var project = Project.Open(temp.Path, Kinds(V3));
        Assert.Equal(["kind:mock_shape:v1", "kind:mock_shape:v3"], Migrations(project));
        var old = project.ReadRows(V3, project.FindSet("old.shapes").Id);
        Assert.Equal(new ShapeV3("old 1", 11, null, null), old[1].Row);
    }

    /// <summary>Each project has its own connection, as two processes would: BEGIN IMMEDIATE serialises the migration.</summary>
    [Fact]
    public void Connections_opening_an_old_project_at_once_migrate_it_once()
    {
        using var temp = new TempFolder();
        CreateV1(temp.Path);
        var projects = new Project[4];
        Parallel.For(0, projects.Length, new ParallelOptions { MaxDegreeOfParallelism = projects.Length }, i => projects[i] = Project.Open(temp.Path, Kinds(V2)));
        try
        {
            Assert.All(projects, p => Assert.Equal(["kind:mock_shape:v1", "kind:mock_shape:v2"], Migrations(p)));
            Assert.Equal(7, TableColumns(projects[0]).Length);
        }
        finally
        {
            foreach (var p in projects)
                p.Dispose();
        }
    }

    [Fact]
    public void A_new_not_null_column_is_refused_naming_the_kind_and_column_and_leaves_the_project_at_v1()
    {
        using var temp = new TempFolder();
        CreateV1(temp.Path);
        var e = Assert.Throws<ProjectException>(() => Project.Open(temp.Path, Kinds(new SetKind<ShapeNotNull>("mock_shape", 2))));
        Assert.Contains("'mock_shape'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'weight_kda' is NOT NULL", e.Message, StringComparison.Ordinal);
        Assert.Contains("nullable", e.Message, StringComparison.Ordinal);

        using var project = Project.Open(temp.Path, Kinds(V1));
        Assert.Equal(["kind:mock_shape:v1"], Migrations(project));
        Assert.Equal(6, TableColumns(project).Length);
    }

    [Fact]
    public void A_column_inserted_before_old_ones_or_a_removed_column_is_refused()
    {
        using var temp = new TempFolder();
        CreateV1(temp.Path);
        var inserted = Assert.Throws<ProjectException>(() => Project.Open(temp.Path, Kinds(new SetKind<ShapeInserted>("mock_shape", 2))));
        Assert.Contains("'size_a' at position 2", inserted.Message, StringComparison.Ordinal);
        Assert.Contains("nullable and last", inserted.Message, StringComparison.Ordinal);
        var removed = Assert.Throws<ProjectException>(() => Project.Open(temp.Path, Kinds(new SetKind<ShapeRemoved>("mock_shape", 2))));
        Assert.Contains("'size_a'", removed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_project_written_by_a_newer_version_of_a_kind_is_refused_naming_both_versions()
    {
        using var temp = new TempFolder();
        using (Project.Open(temp.Path, Kinds(V2), create: true))
        {
        }
        var e = Assert.Throws<ProjectException>(() => Project.Open(temp.Path, Kinds(V1)));
        Assert.Contains("'mock_shape' is at version 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("version 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kind_version_below_one_is_refused_at_declaration()
    {
        var e = Assert.Throws<ArgumentException>(() => new SetKind<ShapeV1>("mock_shape", 0));
        Assert.Contains("mock_shape", e.Message, StringComparison.Ordinal);
    }
}
