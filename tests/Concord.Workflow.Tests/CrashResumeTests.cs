using System.Diagnostics;
using Concord.Workflow.Projects;
using Concord.Workflow.Running;
using Concord.Workflow.Tests.Mock;
using Xunit.Abstractions;

namespace Concord.Workflow.Tests;

/// <summary>
/// The acceptance test of crash safety: the runner runs in a child process that is killed (SIGKILL) at seeded random
/// moments of a multi-step pipeline, then resumed, until it finishes; the result must equal an uninterrupted run.
/// </summary>
public class CrashResumeTests(ITestOutputHelper output)
{
    private const int RequiredKills = 20;
    private const int Items = 120;
    private const int DelayMs = 20;

    /// <summary>Kills fall uniformly in this window after the host opened the project: startup, planning and work.</summary>
    private const int KillWindowMs = 1200;

    [Fact]
    public void Killed_and_resumed_runs_end_equal_to_an_uninterrupted_run_with_a_sound_project()
    {
        using var temp = new TempFolder();
        string pipeline = temp.Write("pipeline.toml", MockPipelines.FourStage(Items, DelayMs));
        var reference = ReferenceSnapshot(Path.Combine(temp.Path, "reference"), pipeline);
        var random = new Random(20261124);
        int kills = 0, projects = 0, launches = 0, midRun = 0;
        var clock = Stopwatch.StartNew();
        while (kills < RequiredKills)
        {
            string folder = Path.Combine(temp.Path, $"crashed{projects++}");
            bool finished = false;
            while (!finished)
            {
                launches++;
                int? killAfterMs = kills < RequiredKills ? random.Next(0, KillWindowMs) : null;
                // A kill before the runner recorded the pipeline leaves nothing to resume: start it again, as a user would.
                string[] args = PipelineRecorded(folder) ? ["resume", folder, "2"] : ["run", folder, pipeline, "2"];
                finished = LaunchAndMaybeKill(folder, args, killAfterMs);
                if (!finished)
                {
                    kills++;
                    string state = AssertNoRowLosesItsFile(folder, out bool insideRun);
                    midRun += insideRun ? 1 : 0;
                    output.WriteLine($"kill {kills} after {killAfterMs} ms: {state}");
                }
            }
            using var project = Project.Open(folder, MockKinds.Registry);
            Assert.Empty(ProjectIntegrity.Check(project));
            Assert.Equal(reference, ProjectSnapshot.Take(project));
        }
        output.WriteLine($"{kills} kills ({midRun} inside a run) over {launches} launches and {projects} project(s) in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(midRun >= RequiredKills / 2, $"only {midRun} kills hit a run in progress; the test would not exercise resume");
    }

    private static IReadOnlyList<string> ReferenceSnapshot(string folder, string pipeline)
    {
        using var project = Project.Open(folder, MockKinds.Registry, create: true);
        new Runner(project, MockKinds.Protocols, new RunnerOptions(2)).RunPipeline(PipelineParser.ParseFile(pipeline));
        return ProjectSnapshot.Take(project);
    }

    /// <summary>Starts the host; returns true when it finished by itself, false when it was killed.</summary>
    private static bool LaunchAndMaybeKill(string folder, string[] args, int? killAfterMs)
    {
        var start = new ProcessStartInfo(DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var ready = process.StandardOutput.ReadLineAsync();
        Assert.True(ready.Wait(TimeSpan.FromSeconds(60)), $"host did not start: {(process.HasExited ? stderr.Result : "")}");
        if (ready.Result != "ready")
            Assert.Fail($"host failed to open {folder}: {stderr.Result}");
        if (killAfterMs is { } delay && !process.WaitForExit(delay))
        {
            process.Kill();
            process.WaitForExit();
            return false;
        }
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "resume did not finish in 60 s");
        Assert.True(process.ExitCode == 0, $"host exited {process.ExitCode}: {stderr.Result}");
        return true;
    }

    /// <summary>Right after a kill, committed rows must still point at files (orphans may wait for the next sweep).</summary>
    /// <returns>Where the pipeline stood when killed, for the test log.</returns>
    private static string AssertNoRowLosesItsFile(string folder, out bool insideRun)
    {
        insideRun = false;
        if (!File.Exists(Path.Combine(folder, Project.DatabaseFile)))
            return "before the project existed";
        using var project = Project.Open(folder, MockKinds.Registry);
        var problems = ProjectIntegrity.Check(project).Where(p => !p.StartsWith("orphaned", StringComparison.Ordinal)).ToList();
        Assert.Empty(problems);
        insideRun = project.Runs().Any(r => r.Status == RunStatus.Running);
        return string.Join(", ", project.Runs().Select(r => $"{r.Name} {r.Status} {r.ItemsDone}/{r.ItemsTotal}"));
    }

    private static bool PipelineRecorded(string folder)
    {
        if (!File.Exists(Path.Combine(folder, Project.DatabaseFile)))
            return false;
        using var project = Project.Open(folder, MockKinds.Registry);
        return project.Scalar<long>("SELECT COUNT(*) FROM pipelines") > 0;
    }

    private static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}
