using Concord.Core;
using Concord.Core.Imaging;

namespace Concord.Preprocess.Methods.Gain;

/// <summary>What to apply to raw frames before alignment.</summary>
/// <param name="Gain">Gain reference, multiplied into each frame (RELION and MotionCor2 convention); null for none.</param>
/// <param name="Dark">Dark reference, subtracted before the gain is applied; null for none. It is oriented like the gain.</param>
/// <param name="Orientation">Rotation then flip that turns the stored gain (and dark) into the frames' orientation.</param>
/// <param name="Defects">Defects to repair after the gain; pixels with a gain ≤ 0 or not finite are always added.</param>
/// <param name="Replacement">How defective pixels are refilled.</param>
/// <param name="DetectDefects">When no <paramref name="Defects"/> are given, find them from the statistics of the
/// movie itself (<see cref="DefectDetector"/> on the sum of its dark- and gain-corrected frames).</param>
public sealed record GainCorrectionSettings(
    Image2D? Gain = null,
    Image2D? Dark = null,
    GainOrientation Orientation = default,
    DefectMap? Defects = null,
    DefectReplacement Replacement = DefectReplacement.NeighbourMedian,
    bool DetectDefects = false);

/// <summary>
/// Gain and defect correction of movie frames: frame ← (raw − dark) × gain, then defective pixels refilled from their
/// neighbours (<see cref="DefectMap"/>). Frames are corrected in parallel, each independently.
/// </summary>
public static class GainCorrection
{
    /// <summary>
    /// The gain (or dark) turned by <paramref name="orientation"/>, checked against the frame size. Throws
    /// <see cref="ShapeMismatchException"/> naming both sizes when they differ.
    /// </summary>
    public static Image2D Orient(Image2D reference, GainOrientation orientation, int frameWidth, int frameHeight, string what = "gain reference")
    {
        var (w, h) = orientation.OrientedSize(reference.Width, reference.Height);
        if (w != frameWidth || h != frameHeight)
        {
            throw new ShapeMismatchException(
                $"The {what} is {reference.Width}×{reference.Height} px ({w}×{h} after {orientation}), but the movie frames are {frameWidth}×{frameHeight} px.");
        }
        return orientation.Apply(reference);
    }

    /// <summary>Corrects every frame of <paramref name="movie"/> in place.</summary>
    public static void Apply(ImageStack movie, GainCorrectionSettings settings, int maxDegreeOfParallelism = -1, IProgress<WorkProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        using var prepared = Prepare(WithDetectedDefects(movie, settings), movie.Width, movie.Height);
        int done = 0;
        Parallel.For(0, movie.Count, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken }, f =>
        {
            prepared.Correct(movie.Slice(f));
            progress?.Report(new WorkProgress(Interlocked.Increment(ref done), movie.Count, "gain correction"));
        });
    }

    /// <summary>Corrects one frame (Width × Height, as the oriented references) in place.</summary>
    public static void ApplyToFrame(Span<float> frame, int width, int height, GainCorrectionSettings settings)
    {
        using var prepared = Prepare(settings, width, height);
        prepared.Correct(frame);
    }

    /// <summary>
    /// Defects found from the sum of the movie's frames after dark and gain correction, for when no defect list exists.
    /// </summary>
    public static DefectMap DetectDefects(ImageStack movie, GainCorrectionSettings settings, DefectDetectionOptions? options = null) =>
        DetectDefects(Motion.MovieFrames.FromStack(movie), settings, options);

    /// <inheritdoc cref="DetectDefects(ImageStack, GainCorrectionSettings, DefectDetectionOptions?)"/>
    public static DefectMap DetectDefects(Motion.MovieFrames movie, GainCorrectionSettings settings, DefectDetectionOptions? options = null)
    {
        using var prepared = Prepare(settings with { Defects = null }, movie.Width, movie.Height, applyDefects: false);
        // The frames are split into a fixed number of consecutive groups, each summed in frame order by one worker
        // (reads one at a time: readers need not be thread-safe) and the group sums added in group order, so the sum is
        // the same whatever the thread count and scheduling, while correction and summing run in parallel.
        int groups = Math.Min(SumGroups, movie.Count);
        var partial = new float[groups][];
        var readGate = new Lock();
        Parallel.For(0, groups, g =>
        {
            var groupSum = new float[movie.FrameLength];
            var frame = new float[movie.FrameLength];
            for (int f = g * movie.Count / groups; f < (g + 1) * movie.Count / groups; f++)
            {
                lock (readGate)
                    movie.Read(f, frame);
                prepared.Correct(frame);
                System.Numerics.Tensors.TensorPrimitives.Add(groupSum, frame, groupSum);
            }
            partial[g] = groupSum;
        });
        var sum = partial[0];
        for (int g = 1; g < groups; g++)
            System.Numerics.Tensors.TensorPrimitives.Add(sum, partial[g], sum);
        // The gain's own zero pixels come out as dead here too; Prepare adds them in any case.
        return DefectDetector.Detect(sum, movie.Width, movie.Height, options);
    }

    /// <summary>Frame groups summed in parallel by <see cref="DetectDefects(Motion.MovieFrames, GainCorrectionSettings, DefectDetectionOptions?)"/>.</summary>
    private const int SumGroups = 4;

    /// <summary>The settings with detected defects filled in when <see cref="GainCorrectionSettings.DetectDefects"/> asks for them.</summary>
    internal static GainCorrectionSettings WithDetectedDefects(ImageStack movie, GainCorrectionSettings settings) =>
        WithDetectedDefects(Motion.MovieFrames.FromStack(movie), settings);

    internal static GainCorrectionSettings WithDetectedDefects(Motion.MovieFrames movie, GainCorrectionSettings settings) =>
        settings.DetectDefects && settings.Defects is null ? settings with { Defects = DetectDefects(movie, settings) } : settings;

    internal static PreparedGain Prepare(GainCorrectionSettings settings, int width, int height, bool applyDefects = true)
    {
        var gain = settings.Gain is null ? null : Orient(settings.Gain, settings.Orientation, width, height);
        var dark = settings.Dark is null ? null : Orient(settings.Dark, settings.Orientation, width, height, "dark reference");
        var defects = settings.Defects;
        if (defects is not null && (defects.Width != width || defects.Height != height))
            throw new ShapeMismatchException($"The defect map is {defects.Width}×{defects.Height} px, but the movie frames are {width}×{height} px.");
        if (!applyDefects)
            defects = null;
        else if (gain is not null)
        {
            var fromGain = DefectMap.FromGain(gain);
            if (fromGain.DefectiveCount > 0)
                defects = defects is null ? fromGain : defects.Union(fromGain);
        }
        return new PreparedGain(gain, dark, defects, settings.Replacement);
    }

    /// <summary>Oriented references ready to apply to many frames.</summary>
    internal sealed class PreparedGain(Image2D? gain, Image2D? dark, DefectMap? defects, DefectReplacement replacement) : IDisposable
    {
        public void Correct(Span<float> frame)
        {
            if (dark is not null)
                System.Numerics.Tensors.TensorPrimitives.Subtract(frame, dark.Span, frame);
            if (gain is not null)
                System.Numerics.Tensors.TensorPrimitives.Multiply(frame, gain.Span, frame);
            defects?.Correct(frame, replacement);
        }

        public void Dispose()
        {
            gain?.Dispose();
            dark?.Dispose();
        }
    }
}
