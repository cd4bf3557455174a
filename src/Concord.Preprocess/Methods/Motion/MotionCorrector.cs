using System.Buffers;

using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Preprocess.Methods.Gain;

namespace Concord.Preprocess.Methods.Motion;

/// <summary>
/// Movie to micrograph: gain and defect correction, global alignment (<see cref="FrameAligner"/>), optional local
/// alignment on patches with a smooth polynomial model (<see cref="LocalMotionModel"/>), the aligned sum, the
/// dose-weighted sum (<see cref="DoseWeighting"/>), optional Fourier binning of both, and the power spectrum of the sum.
/// All transforms come from the injected <see cref="IFftBackend"/>; per-frame and per-patch work runs in parallel
/// with the degree from <see cref="MotionCorrectionOptions.MaxDegreeOfParallelism"/>.
/// <para>Memory: the spectra of all frames are held at once (about 4 bytes per pixel per frame, twice over during
/// alignment), as in RELION's own implementation.</para>
/// </summary>
public sealed class MotionCorrector
{
    private readonly IFftBackend _fft;
    private readonly MotionCorrectionOptions _options;

    public MotionCorrector(IFftBackend fft, MotionCorrectionOptions? options = null)
    {
        _fft = fft ?? throw new ArgumentNullException(nameof(fft));
        _options = options ?? new MotionCorrectionOptions();
    }

    /// <summary>Corrects a movie given as separate frames (all the same size; at least one).</summary>
    public MotionCorrectionResult Run(IReadOnlyList<Image2D> frames, GainCorrectionSettings? gain = null, IProgress<WorkProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0)
            throw new InvalidDimensionsException("Motion correction: the movie has no frames; at least one is needed.");
        var first = frames[0];
        for (int f = 1; f < frames.Count; f++)
        {
            if (!frames[f].HasSameShape(first))
                throw new ShapeMismatchException($"Motion correction: frame {f} is {frames[f].Width}×{frames[f].Height} px but frame 0 is {first.Width}×{first.Height} px.");
        }
        using var stack = ImageStack.CreateUninitialized(first.Width, first.Height, frames.Count, first.PixelSizeA);
        for (int f = 0; f < frames.Count; f++)
            stack.SetImage(f, frames[f]);
        return Run(stack, gain, progress, cancellationToken);
    }

    /// <summary>Corrects <paramref name="movie"/> (left unchanged); its pixel size gives Å for the B-factors and doses.</summary>
    public MotionCorrectionResult Run(ImageStack movie, GainCorrectionSettings? gain = null, IProgress<WorkProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(movie);
        _options.Validate(movie.Count);
        return Run(MovieFrames.FromStack(movie), gain, progress, cancellationToken);
    }

    /// <summary>
    /// Corrects a movie read frame by frame (<see cref="MovieFrames"/>): only the frames' spectra are held, so the
    /// peak memory is about two spectra per frame (8 bytes per pixel per frame) instead of three.
    /// </summary>
    public MotionCorrectionResult Run(MovieFrames movie, GainCorrectionSettings? gain = null, IProgress<WorkProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(movie);
        _options.Validate(movie.Count);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism, CancellationToken = cancellationToken };
        int frames = movie.Count;
        double pixelSizeA = movie.PixelSizeA;
        var shape = new FftShape(movie.Width, movie.Height);
        int c = shape.ComplexLength;
        var spectra = ForwardFrames(movie, gain, shape, parallel, progress);
        ReleaseScratch();

        var global = FrameAligner.Align(spectra, frames, shape, pixelSizeA, _options.BFactorA2, _options.MaxShiftA / pixelSizeA, _options.MaxIterations,
            _options.ConvergencePx, _options.GroupFrames, _fft, parallel, i => progress?.Report(new WorkProgress(i, _options.MaxIterations, "global alignment")));
        ReleaseScratch();
        var trajectory = new MotionTrajectory(global.Shifts, _options.ReferenceFrame, pixelSizeA);
        // Shifted in place: the raw spectra are not needed again, and a second copy would double the peak memory.
        var aligned = spectra;
        FrameAligner.ShiftAll(spectra, aligned, trajectory.Shifts.Select(s => (s.ShiftXPx, s.ShiftYPx)).ToArray(), shape, parallel);

        LocalMotionModel? local = null;
        IReadOnlyList<PatchShift> patches = [];
        if (_options.LocalAlignment && frames > 1)
            (local, patches) = AlignLocally(aligned, frames, shape, pixelSizeA, parallel, progress);

        var sum = new Complex32[c];
        FrameAligner.SumFrames(aligned, frames, c, sum, parallel);
        Complex32[]? weighted = null;
        if (_options.DosePerFrameEA2 > 0)
        {
            weighted = new Complex32[c];
            var exposures = DoseWeighting.FrameExposures(frames, _options.DosePerFrameEA2, _options.PreExposureEA2, _options.VoltageKv);
            DoseWeighting.WeightedSum(aligned, shape, pixelSizeA, exposures, weighted, parallel);
        }
        progress?.Report(new WorkProgress(1, 1, "sums"));
        return Finish(sum, weighted, shape, pixelSizeA, trajectory, local, patches, global);
    }

    private Complex32[] ForwardFrames(MovieFrames movie, GainCorrectionSettings? gain, FftShape shape, ParallelOptions parallel, IProgress<WorkProgress>? progress)
    {
        using var prepared = gain is null ? null : GainCorrection.Prepare(GainCorrection.WithDetectedDefects(movie, gain), movie.Width, movie.Height);
        var spectra = new Complex32[movie.Count * shape.ComplexLength];
        var plan = _fft.GetPlan(shape);
        var readGate = new Lock();
        int done = 0;
        // One frame buffer per thread: a fresh 64 MB array per 4096² frame costs page faults and GC work for nothing.
        Parallel.For(0, movie.Count, parallel, () => new float[shape.RealLength], (f, _, frame) =>
        {
            // Readers (a TIFF decoder, one file handle) need not be thread-safe; the transforms run in parallel.
            lock (readGate)
                movie.Read(f, frame);
            prepared?.Correct(frame);
            plan.Forward(frame, spectra.AsSpan(f * shape.ComplexLength, shape.ComplexLength));
            progress?.Report(new WorkProgress(Interlocked.Increment(ref done), movie.Count, "frame transforms"));
            return frame;
        }, _ => { });
        return spectra;
    }

    /// <summary>
    /// Measures patches on the globally aligned frames, fits the model, then replaces each aligned spectrum by that of
    /// the frame warped by the model. The patches are cut from Fourier-binned frames: the patch B-factor leaves the
    /// frequencies beyond the crop of <see cref="FrameAligner.CroppedShape"/> with a weight below e⁻⁸, so measuring on
    /// the binned frames gives essentially the same correlations while the inverse transforms, the patch transforms and
    /// the binned frames held in memory all shrink by the binning factor squared. Patch centres and shifts are
    /// converted back to unbinned pixels. The warp then needs one full-size inverse transform, warp and forward
    /// transform per frame, done frame by frame so that no full-size real copy of the movie is held.
    /// </summary>
    private (LocalMotionModel, IReadOnlyList<PatchShift>) AlignLocally(Complex32[] aligned, int frames, FftShape shape, double pixelSizeA,
        ParallelOptions parallel, IProgress<WorkProgress>? progress)
    {
        int c = shape.ComplexLength, n = shape.RealLength;
        var binned = FrameAligner.CroppedShape(shape, pixelSizeA, _options.PatchBFactorA2);
        double scaleX = (double)shape.NX / binned.NX, scaleY = (double)shape.NY / binned.NY;
        var binnedPlan = _fft.GetPlan(binned);
        var real = new float[frames * binned.RealLength];
        Parallel.For(0, frames, parallel, f =>
        {
            var source = aligned.AsSpan(f * c, c);
            if (binned == shape)
            {
                binnedPlan.Inverse(source, real.AsSpan(f * n, n));
                return;
            }
            var small = ArrayPool<Complex32>.Shared.Rent(binned.ComplexLength);
            FourierResample.ResampleSpectrum(source, shape, small.AsSpan(0, binned.ComplexLength), binned);
            binnedPlan.Inverse(small.AsSpan(0, binned.ComplexLength), real.AsSpan(f * binned.RealLength, binned.RealLength));
            ArrayPool<Complex32>.Shared.Return(small);
        });
        var measured = PatchAligner.Measure(real, frames, binned.NX, binned.NY, pixelSizeA * scaleX, _options, _fft, parallel, progress);
        var patches = measured.Select(p => new PatchShift(p.XPx * scaleX, p.YPx * scaleY, p.Frame, p.ShiftXPx * scaleX, p.ShiftYPx * scaleY)).ToList();
        real = [];
        ReleaseScratch();
        var model = LocalMotionModel.Fit(patches, shape.NX, shape.NY, frames, _options.ReferenceFrame);
        var plan = _fft.GetPlan(shape);
        int warpedFrames = 0;
        Parallel.For(0, frames, parallel, () => (new float[n], new float[n]), (f, _, buffers) =>
        {
            var (frame, warped) = buffers;
            plan.Inverse(aligned.AsSpan(f * c, c), frame);
            FrameWarp.Apply(frame, warped, shape.NX, shape.NY, model, f);
            plan.Forward(warped, aligned.AsSpan(f * c, c));
            progress?.Report(new WorkProgress(Interlocked.Increment(ref warpedFrames), frames, "local warp"));
            return buffers;
        }, _ => { });
        return (model, patches);
    }

    /// <summary>
    /// Returns the previous stage's large scratch arrays (defect detection's sums and the frame buffers, the cropped
    /// spectra of the global alignment, the binned frames of the patch alignment: 0.5–0.75 GB each for a 4096² × 40
    /// movie) to the garbage collector before the next stage allocates its own. Large arrays are otherwise freed only at
    /// the next full collection, which the runtime schedules by its own allocation budget, so the stages' scratch would
    /// pile up on top of the frames' spectra.
    /// </summary>
    private static void ReleaseScratch() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);

    private MotionCorrectionResult Finish(Complex32[] sum, Complex32[]? weighted, FftShape shape, double pixelSizeA, MotionTrajectory trajectory,
        LocalMotionModel? local, IReadOnlyList<PatchShift> patches, FrameAlignment global)
    {
        var outShape = _options.BinningFactor > 1
            ? new FftShape(FourierResample.BinnedSize(shape.NX, _options.BinningFactor), FourierResample.BinnedSize(shape.NY, _options.BinningFactor))
            : shape;
        double outPixelA = pixelSizeA * shape.NX / outShape.NX;
        var sumSpectrum = Resampled(sum, shape, outShape);
        var alignedSum = ToImage(sumSpectrum, outShape, outPixelA);
        var dw = weighted is null ? null : ToImage(Resampled(weighted, shape, outShape), outShape, outPixelA);
        var powerSpectrum = PowerSpectrumImage(sumSpectrum, outShape, outPixelA);
        var profile = RadialAverage.PowerSpectrum(sumSpectrum, outShape, outPixelA);
        return new MotionCorrectionResult(trajectory, local, patches, alignedSum, dw, powerSpectrum, profile, global.Iterations, global.Converged);
    }

    private static Complex32[] Resampled(Complex32[] spectrum, FftShape from, FftShape to)
    {
        if (from == to)
            return spectrum;
        var result = new Complex32[to.ComplexLength];
        FourierResample.ResampleSpectrum(spectrum, from, result, to);
        return result;
    }

    private Image2D ToImage(Complex32[] spectrum, FftShape shape, double pixelSizeA)
    {
        var image = Image2D.CreateUninitialized(shape.NX, shape.NY, pixelSizeA);
        _fft.GetPlan(shape).Inverse(spectrum, image.Span);
        return image;
    }

    /// <summary>
    /// The full 2D power spectrum |F(k)|²/N, centred (zero frequency at pixel (W/2, H/2), +kx to the right, +ky down),
    /// filled from the half-complex spectrum by Hermitian symmetry.
    /// </summary>
    internal static Image2D PowerSpectrumImage(ReadOnlySpan<Complex32> spectrum, FftShape shape, double pixelSizeA)
    {
        var image = Image2D.CreateUninitialized(shape.NX, shape.NY, pixelSizeA);
        var p = image.Span;
        float scale = 1f / shape.RealLength;
        for (int y = 0; y < shape.NY; y++)
        {
            int ky = y - (shape.NY / 2);
            for (int x = 0; x < shape.NX; x++)
            {
                int kx = x - (shape.NX / 2);
                // |F(−k)| = |F(k)| for real images, so negative kx read their mirror.
                int index = kx >= 0
                    ? FourierLayout.HalfComplexIndex(kx, ky, 0, shape)
                    : FourierLayout.HalfComplexIndex(-kx, FoldedFrequency(-ky, shape.NY), 0, shape);
                p[(y * shape.NX) + x] = spectrum[index].MagnitudeSquared * scale;
            }
        }
        return image;
    }

    /// <summary>A frequency brought into the stored range (−N/2, N/2] of an axis of length N.</summary>
    private static int FoldedFrequency(int k, int n) => 2 * k > n ? k - n : (2 * k <= -n ? k + n : k);
}
