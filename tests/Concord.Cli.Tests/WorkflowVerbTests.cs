using System.Text.Json;

namespace Concord.Cli.Tests;

public sealed class WorkflowVerbTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "concord-cli-wf-" + Guid.NewGuid().ToString("N")[..12]);

    public WorkflowVerbTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "data"));
        File.WriteAllText(Path.Combine(_root, "data", "a.mrc"), "aaaa");
        File.WriteAllText(Path.Combine(_root, "data", "b.mrc"), "bb");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Project => Path.Combine(_root, "proj");

    private string Pipeline(string pattern, string name = "pipeline.toml")
    {
        string path = Path.Combine(_root, name);
        File.WriteAllText(path, $"[[run]]\nname = \"imp\"\nprotocol = \"import.files\"\n[run.params]\npattern = '{pattern}'\ncopy = true\n");
        return path;
    }

    [Fact]
    public void Run_imports_files_into_a_new_project_and_status_reports_them()
    {
        var run = CliHarness.Run("run", Pipeline(Path.Combine(_root, "data", "*.mrc")), "--project", Project);
        Assert.Equal(VerbAction.Success, run.ExitCode);
        Assert.True(File.Exists(Path.Combine(Project, "project.sqlite")));
        Assert.Equal("aaaa", File.ReadAllText(Path.Combine(Project, "Runs", "001_imp", "extra", "a.mrc")));
        Assert.True(File.Exists(Path.Combine(Project, "Runs", "001_imp", "logs", "run.log")));

        var status = CliHarness.Run("status", "--project", Project, "--json");
        Assert.Equal(VerbAction.Success, status.ExitCode);
        using var doc = JsonDocument.Parse(status.Stdout);
        var runJson = doc.RootElement.GetProperty("runs")[0];
        Assert.Equal("Finished", runJson.GetProperty("status").GetString());
        Assert.Equal(2, runJson.GetProperty("sets")[0].GetProperty("rows").GetInt32());
    }

    [Fact]
    public void Resume_and_provenance_work_on_a_project_and_fail_cleanly_elsewhere()
    {
        Assert.Equal(VerbAction.Success, CliHarness.Run("run", Pipeline(Path.Combine(_root, "data", "*.mrc")), "--project", Project).ExitCode);
        Assert.Equal(VerbAction.Success, CliHarness.Run("resume", "--project", Project).ExitCode);
        var provenance = CliHarness.Run("provenance", "--project", Project, "imp.files", "--json");
        Assert.Equal(VerbAction.Success, provenance.ExitCode);
        using var doc = JsonDocument.Parse(provenance.Stdout);
        Assert.Equal("import.files", doc.RootElement[0].GetProperty("protocol").GetString());
        Assert.Single(Directory.GetDirectories(Path.Combine(Project, "Runs")));

        Assert.Equal(VerbAction.BadInput, CliHarness.Run("provenance", "--project", Project, "nope.files").ExitCode);
        Assert.Equal(VerbAction.BadInput, CliHarness.Run("status", "--project", Path.Combine(_root, "data")).ExitCode);
        Assert.Equal(VerbAction.BadInput, CliHarness.Run("resume", "--project", Path.Combine(_root, "data")).ExitCode);
    }

    [Fact]
    public void Invalid_pipeline_is_rejected_with_file_and_line_before_a_project_exists()
    {
        string bad = Path.Combine(_root, "bad.toml");
        File.WriteAllText(bad, "[[run]]\nname = \"imp\"\nprotocol = \"import.files\"\n[run.params]\npattern = ''\ncopy = 3\n");
        var result = CliHarness.Run("run", bad, "--project", Project);
        Assert.Equal(VerbAction.BadInput, result.ExitCode);
        Assert.Contains("bad.toml:6:", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Project));
    }

    [Fact]
    public void A_run_that_fails_exits_with_bad_input_and_is_recorded_as_failed()
    {
        var result = CliHarness.Run("run", Pipeline(Path.Combine(_root, "data", "*.tiff")), "--project", Project);
        Assert.Equal(VerbAction.BadInput, result.ExitCode);
        var status = CliHarness.Run("status", "--project", Project, "--json");
        using var doc = JsonDocument.Parse(status.Stdout);
        Assert.Equal("Failed", doc.RootElement.GetProperty("runs")[0].GetProperty("status").GetString());
    }

    [Fact]
    public void Protocols_lists_the_engine_protocols_with_parameters()
    {
        var result = CliHarness.Run("protocols", "--json");
        Assert.Equal(VerbAction.Success, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Stdout);
        var import = doc.RootElement.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "import.files");
        Assert.Contains(import.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("key").GetString() == "pattern");
    }
}
