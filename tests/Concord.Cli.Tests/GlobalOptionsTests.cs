using System.Text.Json;

namespace Concord.Cli.Tests;

public class GlobalOptionsTests
{
    [Fact]
    public void Version_exits_zero()
    {
        Assert.Equal(0, CliHarness.Run("--version").ExitCode);
    }

    [Fact]
    public void Help_exits_zero()
    {
        Assert.Equal(0, CliHarness.Run("--help").ExitCode);
    }

    [Fact]
    public void Unknown_verb_is_a_usage_error()
    {
        Assert.NotEqual(0, CliHarness.Run("no-such-verb").ExitCode);
    }

    [Fact]
    public void Json_summary_is_valid_json_and_honours_threads()
    {
        var result = CliHarness.Run("system", "--json", "--threads", "3");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Stdout);
        Assert.Equal(3, doc.RootElement.GetProperty("threads").GetInt32());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-4")]
    public void Absurd_thread_count_is_rejected_as_bad_input(string threads)
    {
        var result = CliHarness.Run("system", "--threads", threads);
        Assert.Equal(VerbAction.BadInput, result.ExitCode);
        Assert.Contains("--threads", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_verb_has_runnable_examples_in_its_help()
    {
        var root = ConcordApp.BuildRoot(TextWriter.Null, TextWriter.Null);
        foreach (var verb in root.Subcommands)
            Assert.True(verb.Description?.Contains("Examples:", StringComparison.Ordinal) == true, $"verb '{verb.Name}' lacks examples in its help");
    }
}
