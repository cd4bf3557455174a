using System.Text.Json;
using Concord.Workflow.Projects;
using Concord.Workflow.Protocols.Consensus;
using Concord.Workflow.Running;
using Concord.Workflow.Tests.Mock;

namespace Concord.Workflow.Tests;

public class RunnerTests
{
    private static IReadOnlyList<RunInfo> Run(Project project, string toml, int threads = 2) =>
        new Runner(project, MockKinds.Protocols, new RunnerOptions(threads)).RunPipeline(PipelineParser.Parse(toml, "p.toml"));

    [Fact]
    public void Pipeline_runs_every_stage_into_numbered_run_folders_with_logs()
    {
        using var temp = new TempFolder();
        using var project = Project.Open(temp.Path, MockKinds.Registry, create: true);
        var runs = Run(project, MockPipelines.FourStage(20, 0));
        Assert.All(runs, r => Assert.Equal(RunStatus.Finished, r.Status));
        Assert.Equal(["Runs/001_gen", "Runs/002_a", "Runs/003_b", "Runs/004_agree", "Runs/005_total"], runs.Select(r => r.Folder));
        foreach (var run in runs)
        {
            Assert.True(File.Exists(project.Resolve(run.Folder + "/logs/run.log")));
            Assert.True(Directory.Exists(project.Resolve(run.Folder + "/extra")));
            Assert.True(Directory.Exists(project.Resolve(run.Folder + "/tmp")));
        }
        var a = project.ReadRows(MockKinds.Number, project.FindSet("a.result").Id);
        var gen = project.ReadRows(MockKinds.Number, project.FindSet("gen.numbers").Id);
        Assert.Equal(20, a.Count);
        Assert.All(a.Zip(gen), x => Assert.Equal(2 * x.Second.Row.Value, x.First.Row.Value, 12));
        Assert.All(a, r => Assert.Equal(r.Row.Value, MockKinds.ReadNumber(project.Resolve(r.Row.Path))));
        Assert.Equal(20, runs[1].ItemsTotal);
        Assert.Equal(20, runs[1].ItemsDone);
        Assert.Empty(ProjectIntegrity.Check(project));
    }

    [Fact]
    public void Consensus_splits_agreed_and_disagreed_with_reasons_and_a_report()
    {
        using var temp = new TempFolder();
        using var project = Project.Open(temp.Path, MockKinds.Registry, create: true);
        var runs = Run(project, MockPipelines.FourStage(20, 0));
        var agreed = project.ReadRows(MockKinds.Number, project.FindSet("agree.agreed").Id);
        var disagreed = project.ReadRows(MockKinds.Number, project.FindSet("agree.disagreed").Id);
        Assert.Equal(4, disagreed.Count);
        Assert.Equal(["item0000", "item0005", "item0010", "item0015"], disagreed.Select(r => r.Key));
        Assert.All(disagreed, r => Assert.StartsWith("spread: estimates differ by 1.000", r.Reason, StringComparison.Ordinal));
        Assert.Equal(16, agreed.Count);
        Assert.All(agreed, r => Assert.Null(r.Reason));
        var report = JsonSerializer.Deserialize<ConsensusReport>(project.Reports(runs[3].Id)[ConsensusProtocol<NumberRow, ToleranceParameters>.ReportName])!;
        Assert.Equal(16, report.Agreed);
        Assert.Equal(4, report.RejectedBy["spread"]);
        Assert.Equal(["a.result", "b.result"], report.Sources);
        var total = project.ReadRows(MockKinds.Number, project.FindSet("total.total").Id).Single();
        Assert.Equal(agreed.Sum(r => r.Row.Value), total.Row.Value, 9);
    }

    [Fact]
    public void Rerunning_the_same_pipeline_reuses_runs_and_changed_parameters_make_new_runs()
    {
        using var temp = new TempFolder();
        using var project = Project.Open(temp.Path, MockKinds.Registry, create: true);
        var first = Run(project, MockPipelines.FourStage(10, 0));
        var again = Run(project, MockPipelines.FourStage(10, 0));
        Assert.Equal(first.Select(r => r.Id), again.Select(r => r.Id));
        var changed = Run(project, MockPipelines.FourStage(10, 0).Replace("tolerance = 0.5", "tolerance = 2.0"));
        Assert.Equal(first.Take(3).Select(r => r.Id), changed.Take(3).Select(r => r.Id));
        Assert.Equal([6L, 7L], changed.Skip(3).Select(r => r.Id));
        Assert.Equal(7, project.Runs().Count);
        Assert.Empty(project.ReadRows(MockKinds.Number, project.FindSet("6.disagreed").Id));
        Assert.Equal(2, project.ReadRows(MockKinds.Number, project.FindSet("4.disagreed").Id).Count);
        Assert.Empty(ProjectIntegrity.Check(project));
    }

    [Fact]
    public void A_failing_item_is_recorded_with_its_error_and_the_others_complete()
    {
        using var temp = new TempFolder();
        using var project = Project.Open(temp.Path, MockKinds.Registry, create: true);
        var runs = Run(project, """
            [[run]]
            name = "gen"
            protocol = "mock.generate"
            params = { count = 6 }
            [[run]]
            name = "t"
            protocol = "mock.transform"
            inputs = { values = "gen.numbers" }
            params = { fail_key = "item0003" }
            """);
        Assert.Equal(5, runs[1].ItemsDone);
        Assert.Equal(1, runs[1].ItemsFailed);
        var failure = Assert.Single(project.Failures(runs[1].Id));
        Assert.Equal("item0003", failure.ItemKey);
        Assert.Contains("deliberate failure", failure.Error, StringComparison.Ordinal);
        Assert.Equal(5, project.ReadRows(MockKinds.Number, project.FindSet("t.result").Id).Count);
        Assert.Contains("item0003 failed", File.ReadAllText(project.Resolve(runs[1].Folder + "/logs/run.log")), StringComparison.Ordinal);
    }

    [Fact]
    public void Provenance_walks_from_a_set_back_to_the_generator_with_parameters()
    {
        using var temp = new TempFolder();
        using var project = Project.Open(temp.Path, MockKinds.Registry, create: true);
        Run(project, MockPipelines.FourStage(5, 0));
        var chain = Provenance.Chain(project, project.FindSet("total.total").Id);
        Assert.Equal(["total", "agree", "a", "gen", "b"], chain.Select(n => n.Producer.Name));
        Assert.Equal([0, 1, 2, 3, 2], chain.Select(n => n.Depth));
        Assert.Contains("\"tolerance\":0.5", chain[1].Producer.ParametersJson, StringComparison.Ordinal);
        Assert.Equal(2, chain[1].Inputs.Count);
    }

    [Fact]
    public void A_later_pipeline_can_take_inputs_from_runs_already_in_the_project()
    {
        using var temp = new TempFolder();
        using var project = Project.Open(temp.Path, MockKinds.Registry, create: true);
        Run(project, "[[run]]\nname = \"gen\"\nprotocol = \"mock.generate\"\nparams = { count = 4 }\n");
        var runs = Run(project, "[[run]]\nname = \"t\"\nprotocol = \"mock.transform\"\ninputs = { values = \"gen.numbers\" }\n");
        Assert.Equal(4, runs.Single().ItemsDone);
        Assert.Equal(project.FindSet("gen.numbers").Id, project.RunInputs(runs[0].Id).Single().SetId);
    }

    [Fact]
    public void Set_step_failure_marks_the_run_failed_and_resume_retries_it()
    {
        using var temp = new TempFolder();
        using var project = Project.Open(temp.Path, MockKinds.Registry, create: true);
        string pattern = Path.Combine(temp.Path, "in", "*.mrc");
        var runner = new Runner(project, new Protocols.ProtocolRegistry(Protocols.EngineProtocols.All), new RunnerOptions(1));
        var e = Assert.Throws<RunFailedException>(() => runner.RunPipeline(PipelineParser.Parse($"[[run]]\nname = \"imp\"\nprotocol = \"import.files\"\nparams = {{ pattern = '{pattern}' }}\n", "p.toml")));
        Assert.Contains("no file matches", e.Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Failed, project.Runs().Single().Status);
        Directory.CreateDirectory(Path.Combine(temp.Path, "in"));
        File.WriteAllText(Path.Combine(temp.Path, "in", "a.mrc"), "abc");
        var resumed = runner.Resume().Single();
        Assert.Equal(RunStatus.Finished, resumed.Status);
        var row = project.ReadRows(Sets.BuiltInKinds.File, project.FindSet("imp.files").Id).Single();
        Assert.Equal(("a.mrc", 3L), (row.Key, row.Row.SizeBytes));
        Assert.Equal("abc", File.ReadAllText(project.Resolve(row.Row.Path)));
        Assert.Empty(ProjectIntegrity.Check(project));
    }
}
