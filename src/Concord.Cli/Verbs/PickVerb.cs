using System.CommandLine;
using System.Diagnostics;
using Concord.Core;
using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.IO.Mrc;
using Concord.Picking;
using Concord.Picking.Cleaning;
using Concord.Picking.Consensus;
using Concord.Picking.DeepConsensus;
using Concord.Picking.Methods.Log;
using Concord.Picking.Methods.Template;

namespace Concord.Cli.Verbs;

/// <summary>
/// `concord pick MICROGRAPHS... --diameter A -o DIR`: particle picking with the LoG and/or template pickers, optional
/// micrograph cleaning, coordinate consensus and deep consensus; writes RELION coordinate files, one table of all
/// coordinates, the rejected ones with a reason, and overlays. A micrograph that fails is reported and the others continue.
/// </summary>
public sealed class PickVerb : IVerb
{
    public sealed record Failure(string Micrograph, string Error);

    public sealed record DeepSummary(string Model, double Threshold, int Positives, int Negatives, double ValidationAccuracy, int Kept, int Rejected);

    public sealed record Summary(int Micrographs, int Picked, IReadOnlyList<string> Pickers, string? Skipped, IReadOnlyDictionary<string, int> PicksPerPicker,
        int? RemovedByCleaning, int Candidates, int RejectedByVotes, DeepSummary? DeepConsensus, int Kept, int Rejected, string CoordinatesStar,
        string RejectedStar, IReadOnlyList<Failure> Failures, double Seconds);

    /// <summary>One micrograph after picking, cleaning and the vote: its image (kept only for deep consensus), what each stage found, or an error.</summary>
    private sealed record Result(CtfOutput.Input Input, Image2D? Image, IReadOnlyDictionary<string, int> PerPicker, int Cleaned,
        ConsensusResult? Consensus, IReadOnlyList<PickOutput.Rejection> CleanedOut, string? Error);

    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var flags = new Flags();
        var command = new Command("pick", """
            Pick particles: LoG blob picking and/or template matching, optional contamination cleaning, coordinate
            consensus (votes of the pickers) and deep consensus (a CNN trained on agreed vs single picks, after Sanchez-
            Garcia et al. 2018). Writes DIR/coordinates.star (all micrographs), DIR/<mic>_autopick.star per micrograph
            (RELION coordinates), DIR/rejected_coordinates.star (rlnConcordRejectionReason) and DIR/plots/<mic>_picks.png.

            Examples:
              concord pick CtfFind/job003/micrographs_ctf.star --diameter 150 -o AutoPick/job004
              concord pick mics/*.mrc --diameter 80 --method all --templates refs.mrcs --consensus --deep-consensus --clean -o picks --json
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
        var (pickers, skipped) = Pickers(parse.GetValue(flags.Method)!, parse.GetValue(flags.Templates));
        if (skipped is not null)
            ctx.Error.WriteLine($"warning: {skipped}");
        bool deep = parse.GetValue(flags.DeepConsensus), consensus = parse.GetValue(flags.Consensus) || deep;
        if (deep && pickers.Count < 2)
            throw new InvalidParameterException("--deep-consensus", "needs at least two pickers (--method all with --templates).");
        int minVotes = parse.GetValue(flags.MinVotes) ?? (deep || !consensus ? 1 : pickers.Count);
        if (minVotes < 1 || minVotes > pickers.Count)
            throw new InvalidParameterException("--min-votes", $"must be 1–{pickers.Count}, got {minVotes}.");
        var inputs = CtfOutput.ResolveInputs(parse.GetValue(flags.Micrographs)!, parse.GetValue(flags.PixelSize));
        string dir = parse.GetValue(flags.Output)!;
        Directory.CreateDirectory(dir);
        using var fft = FftBackends.Create(maxDegreeOfParallelism: 1);
        var templates = parse.GetValue(flags.Templates) is { } t && pickers.Contains("template") ? ReadTemplates(t) : null;
        var ctfs = parse.GetValue(flags.Ctf) is { } ctfStar ? ExtractVerb.ReadCtf(ctfStar) : null;
        var settings = new Settings(diameterA, pickers, minVotes, parse.GetValue(flags.Clean), deep, templates, ctfs);
        Result[] results = [];
        try
        {
            results = ctx.WithProgress("pick", progress => PickAll(inputs, settings, fft, ctx, progress));
            return Finish(parse, ctx, flags, settings, results, dir, fft, skipped, clock);
        }
        finally
        {
            foreach (var r in results)
                r.Image?.Dispose();
            foreach (var image in templates ?? [])
                image.Dispose();
        }
    }

    private sealed record Settings(double DiameterA, IReadOnlyList<string> Pickers, int MinVotes, bool Clean, bool Deep, IReadOnlyList<Image2D>? Templates,
        IReadOnlyDictionary<string, CtfParameters>? Ctfs);

    private static int Finish(ParseResult parse, VerbContext ctx, Flags flags, Settings settings, IReadOnlyList<Result> results, string dir,
        IFftBackend fft, string? skipped, Stopwatch clock)
    {
        var picked = results.Where(r => r.Error is null).ToList();
        var failures = results.Where(r => r.Error is not null).Select(r => new Failure(r.Input.Name, r.Error!)).ToList();
        foreach (var f in failures)
            ctx.Error.WriteLine($"error: {f.Micrograph}: {f.Error}");
        if (picked.Count == 0)
            throw new ConcordException($"no micrograph could be picked ({failures.Count} failed).");
        DeepSummary? deepSummary = null;
        IReadOnlyList<double[]>? deepScores = null;
        if (settings.Deep)
        {
            var options = new DeepConsensusOptions
            {
                Threshold = parse.GetValue(flags.Threshold),
                RandomNegativesPerMicrograph = parse.GetValue(flags.RandomNegatives),
                MaxDegreeOfParallelism = ctx.Threads,
            };
            (deepSummary, deepScores) = RunDeep(picked, settings, options, dir, fft, ctx);
        }
        var micrographs = picked.Select((r, i) => Decide(r, deepScores?[i], deepSummary?.Threshold)).ToList();
        string coordinatesStar = Path.Combine(dir, "coordinates.star"), rejectedStar = Path.Combine(dir, "rejected_coordinates.star");
        PickOutput.WriteCoordinates(coordinatesStar, micrographs, settings.Deep);
        PickOutput.WriteRejected(rejectedStar, micrographs);
        bool plots = !parse.GetValue(flags.NoPlots);
        for (int i = 0; i < micrographs.Count; i++)
        {
            PickOutput.WriteAutopick(dir, micrographs[i]);
            if (plots)
                WriteOverlay(dir, micrographs[i], picked[i], settings);
        }
        var perPicker = settings.Pickers.ToDictionary(p => p, p => picked.Sum(r => r.PerPicker[p]));
        int candidates = picked.Sum(r => r.Consensus!.All.Count), byVotes = picked.Sum(r => r.Consensus!.Rejected.Count);
        var summary = new Summary(results.Count, picked.Count, settings.Pickers, skipped, perPicker, settings.Clean ? picked.Sum(r => r.Cleaned) : null,
            candidates, byVotes, deepSummary, micrographs.Sum(m => m.Kept.Count), micrographs.Sum(m => m.Rejected.Count), coordinatesStar, rejectedStar,
            failures, clock.Elapsed.TotalSeconds);
        ctx.WriteJsonSummary(summary);
        ctx.Say($"{picked.Count} of {results.Count} micrographs picked ({string.Join(" + ", settings.Pickers)}) in {summary.Seconds:F1} s: {coordinatesStar}");
        foreach (var (p, n) in perPicker)
            ctx.Say($"  {p}: {n} picks");
        if (settings.Clean)
            ctx.Say($"  cleaning removed {summary.RemovedByCleaning}");
        ctx.Say($"  {candidates} coordinates, {byVotes} below {settings.MinVotes} vote(s)");
        if (deepSummary is not null)
            ctx.Say($"  deep consensus (threshold {deepSummary.Threshold:0.00}): kept {deepSummary.Kept}, rejected {deepSummary.Rejected}; model {deepSummary.Model}");
        ctx.Say($"kept {summary.Kept}, rejected {summary.Rejected}");
        return VerbAction.Success;
    }

    /// <summary>--method to picker names; "all" drops the template picker (with the reason returned) when no templates were given.</summary>
    internal static (IReadOnlyList<string> Pickers, string? Skipped) Pickers(string method, string? templates) => method.ToLowerInvariant() switch
    {
        "log" => (["log"], null),
        "template" when templates is null => throw new InvalidParameterException("--method", "template picking needs --templates T.mrcs."),
        "template" => (["template"], null),
        "all" when templates is null => (["log"], "template picker skipped: no --templates given; picking with LoG only."),
        "all" => (["log", "template"], null),
        var other => throw new InvalidParameterException("--method", $"unknown picker '{other}'; use log, template or all."),
    };

    private static List<Image2D> ReadTemplates(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such file.", path);
        using var reader = MrcReader.Open(path);
        return Enumerable.Range(0, reader.ImageCount).Select(reader.ReadImage).ToList();
    }

    private static Result[] PickAll(IReadOnlyList<CtfOutput.Input> inputs, Settings settings, IFftBackend fft, VerbContext ctx, IProgress<WorkProgress> progress)
    {
        var results = new Result[inputs.Count];
        int done = 0;
        Parallel.For(0, inputs.Count, ctx.ParallelOptions, i =>
        {
            results[i] = PickOne(inputs[i], settings, fft);
            progress.Report(new WorkProgress(Interlocked.Increment(ref done), inputs.Count, inputs[i].Name));
        });
        return results;
    }

    private static Result PickOne(CtfOutput.Input input, Settings settings, IFftBackend fft)
    {
        Image2D? image = null;
        try
        {
            image = ReadMicrograph(input);
            using var work = WorkingMicrograph.Create(image, settings.DiameterA, fft);
            var sets = new List<PickSet>();
            foreach (string picker in settings.Pickers)
                sets.Add(new PickSet(picker, picker == "log"
                    ? new LogPicker(fft).Pick(work, new LogPickerOptions { DiameterA = settings.DiameterA })
                    : new TemplatePicker(fft).Pick(work, settings.Templates!, new TemplatePickerOptions
                    {
                        DiameterA = settings.DiameterA,
                        Ctf = settings.Ctfs is null ? null : ExtractVerb.Lookup(settings.Ctfs, input.Name),
                        MaxDegreeOfParallelism = 1,
                    })));
            var perPicker = sets.ToDictionary(s => s.Method, s => s.Picks.Count);
            var cleanedOut = new List<PickOutput.Rejection>();
            if (settings.Clean)
            {
                var mask = new MicrographCleaner(fft).Clean(image, new CleanerOptions { DiameterA = settings.DiameterA });
                foreach (var s in sets)
                    cleanedOut.AddRange(s.Picks.Where(p => mask.IsBad(p.XPx, p.YPx)).Select(p => new PickOutput.Rejection(
                        new PickOutput.Coordinate(p.XPx, p.YPx, p.Score, 1, s.Method, null), "in a contaminated region (micrograph cleaner)")));
                sets = sets.Select(s => s with { Picks = mask.Keep(s.Picks) }).ToList();
            }
            double radiusPx = settings.DiameterA / 2 / image.PixelSizeA / 2;
            var consensus = CoordinateConsensus.Run(sets, radiusPx, settings.MinVotes);
            var keep = settings.Deep ? image : null;
            if (!settings.Deep)
                image.Dispose();
            return new Result(input, keep, perPicker, cleanedOut.Count, consensus, cleanedOut, null);
        }
        catch (Exception e) when (e is ConcordException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            image?.Dispose();
            return new Result(input, null, new Dictionary<string, int>(), 0, null, [], e.Message);
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

    /// <summary>Trains on every micrograph's consensus, saves DIR/deep_consensus.model and scores every consensus coordinate.</summary>
    private static (DeepSummary, IReadOnlyList<double[]>) RunDeep(IReadOnlyList<Result> picked, Settings settings, DeepConsensusOptions options, string dir,
        IFftBackend fft, VerbContext ctx)
    {
        double threshold = options.Threshold;
        if (!(threshold >= 0 && threshold <= 1))
            throw new InvalidParameterException("--threshold", $"must be in [0, 1], got {threshold}.");
        var training = picked.Select(r => new DeepConsensusMicrograph(r.Image!, r.Consensus!)).ToList();
        var model = DeepConsensusTraining.Train(training, settings.DiameterA, options, fft, ctx.Cancellation);
        string path = Path.Combine(dir, DeepConsensusModel.DefaultFileName);
        model.Save(path);
        var scores = picked.Select(r => model.Score(r.Image!, Candidates(r.Consensus!), fft)).ToList();
        int kept = scores.Sum(s => s.Count(v => v >= threshold));
        var report = model.Training!;
        return (new DeepSummary(path, threshold, report.Positives, report.Negatives, model.Classifier.ValidationAccuracy, kept,
            scores.Sum(s => s.Length) - kept), scores);
    }

    private static List<Pick> Candidates(ConsensusResult consensus) =>
        consensus.All.Select(c => new Pick(c.XPx, c.YPx, c.Members.Average(m => m.Score))).ToList();

    /// <summary>Kept and rejected coordinates of one micrograph: the vote (or, with deep consensus, the classifier's score) decides.</summary>
    private static PickOutput.MicrographPicks Decide(Result r, double[]? deepScores, double? threshold)
    {
        var kept = new List<PickOutput.Coordinate>();
        var rejected = new List<PickOutput.Rejection>(r.CleanedOut);
        var all = r.Consensus!.All;
        var byVotes = r.Consensus.Rejected.ToDictionary(x => x.Coordinate, x => x.Reason);
        for (int i = 0; i < all.Count; i++)
        {
            var c = all[i];
            double? deep = deepScores?[i];
            var coordinate = new PickOutput.Coordinate(c.XPx, c.YPx, deep ?? c.Members.Average(m => m.Score), c.Votes, string.Join(",", c.Methods), deep);
            if (byVotes.TryGetValue(c, out var reason))
                rejected.Add(new PickOutput.Rejection(coordinate, reason));
            else if (deep < threshold)
                rejected.Add(new PickOutput.Rejection(coordinate, FormattableString.Invariant($"deep-consensus score {deep:0.000} < {threshold:0.00}")));
            else
                kept.Add(coordinate);
        }
        return new PickOutput.MicrographPicks(r.Input.Name, kept, rejected);
    }

    private static void WriteOverlay(string dir, PickOutput.MicrographPicks picks, Result r, Settings settings)
    {
        using var image = r.Image is null ? ReadMicrograph(r.Input) : null;
        var source = r.Image ?? image!;
        PickOutput.WriteOverlay(dir, picks, source, settings.DiameterA / 2 / source.PixelSizeA, settings.Pickers.Count);
    }

    /// <summary>The verb's argument and options.</summary>
    private sealed class Flags
    {
        public Argument<string[]> Micrographs { get; } = new("micrographs") { Description = "Micrograph MRC files, or micrograph STAR files (rlnMicrographName).", Arity = ArgumentArity.OneOrMore };
        public Option<string> Output { get; } = new("--out", "-o") { Description = "Output folder (created).", Required = true };
        public Option<double> Diameter { get; } = new("--diameter") { Description = "Particle diameter (Å).", Required = true };
        public Option<string> Method { get; } = new("--method") { Description = "log, template or all (LoG plus template when --templates is given).", DefaultValueFactory = _ => "log" };
        public Option<string?> Templates { get; } = new("--templates") { Description = "Template stack (MRC), protein bright (projections or class averages)." };
        public Option<bool> Consensus { get; } = new("--consensus") { Description = "Keep only coordinates found by --min-votes pickers (matching radius half a diameter)." };
        public Option<int?> MinVotes { get; } = new("--min-votes") { Description = "Votes a coordinate needs (default: all pickers with --consensus; 1 with --deep-consensus)." };
        public Option<bool> DeepConsensus { get; } = new("--deep-consensus") { Description = "Train a CNN on agreed (positive) vs single (negative) picks and keep coordinates it scores ≥ --threshold." };
        public Option<double> Threshold { get; } = new("--threshold") { Description = "Deep-consensus score a coordinate needs (0–1).", DefaultValueFactory = _ => 0.95 };
        public Option<int> RandomNegatives { get; } = new("--random-negatives") { Description = "Deep consensus: also train on this many background positions per micrograph that no picker chose (default 0: negatives are single picks only)." };
        public Option<bool> Clean { get; } = new("--clean") { Description = "Drop picks on contamination found by the micrograph cleaner." };
        public Option<string?> Ctf { get; } = new("--ctf") { Description = "Micrographs CTF STAR: the template picker multiplies each micrograph's CTF into the templates." };
        public Option<double?> PixelSize { get; } = new("--angpix") { Description = "Pixel size (Å); default: the MRC header, or the STAR file's optics group." };
        public Option<bool> NoPlots { get; } = new("--no-plots") { Description = "Skip the overlay PNGs." };

        public IEnumerable<Option> Options => [Output, Diameter, Method, Templates, Consensus, MinVotes, DeepConsensus, Threshold, RandomNegatives, Clean, Ctf, PixelSize, NoPlots];
    }
}
