using Concord.Workflow.Projects;
using Concord.Workflow.Running;
using Concord.Workflow.Tests.Mock;

namespace Concord.Workflow.Tests;

public class ConcurrentReaderTests
{
    [Fact]
    public async Task A_reader_queries_the_project_without_errors_while_a_run_writes()
    {
        using var temp = new TempFolder();
        using var writer = Project.Open(temp.Path, MockKinds.Registry, create: true);
        using var reader = Project.Open(temp.Path, MockKinds.Registry);
        var run = Task.Run(() => new Runner(writer, MockKinds.Protocols, new RunnerOptions(2)).RunPipeline(PipelineParser.Parse(MockPipelines.FourStage(60, 2), "p.toml")));
        int reads = 0, maxRowsSeen = 0;
        while (!run.IsCompleted)
        {
            var runs = reader.Runs();
            foreach (var set in reader.Sets())
            {
                var rows = reader.ReadRows(MockKinds.Number, set.Id);
                maxRowsSeen = Math.Max(maxRowsSeen, rows.Count);
                Assert.All(rows, r => Assert.True(File.Exists(reader.Resolve(r.Row.Path)), $"{r.Row.Path} is missing"));
            }
            Assert.All(runs, r => Assert.InRange(r.ItemsDone, 0, Math.Max(r.ItemsTotal, 0)));
            reads++;
        }
        await run;
        Assert.True(reads >= 3, $"only {reads} read passes happened during the run");
        Assert.True(maxRowsSeen > 0);
        Assert.Equal(5, reader.Runs().Count(r => r.Status == RunStatus.Finished));
    }
}
