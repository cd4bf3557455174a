using System.Diagnostics;
using Concord.Workflow.Projects;
using Concord.Workflow.Running;
using Concord.Workflow.Tests.Mock;
using Xunit.Abstractions;

namespace Concord.Workflow.Tests;

/// <summary>
/// Guard for the overhead figure (1,000 trivial items well under 1 s; bench/WorkflowRunnerBenchmarks measures it):
/// the bound here is loose because the suite shares 2 cores with other builds, but a per-item cost that grew to
/// milliseconds (an fsync or a re-read of the set per item) fails it.
/// </summary>
public class OverheadTests(ITestOutputHelper output)
{
    [Fact]
    public void Thousand_trivial_items_cost_well_under_a_few_seconds_of_runner_overhead()
    {
        using var temp = new TempFolder();
        using var project = Project.Open(temp.Path, MockKinds.Registry, create: true);
        var runner = new Runner(project, MockKinds.Protocols, new RunnerOptions(2));
        runner.RunPipeline(PipelineParser.Parse("[[run]]\nname = \"n\"\nprotocol = \"mock.count\"\nparams = { count = 1000 }\n", "count.toml"));
        var plan = Planner.Plan(PipelineParser.Parse("""
            [[run]]
            name = "n"
            protocol = "mock.count"
            params = { count = 1000 }
            [[run]]
            name = "t"
            protocol = "mock.touch"
            inputs = { labels = "n.labels" }
            """, "touch.toml"), MockKinds.Protocols, project);
        var clock = Stopwatch.StartNew();
        var runs = runner.Execute(plan);
        clock.Stop();
        Assert.Equal(1000, runs[1].ItemsDone);
        output.WriteLine($"1000 trivial items: {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"1000 trivial items took {clock.Elapsed.TotalSeconds:F2} s");
    }
}
