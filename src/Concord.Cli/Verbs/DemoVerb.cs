using System.CommandLine;
using System.Diagnostics;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.IO.Mrc;
using Concord.IO.Star;
using Concord.Plots;
using Concord.Preprocess.Consensus;
using Concord.Preprocess.Methods.Gain;
using Concord.Preprocess.Methods.Motion;
using Concord.Reconstruct.Fsc;
using Concord.Simulation.Output;
using Concord.Simulation.Presets;

namespace Concord.Cli.Verbs;

/// <summary>
/// `concord demo`: simulate a data set with ground truth, then run every stage that exists so far on it and report
/// what each kept and rejected, and how close it came to the truth.
/// </summary>
public sealed class DemoVerb : IVerb
{
    public sealed record Step(string Name, int Kept, int Rejected, string Result, string Output);

    public sealed record Summary(string Project, string Preset, IReadOnlyList<Step> Steps, double MotionRmsErrorPx, double? HalfMapResolutionA,
        double? ResolutionVsTruthA, double Seconds);

    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var project = new Option<string>("--project") { Description = "Folder for the demo's data and results.", DefaultValueFactory = _ => "concord-demo" };
        var preset = new Option<string>("--preset") { Description = "Simulated data set: small (default, a few minutes) or tiny (seconds).", DefaultValueFactory = _ => "small" };
        var seed = new Option<int>("--seed") { Description = "Random seed of the simulation.", DefaultValueFactory = _ => 1 };
        var command = new Command("demo", """
            Simulate a data set with known truth (movies with gain, drift, contamination and junk; a particle stack with
            poses and CTFs) and run the stages Concord has so far: motion correction with dose weighting and the drift
            sanity check (movies → micrographs), then a gold-standard reconstruction with CTF from the known poses and
            its FSC, each scored against the truth. Prints what each step kept and rejected and where the results are.

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

    private static Summary Run(string folder, SimulationPreset preset, int seed, VerbContext ctx)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(folder);
        using var fft = FftBackends.Create(maxDegreeOfParallelism: ctx.Threads);
        var steps = new List<Step>();
        string data = Path.Combine(folder, "Simulation");
        SimulationSummary sim;
        using (var deterministic = FftBackends.CreateDeterministic(ctx.Threads))
            sim = ctx.WithProgress($"simulating {preset.Name}", p => SimulationWriter.Run(preset, data, seed, deterministic, ctx.Threads, p));
        steps.Add(new Step("simulate", sim.Particles + sim.Movies, 0, $"{sim.Movies} movies, {sim.Particles} particles", data));

        var (kept, rejected, rms, micrographs) = CorrectMotion(preset, data, folder, fft, ctx);
        steps.Add(new Step("motion correction + drift check", kept, rejected, $"trajectory RMS error vs truth {rms:F2} px (kept movies)", micrographs));

        string reconstructions = Path.Combine(folder, "Reconstruct");
        Directory.CreateDirectory(reconstructions);
        double? halfRes = null, truthRes = null;
        if (sim.ParticlesStar is not null)
        {
            string map = Path.Combine(reconstructions, "map.mrc");
            var rec = ReconstructVerb.Run(sim.ParticlesStar, map, "C1", useCtf: true, writeHalves: true, angpix: null, padding: 2, maxResA: 0, ctx);
            halfRes = rec.ResolutionAt0143A;
            using var full = FscVerb.ReadVolume(map);
            using var truth = FscVerb.ReadVolume(sim.Maps[0]);
            var vsTruth = FourierShellCorrelation.Compute(full, truth, fft);
            truthRes = vsTruth.ResolutionAt(0.5);
            FscOutput.Write(Path.Combine(reconstructions, "fsc_vs_truth.star"), Path.Combine(reconstructions, "fsc_vs_truth.png"), "map vs true map",
                ("map vs truth", vsTruth, StarLabels.FourierShellCorrelation));
            steps.Add(new Step("reconstruct (known poses, CTF)", rec.ParticleCount, 0,
                $"half maps FSC 0.143 at {halfRes:F2} Å; vs truth FSC 0.5 at {truthRes:F2} Å", reconstructions));
        }
        return new Summary(folder, preset.Name, steps, rms, halfRes, truthRes, clock.Elapsed.TotalSeconds);
    }

    private static (int Kept, int Rejected, double RmsPx, string Output) CorrectMotion(SimulationPreset preset, string data, string folder, IFftBackend fft, VerbContext ctx)
    {
        string output = Path.Combine(folder, "Micrographs");
        Directory.CreateDirectory(output);
        var movies = StarReader.Read(Path.Combine(data, "movies.star")).Require("movies").RequireLoop();
        using var gainReader = MrcReader.Open(Path.Combine(data, "gain.mrc"));
        using var gain = gainReader.ReadImage(0);
        var options = new MotionCorrectionOptions
        {
            DosePerFrameEA2 = preset.Movies.DosePerFrameEA2,
            VoltageKv = preset.Movies.VoltageKv,
            PatchesX = preset.Movies.Width >= 1024 ? 5 : 3,
            PatchesY = preset.Movies.Height >= 1024 ? 5 : 3,
            MaxDegreeOfParallelism = ctx.Threads,
        };
        var corrector = new MotionCorrector(fft, options);
        int kept = 0, rejected = 0;
        var errors = new List<double>();
        for (int m = 0; m < movies.RowCount; m++)
        {
            string relative = movies.GetString(m, StarLabels.MicrographMovieName);
            string name = Path.GetFileNameWithoutExtension(relative);
            using var reader = MrcReader.Open(Path.Combine(data, relative));
            using var frames = reader.ReadStack();
            using var result = ctx.WithProgress($"motion {name}", p => corrector.Run(frames, new GainCorrectionSettings(Gain: gain, DetectDefects: true), p, ctx.Cancellation));
            MrcWriter.Write(Path.Combine(output, name + ".mrc"), result.DoseWeightedSum ?? result.AlignedSum);
            var verdict = DriftSanityCheck.Evaluate(name, result.Trajectory);
            if (!verdict.Accepted)
            {
                rejected++;
                ctx.Say($"rejected {name}: {verdict.Reason}");
                continue;
            }
            kept++;
            // Accuracy is scored on the movies the sanity check keeps: a rejected movie's trajectory is not used.
            var truth = StarReader.Read(Path.Combine(data, "truth", "motion", name + ".star")).Require("global_shift").RequireLoop();
            for (int f = 0; f < Math.Min(truth.RowCount, result.Trajectory.Frames); f++)
            {
                double dx = result.Trajectory.Shifts[f].ShiftXPx - truth.GetDouble(f, StarLabels.MicrographShiftX);
                double dy = result.Trajectory.Shifts[f].ShiftYPx - truth.GetDouble(f, StarLabels.MicrographShiftY);
                errors.Add(Math.Sqrt(dx * dx + dy * dy));
            }
        }
        if (errors.Count > 0)
            Figures.SaveHistogram(Path.Combine(output, "trajectory_error.png"), "motion: per-frame error vs truth", "error (px)", errors, bins: 30);
        return (kept, rejected, errors.Count > 0 ? Math.Sqrt(errors.Average(e => e * e)) : double.NaN, output);
    }

    private static void Print(Summary summary, VerbContext ctx)
    {
        ctx.Say("");
        ctx.Say($"{"step",-34} {"kept",6} {"rejected",9}  result");
        foreach (var s in summary.Steps)
            ctx.Say($"{s.Name,-34} {s.Kept,6} {s.Rejected,9}  {s.Result}");
        ctx.Say("");
        foreach (var s in summary.Steps)
            ctx.Say($"  {s.Name}: {s.Output}");
        ctx.Say($"done in {summary.Seconds:F0} s; everything is under {Path.GetFullPath(summary.Project)}");
    }
}
