using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.IO;
using Concord.IO.Mrc;
using Concord.IO.Relion;
using Concord.Preprocess.Consensus;
using Concord.Preprocess.Methods.Gain;
using Concord.Preprocess.Methods.Motion;

namespace Concord.Cli.Verbs;

/// <summary>
/// `concord motion MOVIES... -o DIR`: movies to micrographs, written as RELION's motion correction writes them
/// (aligned and dose-weighted sums, per-movie motion STAR, corrected_micrographs.star), with a drift sanity check that
/// rejects movies with a reason (rejected_movies.star).
/// </summary>
public sealed class MotionVerb : IVerb
{
    /// <summary>What happened to one movie: corrected (in corrected_micrographs.star), rejected (drift check) or failed (bad input).</summary>
    public sealed record MovieResult(string Movie, string Status, string? Micrograph, string? Metadata, double? AccumMotionTotalA, double? MaxFrameShiftA,
        int? Iterations, string? Reason, double Seconds);

    public sealed record Summary(string OutputDirectory, int Movies, int Corrected, int Rejected, int Failed, string CorrectedMicrographs,
        string RejectedMovies, IReadOnlyList<MovieResult> Results, double Seconds);

    /// <summary>Everything the command line asks for, parsed and checked.</summary>
    public sealed record Settings(string OutputDirectory, string? GainPath, GainOrientation GainOrientation, int PatchesX, int PatchesY, double DosePerFrameEA2,
        double PreExposureEA2, double? VoltageKv, double Binning, double? AngpixA, DriftSanityOptions Drift);

    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var movies = new Argument<string[]>("movies") { Description = "Movies: MRC/MRCS or TIFF files, wildcards, or a RELION movies STAR file.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Output folder (created).", Required = true };
        var gain = new Option<string?>("--gain") { Description = "Gain reference (MRC), multiplied into every frame." };
        var gainRot = new Option<int>("--gain-rot") { Description = "Turn the gain this many quarter turns clockwise first (RELION --gain_rot: 0–3)." };
        var gainFlip = new Option<string>("--gain-flip") { Description = "Then mirror it: none, x (left to right) or y (upside down), as RELION --gain_flip 0/2/1.", DefaultValueFactory = _ => "none" };
        var patches = new Option<string>("--patches") { Description = "Patches for local motion, e.g. 5x5; 1x1 turns local alignment off.", DefaultValueFactory = _ => "5x5" };
        var dose = new Option<double>("--dose-per-frame") { Description = "e/Å² per frame; > 0 writes a dose-weighted sum (and <movie>_noDW.mrc)." };
        var pre = new Option<double>("--pre-exposure") { Description = "e/Å² before the first frame." };
        var voltage = new Option<double?>("--voltage") { Description = "kV for dose weighting (default: the STAR optics group, else 300)." };
        var bin = new Option<double>("--bin") { Description = "Fourier binning of the sums (≥ 1, may be fractional).", DefaultValueFactory = _ => 1 };
        var angpix = new Option<double?>("--angpix") { Description = "Pixel size in Å (default: the STAR optics group, else the movie header)." };
        var maxStep = new Option<double>("--max-frame-shift") { Description = "Drift check: reject a movie whose frame-to-frame step exceeds this (Å).", DefaultValueFactory = _ => 5 };
        var maxTotal = new Option<double>("--max-total-drift") { Description = "Drift check: reject a movie whose trajectory is longer than this (Å).", DefaultValueFactory = _ => 15 };
        var command = new Command("motion", """
            Motion-correct movies into micrographs as RELION's own motion correction does: gain and defect correction,
            global alignment of every frame, a local (patch) model, the aligned sum, the dose-weighted sum (Grant &
            Grigorieff 2015) when --dose-per-frame is given, the power spectrum, a trajectory plot and RELION's per-movie
            motion STAR. A drift sanity check rejects movies that jump or drift too far; they are listed with the reason
            in rejected_movies.star and left out of corrected_micrographs.star. A movie that cannot be read (wrong size
            for the gain, truncated, no frames) gets an error line and is listed as failed; the others still run. The
            exit code is non-zero only when every movie failed.

            Examples:
              concord motion sim/movies.star -o MotionCorr --gain sim/gain.mrc --dose-per-frame 2.5
              concord motion 'Movies/*.tif' -o mc --gain gain.mrc --gain-rot 1 --gain-flip y --patches 5x5 --bin 2 --angpix 0.83 --threads 8 --json
            """)
        { movies, output, gain, gainRot, gainFlip, patches, dose, pre, voltage, bin, angpix, maxStep, maxTotal };
        VerbAction.Bind(command, global, stdout, stderr, (parse, ctx) =>
        {
            var (px, py) = ParsePatches(parse.GetValue(patches)!);
            var settings = new Settings(parse.GetValue(output)!, parse.GetValue(gain), new GainOrientation(parse.GetValue(gainRot), ParseFlip(parse.GetValue(gainFlip)!)),
                px, py, parse.GetValue(dose), parse.GetValue(pre), parse.GetValue(voltage), parse.GetValue(bin), parse.GetValue(angpix),
                new DriftSanityOptions(parse.GetValue(maxStep), parse.GetValue(maxTotal)));
            var summary = Run(parse.GetValue(movies)!, settings, ctx);
            ctx.WriteJsonSummary(summary);
            ctx.Say($"{summary.Movies} movies: {summary.Corrected} corrected, {summary.Rejected} rejected by the drift check, {summary.Failed} failed, in {summary.Seconds:F1} s");
            ctx.Say($"  {summary.CorrectedMicrographs}");
            ctx.Say($"  {summary.RejectedMovies}");
            return summary.Movies > 0 && summary.Failed == summary.Movies ? VerbAction.BadInput : VerbAction.Success;
        });
        return command;
    }

    /// <summary>Corrects every movie; a movie that fails is reported and listed, never stops the others.</summary>
    public static Summary Run(IReadOnlyList<string> arguments, Settings settings, VerbContext ctx)
    {
        var clock = Stopwatch.StartNew();
        Validate(settings);
        Directory.CreateDirectory(settings.OutputDirectory);
        var problems = new List<string>();
        var inputs = MovieInputs.Resolve(arguments, problems);
        foreach (string p in problems)
            ctx.Error.WriteLine($"error: {p}");
        using var gain = settings.GainPath is null ? null : ReadGain(settings.GainPath);
        using var fft = new FftwBackend(FftwPlanRigor.Estimate, ctx.Threads);
        var writer = new MotionOutputWriter(settings);
        var results = new List<MovieResult>();
        for (int i = 0; i < inputs.Count; i++)
        {
            ctx.Cancellation.ThrowIfCancellationRequested();
            var result = ProcessMovie(inputs[i], $"{i + 1}/{inputs.Count}", settings, gain, fft, writer, ctx);
            results.Add(result);
            string line = result.Status switch
            {
                "corrected" => $"[{i + 1}/{inputs.Count}] {inputs[i].ListedName}: corrected, {result.AccumMotionTotalA:F2} Å of motion, {result.Seconds:F1} s",
                "rejected" => $"[{i + 1}/{inputs.Count}] {inputs[i].ListedName}: rejected: {result.Reason}",
                _ => $"error: {inputs[i].ListedName}: {result.Reason}",
            };
            if (result.Status == "failed")
                ctx.Error.WriteLine(line);
            else
                ctx.Say(line);
        }
        results.AddRange(problems.Select(p => new MovieResult(p.Split(':')[0], "failed", null, null, null, null, null, p, 0)));
        var (corrected, rejected) = writer.WriteTables();
        return new Summary(settings.OutputDirectory, results.Count, results.Count(r => r.Status == "corrected"), results.Count(r => r.Status == "rejected"),
            results.Count(r => r.Status == "failed"), corrected, rejected, results, clock.Elapsed.TotalSeconds);
    }

    private static MovieResult ProcessMovie(MovieInput input, string position, Settings settings, Image2D? gain, IFftBackend fft, MotionOutputWriter writer, VerbContext ctx)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var source = OpenMovie(input.Path);
            double pixelSizeA = settings.AngpixA ?? input.PixelSizeA ?? PixelSizeFromHeader(source);
            double voltageKv = settings.VoltageKv ?? input.VoltageKv ?? 300;
            var frames = new MovieFrames(source.Width, source.Height, source.Count, pixelSizeA, source.Read);
            var options = new MotionCorrectionOptions
            {
                PatchesX = settings.PatchesX,
                PatchesY = settings.PatchesY,
                DosePerFrameEA2 = settings.DosePerFrameEA2,
                PreExposureEA2 = settings.PreExposureEA2,
                VoltageKv = voltageKv,
                BinningFactor = settings.Binning,
                MaxDegreeOfParallelism = ctx.Threads,
            };
            var gainSettings = new GainCorrectionSettings(Gain: gain, Orientation: settings.GainOrientation, DetectDefects: true);
            using var result = ctx.WithProgress($"motion {input.Stem} ({position})", p => new MotionCorrector(fft, options).Run(frames, gainSettings, p, ctx.Cancellation));
            var verdict = DriftSanityCheck.Evaluate(input.ListedName, result.Trajectory, settings.Drift);
            var written = writer.Write(input, result, source.Width, source.Height, source.Count, pixelSizeA, voltageKv, verdict);
            return new MovieResult(input.ListedName, verdict.Accepted ? "corrected" : "rejected", written.Micrograph, written.Metadata,
                result.Trajectory.AccumulatedMotionA, verdict.MaxFrameShiftA, result.GlobalIterations, verdict.Accepted ? null : verdict.Reason, clock.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (e is ConcordException or IOException or UnauthorizedAccessException)
        {
            writer.AddFailed(input, e.Message);
            return new MovieResult(input.ListedName, "failed", null, null, null, null, null, e.Message, clock.Elapsed.TotalSeconds);
        }
    }

    /// <summary>
    /// Opens a movie, saying plainly when it has no frames: an MRC header with NZ = 0 would otherwise be reported as
    /// "dimensions must be positive".
    /// </summary>
    internal static IImageSource OpenMovie(string path)
    {
        if (ImageFiles.Detect(path) == FileFormat.Mrc && File.Exists(path))
        {
            Span<byte> head = stackalloc byte[12];
            using (var stream = File.OpenRead(path))
                stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            if (System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(head[8..]) == 0)
                throw new InvalidDimensionsException($"{path} has no frames (its MRC header says NZ = 0).");
        }
        var source = ImageFiles.OpenImages(path);
        if (source.Count == 0)
        {
            source.Dispose();
            throw new InvalidDimensionsException($"{path} has no frames.");
        }
        return source;
    }

    /// <summary>MRC headers carry a pixel size; TIFF movies do not, and a guess would silently scale every Å setting.</summary>
    private static double PixelSizeFromHeader(IImageSource source)
    {
        if (ImageFiles.Detect(source.Path) == FileFormat.Tiff)
            throw new InvalidParameterException("--angpix", $"{source.Path} is a TIFF movie, which records no pixel size: give --angpix or a movies STAR file with an optics group.");
        if (ImageFiles.Detect(source.Path) == FileFormat.Mrc)
        {
            using var reader = MrcReader.Open(source.Path);
            if (reader.Header.PixelSizeA is null)
                throw new InvalidParameterException("--angpix", $"{source.Path} has no pixel size in its header: give --angpix.");
        }
        return source.PixelSizeA;
    }

    private static Image2D ReadGain(string path)
    {
        using var reader = MrcReader.Open(path);
        return reader.ReadImage(0);
    }

    private static void Validate(Settings s)
    {
        s.Drift.Validate();
        if (!(s.Binning >= 1) || double.IsInfinity(s.Binning))
            throw new InvalidParameterException("--bin", $"must be a finite factor ≥ 1, got {s.Binning}.");
        if (!(s.DosePerFrameEA2 >= 0) || double.IsInfinity(s.DosePerFrameEA2))
            throw new InvalidParameterException("--dose-per-frame", $"must be ≥ 0 e/Å², got {s.DosePerFrameEA2}.");
        if (!(s.PreExposureEA2 >= 0) || double.IsInfinity(s.PreExposureEA2))
            throw new InvalidParameterException("--pre-exposure", $"must be ≥ 0 e/Å², got {s.PreExposureEA2}.");
        if (s.AngpixA is double a && !(a > 0 && double.IsFinite(a)))
            throw new InvalidParameterException("--angpix", $"must be a positive number of Å, got {a}.");
        if (s.VoltageKv is double kv)
            DoseWeighting.VoltageScale(kv);
        if (s.GainPath is not null && !File.Exists(s.GainPath))
            throw new FileNotFoundException($"{s.GainPath}: no such gain reference.", s.GainPath);
    }

    internal static (int X, int Y) ParsePatches(string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int x)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int y) && x is >= 1 and <= 64 && y is >= 1 and <= 64)
            return (x, y);
        throw new InvalidParameterException("--patches", $"must be NxM with 1–64 patches per axis (e.g. 5x5), got '{text}'.");
    }

    internal static GainFlip ParseFlip(string text) => text.ToLowerInvariant() switch
    {
        "none" or "0" => GainFlip.None,
        "y" or "1" => GainFlip.FlipY,
        "x" or "2" => GainFlip.FlipX,
        _ => throw new InvalidParameterException("--gain-flip", $"must be none, x or y (RELION 0, 2, 1), got '{text}'."),
    };
}
