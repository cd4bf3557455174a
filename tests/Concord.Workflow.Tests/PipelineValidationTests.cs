using Concord.Workflow.Projects;
using Concord.Workflow.Running;
using Concord.Workflow.Tests.Mock;

namespace Concord.Workflow.Tests;

public class PipelineValidationTests
{
    private static PipelineError Single(string toml, Project? project = null)
    {
        var e = Assert.Throws<PipelineValidationException>(() => Planner.Plan(PipelineParser.Parse(toml, "p.toml"), MockKinds.Protocols, project));
        Assert.All(e.Errors, x => Assert.Equal("p.toml", x.File));
        return Assert.Single(e.Errors);
    }

    [Fact]
    public void Toml_syntax_error_reports_its_line()
    {
        var e = Assert.Throws<PipelineValidationException>(() => PipelineParser.Parse("[[run]]\nname = \"gen\"\nprotocol = \"mock.generate\"\ncount = = 3\n", "p.toml"));
        Assert.NotEmpty(e.Errors);
        Assert.All(e.Errors, x => Assert.Equal(4, x.Line));
        Assert.StartsWith("p.toml:4:", e.Message.Split('\n')[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_protocol_is_reported_at_its_line_with_the_known_ones()
    {
        var e = Single("[[run]]\nname = \"x\"\n\nprotocol = \"mock.nope\"\n");
        Assert.Equal(4, e.Line);
        Assert.Contains("unknown protocol 'mock.nope'", e.Reason, StringComparison.Ordinal);
        Assert.Contains("mock.generate", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_range_parameter_is_reported_at_the_parameter_line()
    {
        var e = Single("[[run]]\nname = \"gen\"\nprotocol = \"mock.generate\"\n[run.params]\nseed = 3\ncount = 0\n");
        Assert.Equal(6, e.Line);
        Assert.Contains("count", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_kind_input_is_rejected_naming_both_kinds()
    {
        var e = Single("""
            [[run]]
            name = "gen"
            protocol = "mock.generate"
            [[run]]
            name = "l"
            protocol = "mock.labels"
            inputs = { labels = "gen.numbers" }
            """);
        Assert.Equal(7, e.Line);
        Assert.Contains("expects a mock_label set", e.Reason, StringComparison.Ordinal);
        Assert.Contains("mock_number", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_input_is_reported_at_the_run()
    {
        var e = Single("\n[[run]]\nname = \"t\"\nprotocol = \"mock.transform\"\n");
        Assert.Equal(2, e.Line);
        Assert.Contains("missing input 'values'", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Reference_to_an_unknown_run_or_output_is_rejected()
    {
        var e = Single("[[run]]\nname = \"t\"\nprotocol = \"mock.transform\"\ninputs = { values = \"nowhere.numbers\" }\n");
        Assert.Equal(4, e.Line);
        Assert.Contains("'nowhere'", e.Reason, StringComparison.Ordinal);
        var f = Single("[[run]]\nname = \"gen\"\nprotocol = \"mock.generate\"\n[[run]]\nname = \"t\"\nprotocol = \"mock.transform\"\ninputs = { values = \"gen.nums\" }\n");
        Assert.Contains("no output 'nums'", f.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Consensus_with_one_set_violates_the_port_arity()
    {
        var e = Single("[[run]]\nname = \"gen\"\nprotocol = \"mock.generate\"\n[[run]]\nname = \"c\"\nprotocol = \"mock.consensus\"\ninputs = { sets = [\"gen.numbers\"] }\n");
        Assert.Contains("takes 2..16 sets, got 1", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Cycles_duplicate_names_and_unknown_keys_are_all_reported_together()
    {
        var e = Assert.Throws<PipelineValidationException>(() => Planner.Plan(PipelineParser.Parse("""
            [[run]]
            name = "a"
            protocol = "mock.transform"
            inputs = { values = "b.result" }
            [[run]]
            name = "b"
            protocol = "mock.transform"
            inputs = { values = "a.result" }
            """, "p.toml"), MockKinds.Protocols, null));
        Assert.Equal([1, 5], e.Errors.Select(x => x.Line));
        Assert.All(e.Errors, x => Assert.Contains("cycle", x.Reason, StringComparison.Ordinal));

        var g = Assert.Throws<PipelineValidationException>(() => PipelineParser.Parse("colour = 1\n[[run]]\nname = \"a\"\nprotocol = \"x\"\nspeed = 3\n", "p.toml"));
        Assert.Equal([1, 5], g.Errors.Select(x => x.Line));
    }

    [Fact]
    public void Valid_pipeline_is_ordered_by_dependencies_and_hashes_chain_through_inputs()
    {
        var plan = Planner.Plan(PipelineParser.Parse(MockPipelines.FourStage(5, 0), "p.toml"), MockKinds.Protocols, null);
        Assert.Equal(["gen", "a", "b", "agree", "total"], plan.Runs.Select(r => r.Name));
        Assert.Equal(5, plan.Runs.Select(r => r.Hash).Distinct().Count());
        var seed8 = Planner.Plan(PipelineParser.Parse(MockPipelines.FourStage(5, 0, seed: 8), "p.toml"), MockKinds.Protocols, null);
        Assert.All(plan.Runs.Zip(seed8.Runs), x => Assert.NotEqual(x.First.Hash, x.Second.Hash));
    }
}
