using System.CommandLine;
using System.Diagnostics;
using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Ctf;
using Concord.Ctf.Consensus;
using Concord.IO.Mrc;
using Concord.IO.Star;
using Concord.Protocols.Protocols.Ctf;

namespace Concord.Cli.Verbs;

/// <summary>
/// `concord ctf MICROGRAPHS... -o DIR`: CTF estimation of each micrograph with one or two estimators, a STAR table of
/// all estimates, diagnostic PNGs, and with --consensus the accepted and rejected micrographs with a reason per row.
/// </summary>
public sealed class CtfVerb : IVerb
{
    public sealed record Failure(string Micrograph, string Error);

    public sealed record Summary(int Micrographs, int Estimated, IReadOnlyList<string> Methods, string CtfStar, string? AcceptedStar, string? RejectedStar,
        int? Accepted, int? Rejected, IReadOnlyDictionary<string, int>? RejectionCounts, IReadOnlyList<Failure> Failures,
        IReadOnlyList<CtfOutput.Row> Estimates, double Seconds);

    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var flags = new Flags();
        var command = new Command("ctf", """
            Estimate the CTF of micrographs: the periodogram method (a, after CTFFIND4) and/or the parametric method
            (b, after Xmipp). Writes DIR/micrographs_ctf.star (RELION columns of the first method's estimates, one
            block per further method), diagnostic PNGs in DIR/plots (spectrum | model, and the 1D fit), and with
            --consensus DIR/accepted_micrographs.star and DIR/rejected_micrographs.star (rlnConcordRejectionReason).
            A micrograph that fails is reported and the others continue.

            Examples:
              concord ctf MotionCorr/job002/corrected_micrographs.star -o CtfFind/job003 --voltage 300 --cs 2.7 --amplitude-contrast 0.1
              concord ctf mics/*.mrc -o ctf --angpix 1.06 --method both --consensus --threads 8 --json
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
        var settings = flags.Settings(parse);
        var selection = flags.Selection(parse);
        var methods = MethodNames(parse.GetValue(flags.Method)!);
        var inputs = CtfOutput.ResolveInputs(parse.GetValue(flags.Micrographs)!, parse.GetValue(flags.PixelSize));
        string dir = parse.GetValue(flags.Output)!;
        Directory.CreateDirectory(dir);
        using var fft = FftBackends.Create(maxDegreeOfParallelism: 1);
        var estimators = methods.Select(m => CtfEstimators.Create(m, fft)).ToArray();
        bool plots = !parse.GetValue(flags.NoPlots);
        var results = ctx.WithProgress("ctf", progress => Estimate(inputs, estimators, settings, fft, dir, plots, ctx, progress));
        var estimated = results.Where(r => r.Estimates is not null).ToList();
        var failures = results.Where(r => r.Error is not null).Select(r => new Failure(r.Input.Name, r.Error!)).ToList();
        foreach (var f in failures)
            ctx.Error.WriteLine($"error: {f.Micrograph}: {f.Error}");
        if (estimated.Count == 0)
            throw new ConcordException($"no micrograph could be estimated ({failures.Count} failed).");

        string ctfStar = Path.Combine(dir, "micrographs_ctf.star");
        var optics = CtfOptics.Of(settings, estimated[0].PixelSizeA);
        CtfFiles.WriteEstimates(ctfStar, CtfOutput.Estimated(estimated), methods, optics);
        string? acceptedStar = null, rejectedStar = null;
        CtfConsensusResult? decision = null;
        if (parse.GetValue(flags.Consensus))
        {
            decision = CtfConsensus.Run(estimated.Select(r => new CtfConsensusInput(r.Input.Name, r.Estimates!, r.PixelSizeA, r.BoxSize)), selection);
            acceptedStar = Path.Combine(dir, "accepted_micrographs.star");
            rejectedStar = Path.Combine(dir, "rejected_micrographs.star");
            CtfFiles.WriteSelection(acceptedStar, decision.Accepted, optics);
            CtfFiles.WriteSelection(rejectedStar, decision.Rejected, optics);
        }
        var summary = new Summary(inputs.Count, estimated.Count, methods, ctfStar, acceptedStar, rejectedStar, decision?.Accepted.Count, decision?.Rejected.Count,
            decision?.RejectionCounts.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value), failures,
            estimated.SelectMany(CtfOutput.Rows).ToList(), clock.Elapsed.TotalSeconds);
        ctx.WriteJsonSummary(summary);
        ctx.Say($"{estimated.Count} of {inputs.Count} micrographs estimated ({string.Join(" + ", methods)}) in {summary.Seconds:F1} s: {ctfStar}");
        if (decision is not null)
        {
            ctx.Say($"accepted {decision.Accepted.Count}, rejected {decision.Rejected.Count}");
            foreach (var (kind, count) in decision.RejectionCounts.Where(kv => kv.Value > 0))
                ctx.Say($"  {kind}: {count}");
        }
        return VerbAction.Success;
    }

    /// <summary>The verb's argument and options, and the settings records they make.</summary>
    private sealed class Flags
    {
        public Argument<string[]> Micrographs { get; } = new("micrographs") { Description = "Micrograph MRC files, or micrograph STAR files (rlnMicrographName, e.g. corrected_micrographs.star).", Arity = ArgumentArity.OneOrMore };
        public Option<string> Output { get; } = new("--out", "-o") { Description = "Output folder (created).", Required = true };
        public Option<double> Voltage { get; } = new("--voltage") { Description = "Acceleration voltage (kV).", DefaultValueFactory = _ => 300 };
        public Option<double> Cs { get; } = new("--cs") { Description = "Spherical aberration (mm).", DefaultValueFactory = _ => 2.7 };
        public Option<double> AmplitudeContrast { get; } = new("--amplitude-contrast") { Description = "Amplitude contrast fraction.", DefaultValueFactory = _ => 0.1 };
        public Option<double?> PixelSize { get; } = new("--angpix") { Description = "Pixel size (Å); default: the MRC header, or the STAR file's optics group." };
        public Option<string> Method { get; } = new("--method") { Description = "a (periodogram, CTFFIND4-style), b (parametric, Xmipp-style) or both.", DefaultValueFactory = _ => "a" };
        public Option<bool> Consensus { get; } = new("--consensus") { Description = "Select micrographs: write accepted_micrographs.star and rejected_micrographs.star (reason per row)." };
        public Option<int> Tile { get; } = new("--tile") { Description = "Tile side for the averaged spectrum (px).", DefaultValueFactory = _ => 512 };
        public Option<double> FitLow { get; } = new("--fit-min-res") { Description = "Lowest resolution of the fit band (Å).", DefaultValueFactory = _ => 30 };
        public Option<double> FitHigh { get; } = new("--fit-max-res") { Description = "Highest resolution of the fit band (Å).", DefaultValueFactory = _ => 5 };
        public Option<double> DefocusMin { get; } = new("--defocus-min") { Description = "Smallest defocus searched (Å).", DefaultValueFactory = _ => 3000 };
        public Option<double> DefocusMax { get; } = new("--defocus-max") { Description = "Largest defocus searched (Å).", DefaultValueFactory = _ => 50000 };
        public Option<bool> PhaseShift { get; } = new("--phase-shift") { Description = "Also fit a phase-plate phase shift." };
        public Option<double> MaxResolution { get; } = new("--max-resolution") { Description = "Consensus: reject when the fit holds only to worse than this (Å).", DefaultValueFactory = _ => 5 };
        public Option<double> MinFit { get; } = new("--min-fit") { Description = "Consensus: reject below this fit correlation.", DefaultValueFactory = _ => 0.1 };
        public Option<double> Agreement { get; } = new("--agreement") { Description = "Consensus: reject when two estimates agree only to worse than this (Å).", DefaultValueFactory = _ => 4 };
        public Option<double> MaxAstigmatism { get; } = new("--max-astigmatism") { Description = "Consensus: reject above this astigmatism |U − V| (Å).", DefaultValueFactory = _ => 2000 };
        public Option<double> MaxIceRing { get; } = new("--max-ice-ring") { Description = "Consensus: reject above this ice-ring band ratio.", DefaultValueFactory = _ => 1.5 };
        public Option<double> AcceptDefocusMin { get; } = new("--accept-defocus-min") { Description = "Consensus: reject below this mean defocus (Å).", DefaultValueFactory = _ => 3000 };
        public Option<double> AcceptDefocusMax { get; } = new("--accept-defocus-max") { Description = "Consensus: reject above this mean defocus (Å).", DefaultValueFactory = _ => 40000 };
        public Option<bool> NoPlots { get; } = new("--no-plots") { Description = "Skip the diagnostic PNGs." };

        public IEnumerable<Option> Options =>
        [
            Output, Voltage, Cs, AmplitudeContrast, PixelSize, Method, Consensus, Tile, FitLow, FitHigh, DefocusMin, DefocusMax, PhaseShift,
            MaxResolution, MinFit, Agreement, MaxAstigmatism, MaxIceRing, AcceptDefocusMin, AcceptDefocusMax, NoPlots,
        ];

        /// <summary>Estimation settings; each micrograph is estimated on one thread (micrographs run in parallel).</summary>
        public CtfEstimationSettings Settings(ParseResult parse) => new()
        {
            VoltageKv = parse.GetValue(Voltage),
            SphericalAberrationMm = parse.GetValue(Cs),
            AmplitudeContrast = parse.GetValue(AmplitudeContrast),
            TileSizePx = parse.GetValue(Tile),
            MinResolutionA = parse.GetValue(FitLow),
            MaxResolutionA = parse.GetValue(FitHigh),
            MinDefocusA = parse.GetValue(DefocusMin),
            MaxDefocusA = parse.GetValue(DefocusMax),
            FitPhaseShift = parse.GetValue(PhaseShift),
            MaxDegreeOfParallelism = 1,
        };

        /// <summary>Selection thresholds.</summary>
        public CtfConsensusSettings Selection(ParseResult parse) => new CtfConsensusSettings
        {
            MaxResolutionLimitA = parse.GetValue(MaxResolution),
            MinFitScore = parse.GetValue(MinFit),
            AgreementLimitA = parse.GetValue(Agreement),
            MaxAstigmatismA = parse.GetValue(MaxAstigmatism),
            MaxIceRingRatio = parse.GetValue(MaxIceRing),
            MinDefocusA = parse.GetValue(AcceptDefocusMin),
            MaxDefocusA = parse.GetValue(AcceptDefocusMax),
        }.Validate();
    }

    /// <summary>a → periodogram, b → parametric, both → both; full names are accepted too. Unknown names fail here, clearly.</summary>
    internal static IReadOnlyList<string> MethodNames(string method)
    {
        var names = method.ToLowerInvariant() switch
        {
            "a" => ["periodogram"],
            "b" => ["parametric"],
            "both" => new[] { "periodogram", "parametric" },
            var other => [other],
        };
        foreach (var name in names)
            if (!CtfEstimators.IsAvailable(name))
                throw new InvalidParameterException("--method", $"CTF method '{name}' ({method}) is not available in this build; available: {string.Join(", ", CtfEstimators.Names)}.");
        return names;
    }

    private static List<CtfOutput.Result> Estimate(IReadOnlyList<CtfOutput.Input> inputs, ICtfEstimator[] estimators, CtfEstimationSettings settings,
        IFftBackend fft, string dir, bool plots, VerbContext ctx, IProgress<WorkProgress> progress)
    {
        var results = new CtfOutput.Result[inputs.Count];
        int done = 0;
        Parallel.For(0, inputs.Count, ctx.ParallelOptions, i =>
        {
            results[i] = EstimateOne(inputs[i], estimators, settings, fft, dir, plots, ctx.Cancellation);
            progress.Report(new WorkProgress(Interlocked.Increment(ref done), inputs.Count, inputs[i].Name));
        });
        return results.ToList();
    }

    private static CtfOutput.Result EstimateOne(CtfOutput.Input input, ICtfEstimator[] estimators, CtfEstimationSettings settings, IFftBackend fft,
        string dir, bool plots, CancellationToken cancellation)
    {
        try
        {
            using var micrograph = ReadMicrograph(input);
            var estimates = new List<CtfEstimate>();
            foreach (var estimator in estimators)
                estimates.Add(estimator.Estimate(micrograph, estimates.Count == 0 ? settings : settings with { Start = estimates[0].Ctf }, cancellation));
            string? plot = plots ? CtfOutput.WritePlots(dir, input.Name, micrograph, estimates[0], settings, fft) : null;
            int box = Math.Min(settings.TileSizePx, Math.Min(micrograph.Width, micrograph.Height)) & ~1;
            return new CtfOutput.Result(input, estimates, micrograph.PixelSizeA, box, plot, null);
        }
        catch (Exception e) when (e is ConcordException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return new CtfOutput.Result(input, null, 0, 0, null, e.Message);
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
}
