using Concord.Workflow.Projects;
using Concord.Workflow.Sets;
using Concord.Workflow.Tests.Mock;

namespace Concord.Workflow.Tests;

public class ProjectTests
{
    [Fact]
    public void Columns_are_derived_from_the_row_record_in_snake_case_with_sql_types()
    {
        var columns = BuiltInKinds.Volume.Columns;
        Assert.Equal(["path", "pixel_size_a", "box_px"], columns.Select(c => c.Name));
        Assert.Equal(["TEXT NOT NULL", "REAL NOT NULL", "INTEGER NOT NULL"], columns.Select(c => c.SqlType));
        Assert.True(columns[0].IsProjectPath);
        Assert.False(columns[1].IsProjectPath);
        Assert.Equal("set_volume", BuiltInKinds.Volume.TableName);
    }

    [Fact]
    public void A_kind_with_an_unmappable_property_is_refused_at_declaration()
    {
        var e = Assert.Throws<ArgumentException>(() => new SetKind<BadRow>("bad"));
        Assert.Contains("Items", e.Message, StringComparison.Ordinal);
    }

    public sealed record BadRow(string Name, List<int> Items);

    [Fact]
    public void New_project_is_WAL_with_core_and_kind_migrations_recorded_once()
    {
        using var temp = new TempFolder();
        using (var project = Project.Open(temp.Path, MockKinds.Registry, create: true))
        {
            Assert.Equal("wal", project.Scalar<string>("PRAGMA journal_mode"));
            Assert.True(project.Scalar<long>("SELECT COUNT(*) FROM schema_migrations WHERE id='core:001'") == 1);
            Assert.True(project.Scalar<long>("SELECT COUNT(*) FROM schema_migrations WHERE id='kind:mock_number:v1'") == 1);
            Assert.True(project.Scalar<long>("SELECT COUNT(*) FROM sqlite_master WHERE name='set_micrograph'") == 1);
        }
        using var reopened = Project.Open(temp.Path, MockKinds.Registry);
        Assert.Equal(1 + MockKinds.Registry.All.Count, reopened.Scalar<long>("SELECT COUNT(*) FROM schema_migrations"));
        Assert.True(Directory.Exists(Path.Combine(temp.Path, "Runs")));
    }

    [Fact]
    public void Opening_a_folder_that_is_not_a_project_without_create_is_a_clear_error()
    {
        using var temp = new TempFolder();
        var e = Assert.Throws<ProjectException>(() => Project.Open(temp.Path));
        Assert.Contains("not a Concord project", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Snake_case_keeps_unit_suffixes_readable()
    {
        Assert.Equal("pixel_size_a", SetKind.ToSnakeCase("PixelSizeA"));
        Assert.Equal("defocus_ua", SetKind.ToSnakeCase("DefocusUA"));
        Assert.Equal("delay_ms", SetKind.ToSnakeCase("DelayMs"));
        Assert.Equal("box_px", SetKind.ToSnakeCase("BoxPx"));
    }
}
