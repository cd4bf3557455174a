using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.IO;
using Concord.IO.Mrc;
using Concord.Preprocess.Consensus;
using Concord.Preprocess.Methods.Gain;
using Concord.Preprocess.Methods.Motion;
using Concord.Protocols.Sets;
using Concord.Workflow.Protocols;

namespace Concord.Protocols.Protocols.Preprocess;

/// <summary>Parameters of <see cref="MotionCorrectProtocol"/>.</summary>
public sealed record MotionCorrectParameters : ProtocolParameters
{
    [Param("Patches", "Patches per axis for local motion (0: 5 for frames ≥ 1024 px, else 3; 1: global only).", Min = 0, Max = 64)]
    public int Patches { get; init; }

    [Param("B-factor", "Low-pass B-factor on the cross-correlation of whole frames.", Unit = "Å²", Min = 0, Max = 10_000)]
    public double BFactorA2 { get; init; } = 150;

    [Param("Binning", "Fourier binning of the output sums (1: none).", Min = 1, Max = 16)]
    public double Binning { get; init; } = 1;

    [Param("Dose weighting", "Write the dose-weighted sum (Grant & Grigorieff 2015) next to the plain sum.")]
    public bool DoseWeighting { get; init; } = true;

    [Param("Detect defects", "Find hot and dead pixels from each movie's own statistics and refill them.")]
    public bool DetectDefects { get; init; } = true;

    [Param("Max frame step", "Reject a movie when two consecutive frames move more than this.", Unit = "Å", Min = 0.01, Max = 10_000)]
    public double MaxFrameShiftA { get; init; } = 5;

    [Param("Max trajectory", "Reject a movie whose trajectory is longer than this in total.", Unit = "Å", Min = 0.01, Max = 100_000)]
    public double MaxTrajectoryLengthA { get; init; } = 15;

    [Param("Threads per movie", "Threads inside one movie; movies themselves run in parallel (--threads).", Min = 1, Max = 1024)]
    public int ThreadsPerMovie { get; init; } = 1;
}

/// <summary>
/// Movies to micrographs: per movie (in parallel, each committed on its own) gain and defect correction, global and
/// local alignment, the aligned and dose-weighted sums (<see cref="MotionCorrector"/>), then the drift sanity check
/// (<see cref="DriftSanityCheck"/>, after Scipion's movie max-shift): accepted movies go to <c>micrographs</c>, the
/// others to <c>rejected</c> with the reason. Simulated movies carry their true trajectory, and the RMS error of the
/// estimate is recorded per micrograph and summarised in the report <c>motion</c>.
/// </summary>
public sealed class MotionCorrectProtocol : Protocol<MotionCorrectParameters>
{
    /// <summary>RELION splits accumulated motion into early (frames within the first 4 e/Å²) and late.</summary>
    public const double EarlyDoseEA2 = 4;

    public static InputPort<MovieRow> Movies { get; } = new("movies", EmKinds.Movie, "raw movies");
    public static OutputPort<CorrectedMicrographRow> Micrographs { get; } = new("micrographs", EmKinds.CorrectedMicrograph, "movies that pass the drift check");
    public static OutputPort<CorrectedMicrographRow> Rejected { get; } = new("rejected", EmKinds.CorrectedMicrograph, "movies the drift check rejects, with the reason");

    public override string Name => "motion.correct";
    public override string Summary => "Align movie frames (gain, defects, global + local motion, dose weighting) and reject erratic drift.";
    public override IReadOnlyList<InputPort> Inputs => [Movies];
    public override IReadOnlyList<OutputPort> Outputs => [Micrographs, Rejected];

    protected override IReadOnlyList<Step> Steps(MotionCorrectParameters parameters) =>
    [
        new ItemStep<MovieRow>("align", Movies, item => Correct(parameters, item)),
        new SetStep("summary", Summarise),
    ];

    private static void Correct(MotionCorrectParameters p, ItemContext<MovieRow> item)
    {
        var movie = item.Row;
        using var frames = ReadFrames(item.Resolve(movie.Path), movie.PixelSizeA);
        using var gain = movie.GainPath is null ? null : ReadImage(item.Resolve(movie.GainPath));
        int patches = p.Patches > 0 ? p.Patches : frames.Width >= 1024 ? 5 : 3;
        var options = new MotionCorrectionOptions
        {
            BFactorA2 = p.BFactorA2,
            PatchesX = patches,
            PatchesY = patches,
            BinningFactor = p.Binning,
            DosePerFrameEA2 = p.DoseWeighting ? movie.DosePerFrameEA2 : 0,
            VoltageKv = movie.VoltageKv,
            MaxDegreeOfParallelism = p.ThreadsPerMovie,
        };
        // Estimate-planned FFTW (or the managed fallback): cheap to create per movie and identical from run to run.
        using var fft = FftBackends.CreateDeterministic(p.ThreadsPerMovie);
        using var result = new MotionCorrector(fft, options).Run(frames, new GainCorrectionSettings(Gain: gain, DetectDefects: p.DetectDefects),
            cancellationToken: item.Cancellation);
        var sum = item.NewFile($"{item.Key}.mrc");
        MrcWriter.Write(sum.TempPath, result.AlignedSum);
        PendingFile? weighted = null;
        if (result.DoseWeightedSum is { } dw)
        {
            weighted = item.NewFile($"{item.Key}_dw.mrc");
            MrcWriter.Write(weighted.TempPath, dw);
        }
        var shifts = item.NewFile($"{item.Key}_shifts.star");
        MotionStar.WriteGlobalShifts(shifts.TempPath, result.Trajectory);
        var trajectory = result.Trajectory;
        var verdict = DriftSanityCheck.Evaluate(item.Key, trajectory, new DriftSanityOptions(p.MaxFrameShiftA, p.MaxTrajectoryLengthA));
        var (early, late) = MotionStar.EarlyLate(trajectory, movie.DosePerFrameEA2, EarlyDoseEA2);
        double? truthError = movie.TruthMotionPath is null ? null : MotionStar.RmsErrorPx(trajectory, item.Resolve(movie.TruthMotionPath));
        var row = new CorrectedMicrographRow(movie.Path, sum.RelativePath, weighted?.RelativePath, shifts.RelativePath, result.AlignedSum.PixelSizeA,
            trajectory.Frames, trajectory.AccumulatedMotionA, early, late, verdict.MaxFrameShiftA, truthError,
            movie.VoltageKv, movie.SphericalAberrationMm, movie.AmplitudeContrast, movie.OpticsGroup, movie.PixelSizeA);
        if (verdict.Accepted)
            item.Emit(Micrographs, row);
        else
            item.Emit(Rejected, row, "drift: " + verdict.Reason);
    }

    private static void Summarise(StepContext context)
    {
        var kept = context.ReadOutput(Micrographs);
        var rejected = context.ReadOutput(Rejected);
        // Accuracy is scored on the movies the sanity check keeps; every kept movie has the same weight per frame.
        var scored = kept.Where(r => r.Row.TruthRmsErrorPx is not null).ToList();
        double? rms = scored.Count == 0 ? null
            : Reconstruct.ReconstructProtocol.Finite(Math.Sqrt(scored.Sum(r => r.Row.TruthRmsErrorPx!.Value * r.Row.TruthRmsErrorPx.Value * r.Row.Frames) / scored.Sum(r => r.Row.Frames)));
        context.Report("motion", new MotionReport(kept.Count, rejected.Count, rms, scored.Count,
            kept.Count == 0 ? 0 : kept.Average(r => r.Row.TotalMotionA),
            rejected.Select(r => new RejectedMovie(r.Key, r.Reason ?? "")).ToList()));
    }

    private static ImageStack ReadFrames(string path, double pixelSizeA)
    {
        using var source = ImageFiles.OpenImages(path, pixelSizeA);
        var stack = ImageStack.CreateUninitialized(source.Width, source.Height, source.Count, pixelSizeA);
        for (int f = 0; f < source.Count; f++)
            source.Read(f, stack.Slice(f));
        return stack;
    }

    private static Image2D ReadImage(string path)
    {
        using var reader = MrcReader.Open(path);
        return reader.ReadImage(0);
    }
}

/// <summary>The <c>motion</c> report: counts, accuracy against truth when known, and every rejection.</summary>
public sealed record MotionReport(int Kept, int Rejected, double? TruthRmsErrorPx, int ScoredMovies, double MeanTotalMotionA, IReadOnlyList<RejectedMovie> Rejections);

/// <summary>A rejected movie and why.</summary>
public sealed record RejectedMovie(string Movie, string Reason);
