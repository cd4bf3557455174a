using System.Diagnostics;
using System.Globalization;
using Concord.Core.Fourier;
using Concord.Core.Geometry;
using Concord.Core.Imaging;
using Concord.Core.Projection;
using Concord.Picking;
using Concord.Picking.Chain;
using Concord.Picking.Evaluation;
using Concord.Simulation;
using Concord.Simulation.Movies;
using Concord.Simulation.Presets;

namespace Concord.Benchmarks;

/// <summary>
/// `pick-accuracy [movies] [seed] [threads] [ice|vacuum] [deep-seed] [self-training rounds]`: precision, recall and F1 of every stage of the picking chain
/// (<see cref="PickingChain"/> at its defaults: LoG, template, self-trained learned picker, the vote, deep consensus at
/// 0.95, cleaner) on the `small` preset's micrographs, against the simulator's true particle centres (junk excluded),
/// matched one-to-one within ¼ diameter. The micrographs are the preset's movies as `concord simulate --preset small
/// --seed SEED` makes them (same options and per-movie seeds: junk, carbon, ice crystals, aggregates, thick ice, 16
/// frames of 2.5 e/Å²) except drift and local motion set to zero, summed over frames: the motion-corrected micrograph
/// an ideal aligner would give. Particles are drawn with the ice they displace subtracted (<c>ice</c>, the default: their
/// low-resolution contrast is ~30 % of that in vacuum, as in real micrographs) or, with <c>vacuum</c>, as the benchmark
/// drew them before (2–3× too much contrast, a particle as easy to see as one of ~1 MDa). Templates are 4 re-projections of the true map with each micrograph's true CTF. Each
/// single picker is also scored at its best-F1 threshold (picked permissively, then one threshold swept over all
/// micrographs), the fair comparison for the chain. The cleaner is scored on picks inside the true bad-region masks.
/// </summary>
public static class PickingChainAccuracy
{
    public static void Run(string[] args)
    {
        int movies = Arg(args, 0, 6), seed = Arg(args, 1, 1), threads = Arg(args, 2, Environment.ProcessorCount);
        bool inIce = args.Length <= 3 || args[3] != "vacuum";
        var clock = Stopwatch.StartNew();
        var preset = SimulationPreset.Get("small");
        var options = preset.Movies with { DriftA = 0, LocalMotionA = 0 };
        var (models, fragment) = PresetPhantoms.Models(preset.Phantom);
        var maps = PresetPhantoms.Maps([.. models, fragment], preset.Phantom.BoxSize, options.PixelSizeA, inIce: inIce);
        // FFTW_ESTIMATE, as `concord pick` plans: FFTW_MEASURE picks algorithms by timing them, so its last bits, and
        // with them which borderline particles the chain keeps, differ from one process to the next.
        using var fft = FftwBackend.IsAvailable ? new FftwBackend(FftwPlanRigor.Estimate, 1) : FftBackends.CreateDeterministic(1);
        var simulator = new MovieSimulator(options, maps, lastModelIsJunk: true, fft);
        var truths = new SimulatedMovie[movies];
        var micrographs = new ChainMicrograph[movies];
        Parallel.For(0, movies, new ParallelOptions { MaxDegreeOfParallelism = threads }, m =>
        {
            var sum = new float[options.Width * options.Height];
            truths[m] = simulator.Simulate($"movie_{m + 1:D3}", SeedMixer.Derive(seed, 100 + m), CameraModel.Ideal(options.Width, options.Height), (_, frame) =>
            {
                for (int i = 0; i < sum.Length; i++)
                    sum[i] += frame[i];
            }, 1);
            micrographs[m] = new ChainMicrograph(truths[m].Name, Image2D.FromPixels(options.Width, options.Height, sum, options.PixelSizeA), truths[m].Ctf);
        });
        Console.WriteLine(FormattableString.Invariant($"pick-accuracy: {movies} micrographs of preset small (seed {seed}), {options.Width}², particles {(inIce ? "in ice (displaced solvent)" : "in vacuum contrast")}, simulated in {clock.Elapsed.TotalSeconds:F0} s"));
        foreach (var t in truths)
            Console.WriteLine($"  {t.Name}: {t.Particles.Count(p => !p.IsJunk)} particles, {t.Particles.Count(p => p.IsJunk)} junk, {Usable(t).Count} usable, defect {t.Defect}, " +
                $"regions {string.Join(",", t.Regions.Select(r => r.Kind))}, bad fraction {t.BadRegionMask.Average(v => (double)v):F3}");
        var templates = Templates(maps[0], fft);
        var chainOptions = new PickingChainOptions
        {
            DiameterA = options.ParticleDiameterA,
            Templates = templates,
            MaxDegreeOfParallelism = threads,
        };
        chainOptions = chainOptions with { DeepOptions = chainOptions.DeepOptions with { MaxDegreeOfParallelism = threads, Seed = (ulong)Arg(args, 4, 0), SelfTrainingRounds = Arg(args, 5, chainOptions.DeepOptions.SelfTrainingRounds) } };
        clock.Restart();
        var result = PickingChain.Run(micrographs, chainOptions, fft);
        var deepReport = result.DeepModel?.Training;
        Console.WriteLine(FormattableString.Invariant($"chain in {clock.Elapsed.TotalSeconds:F0} s on {threads} threads; learned trained on {result.LearnedModel?.Positives} positives, {result.LearnedModel?.Negatives} negatives; deep consensus {deepReport?.Positives} positives ({deepReport?.Promoted} promoted in self-training round {deepReport?.SelfTrainingRound}), {deepReport?.Negatives} single + {deepReport?.RandomNegatives} random negatives, validation {deepReport?.ValidationAccuracy:F3}"));
        double radius = 0.25 * options.ParticleDiameterA / options.PixelSizeA;
        var truth = truths.Select(Usable).ToList();
        PrintStages(result, truth, radius, chainOptions.Votes, chainOptions.DeepOptions.Threshold);
        Console.WriteLine("the same with k = 2 (deep consensus deciding only over what 2 of 3 pickers found):");
        PrintStages(result, truth, radius, 2, chainOptions.DeepOptions.Threshold);
        PrintCleaner(result, truths);
        PrintDeepThreshold(result, truth, radius, chainOptions.Votes);
        PrintBestThresholds(micrographs, chainOptions, result, truth, radius, fft);
        foreach (var m in micrographs)
            m.Image.Dispose();
    }

    private static void PrintStages(PickingChainResult result, List<IReadOnlyList<(double X, double Y)>> truth, double radius, int minVotes, double threshold)
    {
        var totals = new Dictionary<string, PickingScore>();
        var order = new List<string>();
        for (int m = 0; m < result.Micrographs.Count; m++)
            foreach (var (stage, picks) in ChainEvaluation.Stages(result.Micrographs[m], minVotes, threshold))
            {
                if (!totals.ContainsKey(stage))
                    order.Add(stage);
                totals[stage] = (totals.GetValueOrDefault(stage) ?? PickingScore.Empty).Plus(PickingScore.Compute(picks, truth[m], radius));
            }
        Console.WriteLine("| stage | precision | recall | F1 | picks | true |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (string stage in order)
        {
            var s = totals[stage];
            Console.WriteLine(FormattableString.Invariant($"| {stage} | {s.Precision:F3} | {s.Recall:F3} | {s.F1:F3} | {s.Picks} | {s.Truth} |"));
        }
    }

    /// <summary>
    /// The particles a picker should find: not junk, centre outside the true bad-region mask (a particle on carbon or in
    /// an ice crystal is unusable). A pick anywhere else, contamination included, is a false positive.
    /// </summary>
    internal static IReadOnlyList<(double X, double Y)> Usable(SimulatedMovie t)
    {
        int width = (int)Math.Round(Math.Sqrt(t.BadRegionMask.Length));
        return t.Particles.Where(p => !p.IsJunk && t.BadRegionMask[Math.Clamp((int)Math.Round(p.Y), 0, width - 1) * width + Math.Clamp((int)Math.Round(p.X), 0, width - 1)] <= 0.5f)
            .Select(p => (p.X, p.Y)).ToList();
    }

    private static void PrintCleaner(PickingChainResult result, SimulatedMovie[] truths)
    {
        int inside = 0, removed = 0;
        for (int m = 0; m < truths.Length; m++)
        {
            int before = removed, insideBefore = inside;
            var r = result.Micrographs[m];
            int width = r.Mask!.Width;
            foreach (var c in r.Consensus.All)
            {
                int ix = Math.Clamp((int)Math.Round(c.XPx), 0, width - 1), iy = Math.Clamp((int)Math.Round(c.YPx), 0, r.Mask.Height - 1);
                if (truths[m].BadRegionMask[iy * width + ix] <= 0.5f)
                    continue;
                inside++;
                removed += r.Mask.IsBad(c.XPx, c.YPx) ? 1 : 0;
            }
            Console.WriteLine(FormattableString.Invariant($"  {truths[m].Name}: cleaner bad fraction {r.Mask.BadFraction:F3} (true {truths[m].BadRegionMask.Average(v => (double)v):F3}), IoU {r.Mask.IntersectionOverUnion(truths[m].BadRegionMask):F3}, removed {removed - before} of {inside - insideBefore} candidates inside"));
        }
        Console.WriteLine(FormattableString.Invariant($"cleaner: {removed} of {inside} candidates inside true contamination removed ({(inside == 0 ? 1 : (double)removed / inside):P1})"));
    }

    /// <summary>Deep consensus over the voted, cleaned candidates scored at its best pooled-F1 threshold (chosen with the truth; the default is 0.95).</summary>
    private static void PrintDeepThreshold(PickingChainResult result, List<IReadOnlyList<(double X, double Y)>> truth, double radius, int minVotes)
    {
        if (result.DeepModel is null)
            return;
        var scored = result.Micrographs.Select((r, m) => new ScoredMicrograph(r.Consensus.All.Select((c, i) => (c, i))
            .Where(t => t.c.Votes >= minVotes && r.Mask?.IsBad(t.c.XPx, t.c.YPx) != true)
            .Select(t => new Pick(t.c.XPx, t.c.YPx, r.DeepScores![t.i])).ToList(), truth[m])).ToList();
        var (threshold, s) = ChainEvaluation.BestF1(scored, radius);
        Console.WriteLine(FormattableString.Invariant($"best-F1 deep consensus (≥ {minVotes} votes, cleaned): threshold {threshold:G4}, precision {s.Precision:F3}, recall {s.Recall:F3}, F1 {s.F1:F3}"));
    }

    /// <summary>Each single picker run permissively and scored at its best pooled-F1 threshold.</summary>
    private static void PrintBestThresholds(ChainMicrograph[] micrographs, PickingChainOptions options, PickingChainResult result,
        List<IReadOnlyList<(double X, double Y)>> truth, double radius, IFftBackend fft)
    {
        var permissive = options with
        {
            LogThresholdSigmas = 1,
            TemplateThresholdSigmas = 2,
            LearnedScoreThreshold = 0.02,
            LearnedModel = result.LearnedModel,
            Deep = false,
            Clean = false
        };
        var loose = PickingChain.Run(micrographs, permissive, fft);
        foreach (string picker in new[] { PickingChain.Learned, PickingChain.Log, PickingChain.Template })
        {
            var scored = loose.Micrographs.Select((r, m) => new ScoredMicrograph(r.Picks[picker], truth[m])).ToList();
            var (threshold, s) = ChainEvaluation.BestF1(scored, radius);
            Console.WriteLine(FormattableString.Invariant($"best-F1 {picker}: threshold {threshold:G4}, precision {s.Precision:F3}, recall {s.Recall:F3}, F1 {s.F1:F3}"));
        }
    }

    private static List<Image2D> Templates(Volume map, IFftBackend fft)
    {
        var projector = new FourierProjector(map, fft);
        var random = new Random(9);
        var result = new List<Image2D>();
        for (int i = 0; i < 4; i++)
        {
            var image = new Image2D(map.NX, map.NY, map.PixelSizeA);
            projector.Project(Rotation3f.FromMatrix(RandomRotations.NextEulerAngles(random).ToMatrix()), image.Span);
            result.Add(image);
        }
        return result;
    }

    private static int Arg(string[] args, int index, int fallback) =>
        args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
}
