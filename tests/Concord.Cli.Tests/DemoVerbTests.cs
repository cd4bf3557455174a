using System.Diagnostics;
using System.Text.Json;
using Concord.Cli.Verbs;
using Concord.Workflow.Projects;

namespace Concord.Cli.Tests;

public sealed class DemoVerbTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "concord-cli-demo-" + Guid.NewGuid().ToString("N")[..12]);

    public DemoVerbTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string P(string name) => Path.Combine(_root, name);

    [Fact]
    public void Demo_on_tiny_runs_the_pipeline_scores_it_and_its_sets_export_and_import()
    {
        var demo = CliHarness.Run("demo", "--preset", "tiny", "--project", P("demo"), "--threads", "2", "--json");
        Assert.Equal(VerbAction.Success, demo.ExitCode);
        using (var json = JsonDocument.Parse(demo.Stdout))
        {
            var s = json.RootElement;
            Assert.Equal(13, s.GetProperty("steps").GetArrayLength());
            AssertCtfFigures(s);
            Assert.InRange(s.GetProperty("motionRmsErrorPx").GetDouble(), 0, 1);
            Assert.InRange(s.GetProperty("halfMapResolutionA").GetDouble(), 5, 10);
            Assert.InRange(s.GetProperty("resolutionVsTruthA").GetDouble(), 5, 10);
            AssertPicking(s.GetProperty("picking"));
        }
        Assert.True(File.Exists(P("demo/demo.toml")));
        Assert.True(File.Exists(P("demo/Runs/001_simulate/extra/Movies/movie_001.mrcs")));
        Assert.True(File.Exists(P("demo/Runs/003_reconstruct/extra/map_half2.mrc")));
        AssertFinishedAndIntact(P("demo"));

        // Re-running reuses every run; resume has nothing left to do.
        Assert.Equal(VerbAction.Success, CliHarness.Run("demo", "--preset", "tiny", "--project", P("demo")).ExitCode);
        Assert.Equal(VerbAction.Success, CliHarness.Run("resume", "--project", P("demo")).ExitCode);
        Assert.Equal(VerbAction.Success, CliHarness.Run("run", P("demo/demo.toml"), "--project", P("demo")).ExitCode);
        Assert.Equal(13, Directory.GetDirectories(P("demo/Runs")).Length);
        Assert.True(File.Exists(P("demo/Runs/013_extract/extra/particles.star")));

        Assert.Equal(VerbAction.Success, CliHarness.Run("export", "--project", P("demo"), "--set", "simulate:particles", "-o", P("out/particles.star")).ExitCode);
        Assert.Equal(VerbAction.Success, CliHarness.Run("export", "--project", P("demo"), "--set", "motion.micrographs", "-o", P("out/micrographs.star")).ExitCode);
        Assert.Equal(VerbAction.BadInput, CliHarness.Run("export", "--project", P("demo"), "--set", "reconstruct.volumes", "-o", P("out/v.star")).ExitCode);
        Assert.Equal(VerbAction.Success, CliHarness.Run("import", "--project", P("imported"), P("out/particles.star")).ExitCode);
        var status = CliHarness.Run("status", "--project", P("imported"), "--json");
        using var doc = JsonDocument.Parse(status.Stdout);
        var sets = doc.RootElement.GetProperty("runs")[0].GetProperty("sets");
        Assert.Equal(300, sets.EnumerateArray().Single(x => x.GetProperty("kind").GetString() == "particle").GetProperty("rows").GetInt32());
        AssertFinishedAndIntact(P("imported"));
        Assert.Equal(VerbAction.Success, CliHarness.Run("import", "--project", P("imported"), P("out/micrographs.star")).ExitCode);
        Assert.Equal(VerbAction.Success, CliHarness.Run("protocols").ExitCode);
    }

    [Fact]
    public void A_demo_killed_twice_finishes_with_resume()
    {
        string project = P("killed");
        // Kill 1: the demo itself, once motion correction has started (the simulation is committed by then).
        KillWhen(["demo", "--preset", "tiny", "--project", project, "--threads", "2"], () => Directory.Exists(Path.Combine(project, "Runs", "002_motion", "tmp")));
        // Kill 2: a resume, shortly after it started.
        KillWhen(["resume", "--project", project, "--threads", "2"], () => false, maxSeconds: 2);
        Assert.Equal(VerbAction.Success, CliHarness.Run("resume", "--project", project, "--threads", "2").ExitCode);
        AssertFinishedAndIntact(project);
        // The kill landed inside motion correction: its run was resumed, not started afresh.
        Assert.Contains("resumed from status Running", File.ReadAllText(Path.Combine(project, "Runs", "002_motion", "logs", "run.log")), StringComparison.Ordinal);
        using var opened = Project.Open(project, WorkflowCatalog.Kinds);
        var summary = DemoVerb.Summarise(opened, "tiny", Path.Combine(project, DemoVerb.PipelineFile), opened.Runs(), 0);
        Assert.InRange(summary.MotionRmsErrorPx!.Value, 0, 1);
        Assert.InRange(summary.HalfMapResolutionA!.Value, 5, 10);
    }

    /// <summary>
    /// Tiny, seed 1: one kept micrograph, 11 true particles (70 Å at 2.5 Å/px) among ice and aggregates. Measured:
    /// templates F1 0.667 (9/11), LoG 0.444, their consensus 7 coordinates. Five candidates are found by all three
    /// pickers, too few to train deep consensus (min_positives 20), so that run keeps the plain consensus and says so;
    /// the CTF consensus rejects the micrograph (256² is too small to fit), so extraction gets nothing.
    /// </summary>
    private static void AssertPicking(JsonElement picking)
    {
        var runs = picking.GetProperty("runs").EnumerateArray().ToDictionary(r => r.GetProperty("run").GetString()!);
        Assert.Equal(["pick_clean", "pick_consensus", "pick_deep", "pick_learned", "pick_log", "pick_template"], runs.Keys.Order());
        Assert.InRange(runs["pick_template"].GetProperty("f1").GetDouble(), 0.6, 1);
        Assert.InRange(runs["pick_log"].GetProperty("recall").GetDouble(), 0.3, 1);
        var consensus = runs["pick_consensus"];
        var deep = runs["pick_deep"];
        // Deep consensus scores every candidate of the vote (agreed or not): 7 + 9.
        Assert.Equal(consensus.GetProperty("kept").GetInt32() + consensus.GetProperty("rejected").GetInt32(),
            deep.GetProperty("kept").GetInt32() + deep.GetProperty("rejected").GetInt32());
        Assert.Equal(deep.GetProperty("kept").GetInt32(), runs["pick_clean"].GetProperty("kept").GetInt32() + runs["pick_clean"].GetProperty("rejected").GetInt32());
        Assert.InRange(picking.GetProperty("extractedParticles").GetInt32(), 0, runs["pick_clean"].GetProperty("kept").GetInt32());
    }

    /// <summary>
    /// The CTF runs: both estimates of every kept micrograph scored against the truth, and the consensus accounts for
    /// each one (the tiny preset's 256² micrographs are too small to be estimated reliably, so it only checks the books).
    /// </summary>
    private static void AssertCtfFigures(JsonElement summary)
    {
        var ctf = summary.GetProperty("ctf").EnumerateArray().ToList();
        Assert.Equal(["ctf_a", "ctf_b", "ctf_consensus"], ctf.Select(c => c.GetProperty("run").GetString()));
        int micrographs = summary.GetProperty("steps")[1].GetProperty("kept").GetInt32();
        Assert.All(ctf.Take(2), c =>
        {
            Assert.Equal(micrographs, c.GetProperty("kept").GetInt32());
            Assert.True(c.GetProperty("medianRelativeError").GetDouble() >= 0);
        });
        var consensus = ctf[2];
        Assert.Equal(micrographs, consensus.GetProperty("kept").GetInt32() + consensus.GetProperty("rejected").GetInt32());
        Assert.Equal(consensus.GetProperty("rejected").GetInt32(), consensus.GetProperty("rejections").GetArrayLength());
        Assert.Contains(ctf[0].GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("too small", StringComparison.Ordinal));
    }

    private static void AssertFinishedAndIntact(string root)
    {
        using var project = Project.Open(root, WorkflowCatalog.Kinds);
        Assert.Empty(ProjectIntegrity.Check(project));
        Assert.All(project.Runs(), r => Assert.Equal(RunStatus.Finished, r.Status));
    }

    /// <summary>Runs the CLI as a process and SIGKILLs it when <paramref name="condition"/> holds or after <paramref name="maxSeconds"/>.</summary>
    private static void KillWhen(string[] args, Func<bool> condition, double maxSeconds = 120)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(ConcordApp).Assembly.Location);
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEndAsync();
        process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!process.HasExited && !condition() && clock.Elapsed.TotalSeconds < maxSeconds)
            Thread.Sleep(50);
        if (!process.HasExited)
            process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }
}
