using System.CommandLine;
using System.Diagnostics;
using Concord.Core;
using Concord.IO;
using Concord.IO.Mrc;
using Concord.Preprocess.Methods.Gain;

namespace Concord.Cli.Verbs;

/// <summary>`concord gain estimate MOVIES... -o gain.mrc [--check GAIN.mrc]`: a gain reference from the movies themselves, and a check of a supplied one.</summary>
public sealed class GainVerb : IVerb
{
    public sealed record Score(int GainRot, int GainFlip, string Orientation, double? Correlation);

    public sealed record CheckSummary(string Reference, string Supplied, bool SuppliedIsCorrect, int BestGainRot, int BestGainFlip, string Best, double BestCorrelation,
        IReadOnlyList<Score> Scores, string Message);

    public sealed record Summary(string Output, int Movies, long Frames, int Width, int Height, double MeanCountsPerPixel, double PoissonNoise,
        IReadOnlyList<string> Failed, CheckSummary? Check, double Seconds);

    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var movies = new Argument<string[]>("movies") { Description = "Raw (not gain-corrected) movies: MRC/MRCS, TIFF, wildcards or a movies STAR file.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Estimated gain reference (.mrc).", Required = true };
        var check = new Option<string?>("--check") { Description = "A gain reference to check against the estimate: which of the 8 orientations fits." };
        var gainRot = new Option<int>("--gain-rot") { Description = "The orientation you intend to use with --check: quarter turns clockwise (RELION --gain_rot)." };
        var gainFlip = new Option<string>("--gain-flip") { Description = "… and mirror: none, x or y (RELION --gain_flip 0/2/1).", DefaultValueFactory = _ => "none" };
        var estimate = new Command("estimate", """
            Estimate a counting camera's gain blindly from raw movies (Sorzano et al. 2018): over many frames of many
            movies the specimen averages out, so each pixel's mean count over its neighbourhood's robust mean is its
            relative sensitivity, and the gain is its reciprocal (0 where a pixel never counts). Twenty movies or more
            give a correlation with the true gain above 0.95. With --check, the supplied gain is compared in all 8
            orientations (RELION --gain_rot/--gain_flip) and the one that fits is named, with whether the orientation you
            gave (--gain-rot/--gain-flip) is right. Movies that cannot be read are reported and skipped.

            Examples:
              concord gain estimate sim/movies.star -o gain_estimate.mrc
              concord gain estimate 'Movies/*.tif' -o est.mrc --check gain.mrc --gain-rot 1 --gain-flip y --json
            """)
        { movies, output, check, gainRot, gainFlip };
        VerbAction.Bind(estimate, global, stdout, stderr, (parse, ctx) =>
        {
            var supplied = new GainOrientation(parse.GetValue(gainRot), MotionVerb.ParseFlip(parse.GetValue(gainFlip)!));
            var summary = Estimate(parse.GetValue(movies)!, parse.GetValue(output)!, parse.GetValue(check), supplied, ctx);
            ctx.WriteJsonSummary(summary);
            ctx.Say($"gain from {summary.Movies} movies ({summary.Frames} frames, {summary.MeanCountsPerPixel:F0} counts/px, Poisson limit {summary.PoissonNoise:P1}): {summary.Output}");
            if (summary.Check is { } c)
                ctx.Say(c.Message);
            return VerbAction.Success;
        });
        return new Command("gain", """
            Gain references: estimate one from the movies themselves, and check the orientation of a supplied one.

            Examples:
              concord gain estimate sim/movies.star -o gain_estimate.mrc
              concord gain estimate 'Movies/*.tif' -o est.mrc --check gain.mrc --json
            """) { estimate };
    }

    public static Summary Estimate(IReadOnlyList<string> arguments, string outputPath, string? checkPath, GainOrientation supplied, VerbContext ctx)
    {
        var clock = Stopwatch.StartNew();
        var failed = new List<string>();
        var inputs = MovieInputs.Resolve(arguments, failed);
        BlindGainEstimator? estimator = null;
        int used = 0;
        for (int i = 0; i < inputs.Count; i++)
        {
            ctx.Cancellation.ThrowIfCancellationRequested();
            try
            {
                using var source = MotionVerb.OpenMovie(inputs[i].Path);
                estimator ??= new BlindGainEstimator(source.Width, source.Height);
                if (source.Width != estimator.Width || source.Height != estimator.Height)
                    throw new ShapeMismatchException($"frames are {source.Width}×{source.Height} px, but the first movie's are {estimator.Width}×{estimator.Height} px.");
                var frame = new float[source.Width * source.Height];
                for (int f = 0; f < source.Count; f++)
                {
                    source.Read(f, frame);
                    estimator.Add(frame);
                }
                used++;
                ctx.Say($"[{i + 1}/{inputs.Count}] {inputs[i].ListedName}: {source.Count} frames");
            }
            catch (Exception e) when (e is ConcordException or IOException or UnauthorizedAccessException)
            {
                failed.Add($"{inputs[i].ListedName}: {e.Message}");
                ctx.Error.WriteLine($"error: {inputs[i].ListedName}: {e.Message}");
            }
        }
        if (estimator is null || used == 0)
            throw new InvalidParameterException("MOVIES", "no movie could be read, so there is nothing to estimate a gain from.");
        var estimate = estimator.Estimate();
        using var gain = estimate.Gain;
        using var sensitivity = estimate.Sensitivity;
        MrcWriter.Write(outputPath, gain);
        var checkSummary = checkPath is null ? null : Check(gain, checkPath, supplied);
        return new Summary(outputPath, used, estimate.Frames, estimator.Width, estimator.Height, estimate.MeanCountsPerPixel, estimate.PoissonNoise, failed,
            checkSummary, clock.Elapsed.TotalSeconds);
    }

    private static CheckSummary Check(Core.Imaging.Image2D blind, string referencePath, GainOrientation supplied)
    {
        using var reader = MrcReader.Open(referencePath);
        using var reference = reader.ReadImage(0);
        var report = GainOrientationCheck.Check(blind, reference, supplied);
        var scores = report.Scores.Select(s => new Score(s.Orientation.QuarterTurns, (int)s.Orientation.Flip, s.Orientation.ToString(),
            double.IsNaN(s.Correlation) ? null : s.Correlation)).ToList();
        var best = report.Best.Orientation;
        return new CheckSummary(referencePath, supplied.ToString(), report.SuppliedIsCorrect, best.QuarterTurns, (int)best.Flip, best.ToString(),
            report.Best.Correlation, scores, report.Message);
    }
}
