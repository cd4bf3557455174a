using System.CommandLine;
using System.Diagnostics;
using Concord.Core;
using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.IO.Mrc;
using Concord.Picking.Chain;
using Concord.Picking.DeepConsensus;
using Concord.Picking.Methods.Learned;

namespace Concord.Cli.Verbs;

/// <summary>
/// `concord pick MICROGRAPHS... --diameter A -o DIR`: particle picking with the LoG, template and learned pickers, a
/// vote of the pickers, deep consensus and the micrograph cleaner (<see cref="PickingChain"/>); writes RELION
/// coordinate files, one table of all coordinates, the rejected ones with a reason, the trained models and overlays.
/// A micrograph that cannot be read or picked is reported and the others continue.
/// </summary>
public sealed class PickVerb : IVerb
{
    public sealed record Failure(string Micrograph, string Error);

    public sealed record DeepSummary(string Model, double Threshold, int Positives, int Negatives, double ValidationAccuracy, int Kept, int Rejected);

    /// <summary>The learned picker's model: where it was saved (trained here) or read from, and its training counts.</summary>
    public sealed record LearnedSummary(string Model, bool Trained, int Positives, int Negatives);

    public sealed record Summary(int Micrographs, int Picked, IReadOnlyList<string> Pickers, string? Skipped, IReadOnlyDictionary<string, int> PicksPerPicker,
        int? RemovedByCleaning, int Candidates, int RejectedByVotes, LearnedSummary? Learned, DeepSummary? DeepConsensus, int Kept, int Rejected,
        string CoordinatesStar, string RejectedStar, IReadOnlyList<Failure> Failures, double Seconds);

    /// <summary>One micrograph after stage 1 (single pickers, cleaner mask) or the error that stopped it.</summary>
    private sealed record Stage1(CtfOutput.Input Input, ChainMicrograph? Micrograph, SinglePicks? Picks, ChainMicrographResult? Done, string? Error);

    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var flags = new Flags();
        var command = new Command("pick", """
            Pick particles: LoG blob picking, template matching and a learned picker (features + logistic model, trained
            from this data set: positives where LoG and template agree, negatives where only one picked, as Xmipp's picker
            is trained in a Scipion consensus), a vote of the pickers (--consensus, found by ≥ --min-votes, 2 by default),
            deep consensus (a CNN trained on agreed picks vs background, after Sanchez-Garcia et al. 2018, retrained twice
            on its own confident picks, scoring every candidate) and the micrograph cleaner. Writes DIR/coordinates.star (all micrographs), DIR/<mic>_autopick.star per micrograph (RELION
            coordinates), DIR/rejected_coordinates.star (rlnConcordRejectionReason), DIR/learned_picker.model and
            DIR/deep_consensus.model when trained, and DIR/plots/<mic>_picks.png.

            Examples:
              concord pick CtfFind/job003/micrographs_ctf.star --diameter 150 -o AutoPick/job004
              concord pick mics/*.mrc --diameter 80 --method all --templates refs.mrcs --consensus --deep-consensus --clean -o picks --json
              concord pick more/*.mrc --diameter 80 --method learned --learned-model picks/learned_picker.model -o more_picks
            """);
        command.Arguments.Add(flags.Micrographs);
        foreach (var option in flags.Options)
            command.Options.Add(option);
        VerbAction.Bind(command, global, stdout, stderr, (parse, ctx) => Run(parse, ctx, flags));
        return command;
    }

    private static int Run(ParseResult parse, VerbContext ctx, Flags flags)
    {
        var clock = Stopwatch.StartNew();
        double diameterA = parse.GetValue(flags.Diameter);
        if (!(diameterA > 0) || !double.IsFinite(diameterA))
            throw new InvalidParameterException("--diameter", $"must be a positive number of Å, got {diameterA}.");
        string? learnedPath = parse.GetValue(flags.LearnedModel);
        var (pickers, skipped) = Pickers(parse.GetValue(flags.Method)!, parse.GetValue(flags.Templates), learnedPath);
        if (skipped is not null)
            ctx.Error.WriteLine($"warning: {skipped}");
        bool deep = parse.GetValue(flags.DeepConsensus), consensus = parse.GetValue(flags.Consensus);
        if (deep && pickers.Count < 2)
            throw new InvalidParameterException("--deep-consensus", "needs at least two pickers (--method all with --templates).");
        // Deep consensus decides over every candidate (the union, as Scipion applies it); without it --consensus keeps
        // what 2 pickers found.
        int minVotes = parse.GetValue(flags.MinVotes) ?? (consensus && !deep ? Math.Min(2, pickers.Count) : 1);
        if (minVotes < 1 || minVotes > pickers.Count)
            throw new InvalidParameterException("--min-votes", $"must be 1–{pickers.Count}, got {minVotes}.");
        double threshold = parse.GetValue(flags.Threshold);
        if (!(threshold >= 0 && threshold <= 1))
            throw new InvalidParameterException("--threshold", $"must be in [0, 1], got {threshold}.");
        var inputs = CtfOutput.ResolveInputs(parse.GetValue(flags.Micrographs)!, parse.GetValue(flags.PixelSize));
        string dir = parse.GetValue(flags.Output)!;
        Directory.CreateDirectory(dir);
        // FFTW_ESTIMATE: a pick run transforms each micrograph a few times, and FFTW_MEASURE planning of the micrograph and
        // working sizes (seconds) outweighs what measured plans save on a few hundred transforms.
        using var fft = FftwBackend.IsAvailable ? new FftwBackend(FftwPlanRigor.Estimate, 1) : FftBackends.Create(maxDegreeOfParallelism: 1);
        var templates = parse.GetValue(flags.Templates) is { } t && pickers.Contains(PickingChain.Template) ? ReadTemplates(t) : null;
        var learned = learnedPath is not null && pickers.Contains(PickingChain.Learned) ? LearnedPickerModel.Load(learnedPath, 1) : null;
        var options = new PickingChainOptions
        {
            DiameterA = diameterA,
            UseLog = pickers.Contains(PickingChain.Log),
            Templates = templates,
            UseLearned = pickers.Contains(PickingChain.Learned),
            LearnedModel = learned,
            MinVotes = minVotes,
            Deep = deep,
            DeepOptions = new DeepConsensusOptions
            {
                Threshold = threshold,
                RandomNegativesPerMicrograph = parse.GetValue(flags.RandomNegatives),
                SingleVoteNegatives = parse.GetValue(flags.SingleNegatives),
                SelfTrainingRounds = parse.GetValue(flags.SelfTraining),
                MaxDegreeOfParallelism = ctx.Threads,
            },
            Clean = parse.GetValue(flags.Clean),
            MaxDegreeOfParallelism = ctx.Threads,
        };
        options.Validate();
        var ctfs = parse.GetValue(flags.Ctf) is { } ctfStar ? ExtractVerb.ReadCtf(ctfStar) : null;
        Stage1[] stage1 = [];
        try
        {
            stage1 = ctx.WithProgress("pick", progress => PickAll(inputs, options, ctfs, fft, ctx, progress));
            return Finish(parse, ctx, flags, options, pickers, stage1, dir, fft, skipped, learnedPath, clock);
        }
        finally
        {
            foreach (var r in stage1)
                r.Micrograph?.Image.Dispose();
            foreach (var image in templates ?? [])
                image.Dispose();
        }
    }

    /// <summary>Whether stages after the single pickers need every micrograph at once (training), or each can finish alone.</summary>
    private static bool Joint(PickingChainOptions o) => o.Deep || (o.UseLearned && o.LearnedModel is null);

    private static int Finish(ParseResult parse, VerbContext ctx, Flags flags, PickingChainOptions options, IReadOnlyList<string> pickers, Stage1[] stage1,
        string dir, IFftBackend fft, string? skipped, string? learnedPath, Stopwatch clock)
    {
        var picked = stage1.Where(r => r.Error is null).ToList();
        var failures = stage1.Where(r => r.Error is not null).Select(r => new Failure(r.Input.Name, r.Error!)).ToList();
        foreach (var f in failures)
            ctx.Error.WriteLine($"error: {f.Micrograph}: {f.Error}");
        if (picked.Count == 0)
            throw new ConcordException($"no micrograph could be picked ({failures.Count} failed).");
        IReadOnlyList<ChainMicrographResult> results;
        LearnedSummary? learnedSummary = options.LearnedModel is { } given ? new LearnedSummary(Path.GetFullPath(learnedPath!), false, given.Positives, given.Negatives) : null;
        DeepConsensusModel? deepModel = null;
        if (Joint(options))
        {
            var chain = PickingChain.Combine(picked.Select(r => r.Micrograph!).ToList(), picked.Select(r => r.Picks!).ToList(), options, fft, ctx.Cancellation);
            results = chain.Micrographs;
            if (chain.LearnedModel is { } trained)
            {
                string path = Path.Combine(dir, LearnedPickerModel.DefaultFileName);
                trained.Save(path);
                learnedSummary = new LearnedSummary(path, true, trained.Positives, trained.Negatives);
            }
            deepModel = chain.DeepModel;
        }
        else
            results = picked.Select(r => r.Done!).ToList();
        var micrographs = picked.Select((r, i) => PickOutput.Decide(r.Input.Name, results[i], options)).ToList();
        DeepSummary? deepSummary = deepModel is null ? null : DeepReport(deepModel, dir, options, results);
        string coordinatesStar = Path.Combine(dir, "coordinates.star"), rejectedStar = Path.Combine(dir, "rejected_coordinates.star");
        PickOutput.WriteCoordinates(coordinatesStar, micrographs, options.Deep);
        PickOutput.WriteRejected(rejectedStar, micrographs);
        bool plots = !parse.GetValue(flags.NoPlots);
        for (int i = 0; i < micrographs.Count; i++)
        {
            PickOutput.WriteAutopick(dir, micrographs[i]);
            if (plots)
                WriteOverlay(dir, micrographs[i], picked[i], options.DiameterA, pickers.Count);
        }
        var perPicker = pickers.ToDictionary(p => p, p => results.Sum(r => r.Picks[p].Count));
        int candidates = results.Sum(r => r.Consensus.All.Count);
        int byVotes = results.Sum(r => r.Consensus.All.Count(c => c.Votes < Math.Min(options.Votes, r.Consensus.Methods)));
        int? cleaned = options.Clean ? results.Sum(r => r.Consensus.All.Count(c => r.Mask!.IsBad(c.XPx, c.YPx))) : null;
        var summary = new Summary(stage1.Length, picked.Count, pickers, skipped, perPicker, cleaned, candidates, byVotes, learnedSummary, deepSummary,
            micrographs.Sum(m => m.Kept.Count), micrographs.Sum(m => m.Rejected.Count), coordinatesStar, rejectedStar, failures, clock.Elapsed.TotalSeconds);
        ctx.WriteJsonSummary(summary);
        Say(ctx, summary, options.Votes);
        return VerbAction.Success;
    }

    private static void Say(VerbContext ctx, Summary summary, int minVotes)
    {
        ctx.Say($"{summary.Picked} of {summary.Micrographs} micrographs picked ({string.Join(" + ", summary.Pickers)}) in {summary.Seconds:F1} s: {summary.CoordinatesStar}");
        foreach (var (p, n) in summary.PicksPerPicker)
            ctx.Say($"  {p}: {n} picks");
        if (summary.Learned is { } l)
            ctx.Say($"  learned picker {(l.Trained ? "trained on" : "read from")} {l.Model} ({l.Positives} positives, {l.Negatives} negatives)");
        ctx.Say($"  {summary.Candidates} coordinates, {summary.RejectedByVotes} below {minVotes} vote(s)");
        if (summary.DeepConsensus is { } d)
            ctx.Say($"  deep consensus (threshold {d.Threshold:0.00}): kept {d.Kept}, rejected {d.Rejected}; model {d.Model}");
        if (summary.RemovedByCleaning is { } c)
            ctx.Say($"  {c} coordinates on contamination (micrograph cleaner)");
        ctx.Say($"kept {summary.Kept}, rejected {summary.Rejected}");
    }

    /// <summary>
    /// --method to picker names: log, template, learned, all, or a comma list (e.g. log,template). "all" is LoG plus the
    /// template picker when --templates is given plus the learned picker when it can be trained (templates) or loaded
    /// (--learned-model); what "all" leaves out is returned as the warning.
    /// </summary>
    internal static (IReadOnlyList<string> Pickers, string? Skipped) Pickers(string method, string? templates, string? learnedModel = null)
    {
        string lower = method.ToLowerInvariant();
        if (lower == "all")
        {
            var all = new List<string> { PickingChain.Log };
            if (templates is not null)
                all.Add(PickingChain.Template);
            if (templates is not null || learnedModel is not null)
                all.Add(PickingChain.Learned);
            string? skipped = templates is not null ? null : learnedModel is null
                ? "template and learned pickers skipped: no --templates given (the learned picker trains on LoG and template agreement, or give --learned-model); picking with LoG only."
                : "template picker skipped: no --templates given.";
            return (all, skipped);
        }
        var names = lower.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        foreach (string name in names)
        {
            if (name is not (PickingChain.Log or PickingChain.Template or PickingChain.Learned))
                throw new InvalidParameterException("--method", $"unknown picker '{name}'; use log, template, learned, all or a comma list.");
            if (name == PickingChain.Template && templates is null)
                throw new InvalidParameterException("--method", "template picking needs --templates T.mrcs.");
            if (name == PickingChain.Learned && learnedModel is null && (templates is null || !names.Contains(PickingChain.Log)))
                throw new InvalidParameterException("--method", "the learned picker needs --learned-model FILE, or log and template pickers (with --templates) to train it.");
        }
        if (names.Count == 0)
            throw new InvalidParameterException("--method", "no picker given.");
        var training = names.Contains(PickingChain.Learned) && learnedModel is null
            ? names.Union([PickingChain.Log, PickingChain.Template]).ToList() : names;
        return (training.OrderBy(n => Array.IndexOf([PickingChain.Log, PickingChain.Template, PickingChain.Learned], n)).ToList(), null);
    }

    private static List<Image2D> ReadTemplates(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such file.", path);
        using var reader = MrcReader.Open(path);
        return Enumerable.Range(0, reader.ImageCount).Select(reader.ReadImage).ToList();
    }

    private static Stage1[] PickAll(IReadOnlyList<CtfOutput.Input> inputs, PickingChainOptions options, IReadOnlyDictionary<string, CtfParameters>? ctfs,
        IFftBackend fft, VerbContext ctx, IProgress<WorkProgress> progress)
    {
        var results = new Stage1[inputs.Count];
        int done = 0;
        Parallel.For(0, inputs.Count, ctx.ParallelOptions, i =>
        {
            results[i] = PickOne(inputs[i], options, ctfs, fft);
            progress.Report(new WorkProgress(Interlocked.Increment(ref done), inputs.Count, inputs[i].Name));
        });
        return results;
    }

    /// <summary>Reads and picks one micrograph; without joint training it also finishes it here and lets its image go.</summary>
    private static Stage1 PickOne(CtfOutput.Input input, PickingChainOptions options, IReadOnlyDictionary<string, CtfParameters>? ctfs, IFftBackend fft)
    {
        Image2D? image = null;
        try
        {
            image = ReadMicrograph(input);
            var micrograph = new ChainMicrograph(input.Name, image, ctfs is null ? null : ExtractVerb.Lookup(ctfs, input.Name));
            var picks = PickingChain.PickSingle(micrograph, options, fft);
            if (Joint(options))
                return new Stage1(input, micrograph, picks, null, null);
            var done = PickingChain.Combine([micrograph], [picks], options, fft).Micrographs[0];
            image.Dispose();
            return new Stage1(input, null, null, done, null);
        }
        catch (Exception e) when (e is ConcordException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            image?.Dispose();
            return new Stage1(input, null, null, null, e.Message);
        }
    }

    private static Image2D ReadMicrograph(CtfOutput.Input input)
    {
        if (!File.Exists(input.Path))
            throw new FileNotFoundException($"{input.Path}: no such file.", input.Path);
        using var reader = MrcReader.Open(input.Path);
        var image = reader.ReadImage(0);
        if (input.PixelSizeA is double a)
            image.PixelSizeA = a;
        return image;
    }

    /// <summary>Saves DIR/deep_consensus.model and counts what its scores kept among the coordinates with enough votes.</summary>
    private static DeepSummary DeepReport(DeepConsensusModel model, string dir, PickingChainOptions options, IReadOnlyList<ChainMicrographResult> results)
    {
        string path = Path.Combine(dir, DeepConsensusModel.DefaultFileName);
        model.Save(path);
        double t = options.DeepOptions.Threshold;
        int scored = results.Sum(r => r.DeepScores!.Length), kept = results.Sum(r => r.DeepScores!.Count(v => v >= t));
        var report = model.Training!;
        return new DeepSummary(path, t, report.Positives, report.Negatives, model.Classifier.ValidationAccuracy, kept, scored - kept);
    }

    private static void WriteOverlay(string dir, PickOutput.MicrographPicks picks, Stage1 r, double diameterA, int pickers)
    {
        using var image = r.Micrograph is null ? ReadMicrograph(r.Input) : null;
        var source = r.Micrograph?.Image ?? image!;
        PickOutput.WriteOverlay(dir, picks, source, diameterA / 2 / source.PixelSizeA, pickers);
    }

    /// <summary>The verb's argument and options.</summary>
    private sealed class Flags
    {
        public Argument<string[]> Micrographs { get; } = new("micrographs") { Description = "Micrograph MRC files, or micrograph STAR files (rlnMicrographName).", Arity = ArgumentArity.OneOrMore };
        public Option<string> Output { get; } = new("--out", "-o") { Description = "Output folder (created).", Required = true };
        public Option<double> Diameter { get; } = new("--diameter") { Description = "Particle diameter (Å).", Required = true };
        public Option<string> Method { get; } = new("--method") { Description = "log, template, learned, all (LoG + template + learned when --templates or --learned-model allow), or a comma list such as log,template.", DefaultValueFactory = _ => "log" };
        public Option<string?> Templates { get; } = new("--templates") { Description = "Template stack (MRC), protein bright (projections or class averages)." };
        public Option<string?> LearnedModel { get; } = new("--learned-model") { Description = "A learned-picker model (learned_picker.model written by an earlier pick) to use instead of training one on these micrographs." };
        public Option<bool> Consensus { get; } = new("--consensus") { Description = "Keep only coordinates found by --min-votes pickers (matching radius a quarter diameter)." };
        public Option<int?> MinVotes { get; } = new("--min-votes") { Description = "Votes a coordinate needs (default: 2, or 1 picker alone, with --consensus and no --deep-consensus; 1 otherwise: deep consensus decides over every candidate)." };
        public Option<bool> DeepConsensus { get; } = new("--deep-consensus") { Description = "Train a CNN on the coordinates every picker found (positives) against background (and, with --single-negatives, single picks), score every candidate, keep those scoring ≥ --threshold." };
        public Option<double> Threshold { get; } = new("--threshold") { Description = "Deep-consensus score a coordinate needs (0–1).", DefaultValueFactory = _ => 0.95 };
        public Option<int> RandomNegatives { get; } = new("--random-negatives") { Description = "Deep consensus: background positions per micrograph, a diameter from every candidate, trained as negatives.", DefaultValueFactory = _ => PickingChainOptions.DefaultDeepOptions.RandomNegativesPerMicrograph };
        public Option<bool> SingleNegatives { get; } = new("--single-negatives") { Description = "Deep consensus: also train on the coordinates only one picker found as negatives (the paper's set; at low SNR most are particles a weaker picker missed)." };
        public Option<int> SelfTraining { get; } = new("--self-training") { Description = "Deep consensus: retrain this many times with the candidates the last network scored ≥ --threshold added to the positives (0: train once).", DefaultValueFactory = _ => PickingChainOptions.DefaultDeepOptions.SelfTrainingRounds };
        public Option<bool> Clean { get; } = new("--clean") { Description = "Drop picks on contamination found by the micrograph cleaner." };
        public Option<string?> Ctf { get; } = new("--ctf") { Description = "Micrographs CTF STAR: the template picker multiplies each micrograph's CTF into the templates." };
        public Option<double?> PixelSize { get; } = new("--angpix") { Description = "Pixel size (Å); default: the MRC header, or the STAR file's optics group." };
        public Option<bool> NoPlots { get; } = new("--no-plots") { Description = "Skip the overlay PNGs." };

        public IEnumerable<Option> Options => [Output, Diameter, Method, Templates, LearnedModel, Consensus, MinVotes, DeepConsensus, Threshold, RandomNegatives, SingleNegatives, SelfTraining, Clean, Ctf, PixelSize, NoPlots];
    }
}
