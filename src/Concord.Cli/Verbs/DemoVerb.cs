using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Concord.Protocols.Protocols.Preprocess;
using Concord.Protocols.Protocols.Reconstruct;
using Concord.Simulation.Presets;
using Concord.Workflow;
using Concord.Workflow.Projects;
using Concord.Workflow.Running;

namespace Concord.Cli.Verbs;

/// <summary>
/// `concord demo`: writes a pipeline (simulate → motion.correct → ctf.estimate ×2 → ctf.consensus → picking chain →
/// particles.extract; reconstruct.gold), runs it in a project through the workflow engine, and reports what each run kept and rejected, where its results are, and how close it came to the
/// truth. An interrupted demo finishes with `concord resume --project DIR`.
/// </summary>
public sealed class DemoVerb : IVerb
{
    public const string PipelineFile = "demo.toml";

    public sealed record Step(string Name, string Protocol, int Kept, int Rejected, string Result, string Output);

    public sealed record Summary(string Project, string Preset, string Pipeline, IReadOnlyList<Step> Steps, double? MotionRmsErrorPx,
        double? HalfMapResolutionA, double? ResolutionVsTruthA, IReadOnlyList<RejectedMovie> Rejections, double Seconds,
        IReadOnlyList<CtfDemo.RunFigures>? Ctf = null, DemoPicking.Summary? Picking = null);

    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var project = new Option<string>("--project") { Description = "Project folder for the demo (created if missing).", DefaultValueFactory = _ => "concord-demo" };
        var preset = new Option<string>("--preset") { Description = "Simulated data set: small (default, about a minute) or tiny (under a minute, tests).", DefaultValueFactory = _ => "small" };
        var seed = new Option<int>("--seed") { Description = "Random seed of the simulation.", DefaultValueFactory = _ => 1 };
        var command = new Command("demo", """
            Simulate a data set with known truth (movies with gain, drift, contamination and junk; a particle stack with
            poses and CTFs) and run the stages Concord has so far as a pipeline of the workflow engine: motion
            correction with dose weighting and the drift sanity check; CTF by two estimators and their consensus, with
            micrographs rejected for readable reasons; picking by LoG, templates and a learned picker, their
            coordinate consensus, deep consensus and the micrograph cleaner, then extraction from the CTF-accepted
            micrographs; and a gold-standard reconstruction with CTF from the known poses. Every step is scored
            against the truth. The pipeline is written to PROJECT/demo.toml (re-run it with `concord run`); an
            interrupted demo finishes with `concord resume --project PROJECT`. Prints what each run kept and rejected
            and where the results are.

            Examples:
              concord demo
              concord demo --preset tiny --project /tmp/demo --json
            """)
        { project, preset, seed };
        VerbAction.Bind(command, global, stdout, stderr, (parse, ctx) =>
        {
            var summary = Run(parse.GetValue(project)!, SimulationPreset.Get(parse.GetValue(preset)!), parse.GetValue(seed), ctx);
            ctx.WriteJsonSummary(summary);
            if (!ctx.Json)
                Print(summary, ctx);
            return VerbAction.Success;
        });
        return command;
    }

    /// <summary>The demo pipeline for a preset and seed, as a user would write it.</summary>
    public static string PipelineText(string preset, int seed) => $"""
        # Concord demo: simulate a data set with known truth, correct motion, reconstruct with CTF, score against truth.
        # Run it again (finished runs are reused) with:  concord run {PipelineFile} --project PROJECT

        [[run]]
        name = "simulate"
        protocol = "simulate.preset"
        params = {"{"} preset = "{preset}", seed = {seed.ToString(CultureInfo.InvariantCulture)} {"}"}

        [[run]]
        name = "motion"
        protocol = "motion.correct"
        inputs = {"{"} movies = "simulate.movies" {"}"}
        params = {"{"} dose_weighting = true, max_frame_shift_a = 5.0, max_trajectory_length_a = 15.0 {"}"}

        [[run]]
        name = "reconstruct"
        protocol = "reconstruct.gold"
        inputs = {"{"} particles = "simulate.particles", reference = "simulate.truth_map" {"}"}
        params = {"{"} symmetry = "C1", use_ctf = true {"}"}

        {CtfDemo.PipelineRuns(preset)}
        """ + DemoPicking.PipelineText(preset);

    private static Summary Run(string folder, SimulationPreset preset, int seed, VerbContext ctx)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(folder);
        string pipelinePath = Path.GetFullPath(Path.Combine(folder, PipelineFile));
        File.WriteAllText(pipelinePath, PipelineText(preset.Name, seed));
        var pipeline = PipelineParser.ParseFile(pipelinePath);
        using var project = Project.Open(folder, WorkflowCatalog.Kinds, create: true);
        var runs = ctx.WithProgress($"demo ({preset.Name})", progress =>
            new Runner(project, WorkflowCatalog.Protocols, new RunnerOptions(ctx.Threads, progress, ctx.Cancellation)).RunPipeline(pipeline));
        return Summarise(project, preset.Name, pipelinePath, runs, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The demo's table and figures, read back from the runs' sets and reports.</summary>
    internal static Summary Summarise(Project project, string preset, string pipelinePath, IReadOnlyList<RunInfo> runs, double seconds)
    {
        var byName = runs.ToDictionary(r => r.Name);
        var simulate = byName["simulate"];
        var motion = Report<MotionReport>(project, byName["motion"], "motion");
        var reconstruction = Report<ReconstructionReport>(project, byName["reconstruct"], "reconstruction");
        int Rows(RunInfo run, string port) => project.Sets(run.Id).Where(s => s.Port == port).Sum(s => s.Rows);
        int movies = Rows(simulate, "movies"), particles = Rows(simulate, "particles");
        var steps = new List<Step>
        {
            new("simulate", simulate.Protocol, movies + particles, 0, $"{movies} movies, {particles} particles, true map", simulate.Folder),
            new("motion correction + drift check", byName["motion"].Protocol, motion.Kept, motion.Rejected,
                $"trajectory RMS error vs truth {Format(motion.TruthRmsErrorPx, "F2")} px (kept movies)", byName["motion"].Folder),
            new("reconstruct (known poses, CTF)", byName["reconstruct"].Protocol, reconstruction.Particles, 0,
                $"half maps FSC 0.143 at {Format(reconstruction.HalfMapResolutionAt0143A, "F2")} Å; vs truth FSC 0.5 at {Format(reconstruction.ReferenceResolutionAt05A, "F2")} Å",
                byName["reconstruct"].Folder),
        };
        var ctf = CtfDemo.Summarise(project, byName);
        steps.InsertRange(2, ctf.Steps);
        var (pickingSteps, picking) = DemoPicking.Summarise(project, byName, preset);
        steps.AddRange(pickingSteps);
        return new Summary(project.Root, preset, pipelinePath, steps, motion.TruthRmsErrorPx, reconstruction.HalfMapResolutionAt0143A,
            reconstruction.ReferenceResolutionAt05A, motion.Rejections, seconds, ctf.Figures, picking);
    }

    private static T Report<T>(Project project, RunInfo run, string name) =>
        project.Reports(run.Id).TryGetValue(name, out var json) ? JsonSerializer.Deserialize<T>(json)!
            : throw new ProjectException($"run {run.Name} has no '{name}' report; is it finished? (`concord status --project {project.Root}`)");

    private static string Format(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "n/a";

    private static void Print(Summary summary, VerbContext ctx)
    {
        foreach (var r in summary.Rejections)
            ctx.Say($"rejected {r.Movie}: {r.Reason}");
        foreach (var note in CtfDemo.Notes(summary.Ctf))
            ctx.Say(note);
        ctx.Say("");
        ctx.Say($"{"step",-34} {"kept",6} {"rejected",9}  result");
        foreach (var s in summary.Steps)
            ctx.Say($"{s.Name,-34} {s.Kept,6} {s.Rejected,9}  {s.Result}");
        ctx.Say("");
        foreach (var s in summary.Steps)
            ctx.Say($"  {s.Name} ({s.Protocol}): {Path.Combine(summary.Project, s.Output)}");
        ctx.Say($"done in {summary.Seconds:F0} s; project {summary.Project} (pipeline {summary.Pipeline}; `concord status --project {summary.Project}`)");
    }
}
