using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

using Concord.Core;
using Concord.Core.Fourier;

namespace Concord.Preprocess.Methods.Motion;

/// <summary>Outcome of one iterative alignment.</summary>
/// <param name="Shifts">Alignment shift of each frame (px, not yet referred to a reference frame).</param>
/// <param name="Iterations">Iterations run.</param>
/// <param name="Converged">Whether the RMS update fell below the tolerance.</param>
internal sealed record FrameAlignment((double X, double Y)[] Shifts, int Iterations, bool Converged);

/// <summary>
/// Iterative frame-to-(sum − frame) alignment on spectra, as in MotionCor2 (Zheng et al. 2017, Nat. Methods 14:331) and
/// RELION's own implementation (Zivanov et al. 2019, IUCrJ 6:5). Each iteration shifts every frame by its current
/// alignment shift (Fourier phase ramp), forms the sum, and cross-correlates each frame with the sum of all the
/// others, so a frame's own noise never correlates with itself. The cross-power spectrum is weighted by a B-factor
/// low-pass exp(−B·s²/4) and its zero frequency dropped; the map's sub-pixel peak (<see cref="CrossCorrelation.FindPeak"/>)
/// is the frame's remaining misalignment, which is subtracted from its shift. Because each iteration measures only the
/// residual, the peak fit works ever closer to the centre of the peak, where the quadratic interpolation is unbiased.
/// </summary>
internal static class FrameAligner
{
    /// <summary>Smallest search radius (px) of the refinement iterations after the first.</summary>
    public const double MinimumRefinementSearchPx = 3;

    /// <param name="spectraAreScratch">
    /// The caller no longer needs <paramref name="spectra"/> as given, so they may be phase-shifted in place instead of
    /// into a second buffer of the same size (patch stacks; the full-size frames of a movie are never scratch).
    /// </param>
    public static FrameAlignment Align(Complex32[] spectra, int frames, FftShape shape, double pixelSizeA, double bFactorA2,
        double maxShiftPx, int maxIterations, double tolerancePx, int groupFrames, IFftBackend fft, ParallelOptions parallel, Action<int>? iterationDone = null,
        bool spectraAreScratch = false)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(spectra.Length, (long)frames * shape.ComplexLength, "frame alignment spectra");
        if (frames < 2)
            return new FrameAlignment(new (double X, double Y)[frames], 0, true);
        var cropped = CroppedShape(shape, pixelSizeA, bFactorA2);
        if (cropped == shape)
            return AlignAtFullSize(spectra, frames, shape, pixelSizeA, bFactorA2, maxShiftPx, maxIterations, tolerancePx, groupFrames, fft, parallel, iterationDone,
                spectraAreScratch);
        // Align Fourier-cropped copies: the B-factor leaves the dropped frequencies with negligible weight, so the
        // correlation is essentially unchanged while every transform and phase ramp shrinks by (N/M)² (MotionCor2 and
        // RELION likewise align binned frames). Shifts, search radius and tolerance are converted to cropped pixels
        // and back; the crop's constant centring phase is the same for every frame, so relative shifts are unaffected.
        double scale = (double)shape.NX / cropped.NX;
        var small = new Complex32[frames * cropped.ComplexLength];
        Parallel.For(0, frames, parallel, f => FourierResample.ResampleSpectrum(spectra.AsSpan(f * shape.ComplexLength, shape.ComplexLength),
            shape, small.AsSpan(f * cropped.ComplexLength, cropped.ComplexLength), cropped));
        var result = AlignAtFullSize(small, frames, cropped, pixelSizeA * scale, bFactorA2, maxShiftPx / scale, maxIterations, tolerancePx / scale,
            groupFrames, fft, parallel, iterationDone, inPlace: true);
        var shifts = result.Shifts.Select(s => (s.X * scale, s.Y * ((double)shape.NY / cropped.NY))).ToArray();
        return result with { Shifts = shifts };
    }

    /// <summary>
    /// The smallest FFT-friendly shape (even, no prime factor above 5: every backend transforms those fast) whose
    /// Nyquist still reaches the frequency where the B-factor weight exp(−B·s²/4) of the cross-power spectrum has fallen
    /// to exp(−<see cref="CropWeightExponent"/>); the frame's own shape when that is no smaller.
    /// </summary>
    public static FftShape CroppedShape(FftShape shape, double pixelSizeA, double bFactorA2)
    {
        if (!(bFactorA2 > 0))
            return shape;
        double sMaxPerA = Math.Sqrt(4 * CropWeightExponent / bFactorA2);
        int Axis(int n) => Math.Min(n, Math.Max(FftSizes.Friendly((int)Math.Min(int.MaxValue / 2, Math.Ceiling(2 * n * pixelSizeA * sMaxPerA))), 32));
        var cropped = new FftShape(Axis(shape.NX), Axis(shape.NY));
        // A crop that keeps most of the pixels saves little arithmetic but adds one more transform size to plan (FFTW
        // plans by measurement, which costs far more than a few transforms of a small patch), so it is skipped.
        return (double)cropped.RealLength > MaximumKeptFraction * shape.RealLength ? shape : cropped;
    }

    /// <summary>Crops that keep more than this fraction of the pixels are not made.</summary>
    public const double MaximumKeptFraction = 0.8;

    /// <summary>B·s²/4 at the cropped Nyquist; the weight there is e^−8 ≈ 3·10⁻⁴ of the zero-frequency weight, and the
    /// correlation peak stays about 1.3 cropped pixels wide (σ = √(8K)/2π), enough for an unbiased sub-pixel fit.</summary>
    public const double CropWeightExponent = 8;

    private static FrameAlignment AlignAtFullSize(Complex32[] spectra, int frames, FftShape shape, double pixelSizeA, double bFactorA2,
        double maxShiftPx, int maxIterations, double tolerancePx, int groupFrames, IFftBackend fft, ParallelOptions parallel, Action<int>? iterationDone,
        bool inPlace)
    {
        int c = shape.ComplexLength;
        var shifts = new (double X, double Y)[frames];
        var filter = CorrelationFilter(shape, pixelSizeA, bFactorA2);
        double searchPx = Math.Min(maxShiftPx, (Math.Min(shape.NX, shape.NY) / 2) - 2);
        // Unless they are scratch, the input spectra are read only and phase-shifted into a second buffer every
        // iteration; scratch spectra are moved in place by each iteration's update instead, which saves that buffer
        // (a cropped 4K movie's is 0.75 GB) at the cost of float round-off in the composed ramps (~1e-7 rad per step).
        var source = spectra;
        var aligned = inPlace ? spectra : new Complex32[source.Length];
        var sum = new Complex32[c];
        var plan = fft.GetPlan(shape);
        int half = Math.Clamp(groupFrames, 1, frames) / 2;
        var residual = new (double X, double Y)[frames];
        double previousRms = double.PositiveInfinity;
        for (int iteration = 1; iteration <= maxIterations; iteration++)
        {
            if (!inPlace)
                ShiftAll(source, aligned, shifts, shape, parallel);
            SumFrames(aligned, frames, c, sum, parallel);
            double radius = searchPx;
            Parallel.For(0, frames, parallel, f =>
            {
                residual[f] = MeasureResidual(aligned, frames, f, half, sum, filter, shape, plan, radius);
            });
            double squares = 0, largest = 0;
            for (int f = 0; f < frames; f++)
            {
                shifts[f] = (shifts[f].X - residual[f].X, shifts[f].Y - residual[f].Y);
                double step2 = (residual[f].X * residual[f].X) + (residual[f].Y * residual[f].Y);
                squares += step2;
                largest = Math.Max(largest, Math.Sqrt(step2));
            }
            iterationDone?.Invoke(iteration);
            if (inPlace)
                ShiftAll(aligned, aligned, residual.Select(r => (-r.X, -r.Y)).ToArray(), shape, parallel);
            double rms = Math.Sqrt(squares / frames);
            if (rms < tolerancePx || largest < 2 * tolerancePx)
                return new FrameAlignment(shifts, iteration, true);
            // At low dose the updates stop shrinking once the frames are in register to within their measurement
            // noise: every update moves the others' sum, so each frame's measured residual jitters at the noise level
            // from then on. Further iterations then cost time without improving the estimate, so the alignment stops
            // when the RMS update no longer falls to below StallRatio of the previous one.
            if (iteration >= MinimumIterations && rms > StallRatio * previousRms)
                return new FrameAlignment(shifts, iteration, false);
            previousRms = rms;
            // Once the frames are roughly in register, only small corrections remain; a narrower search keeps a frame
            // from jumping to a noise peak far away, which would make the iteration oscillate at low dose.
            searchPx = Math.Min(searchPx, Math.Max(MinimumRefinementSearchPx, 2 * largest));
        }
        return new FrameAlignment(shifts, maxIterations, false);
    }

    /// <summary>Iterations always run before the stall test (the first has a wide search, the next two refine).</summary>
    public const int MinimumIterations = 3;

    /// <summary>An iteration whose RMS update exceeds this fraction of the previous one counts as stalled.</summary>
    public const double StallRatio = 0.7;

    /// <summary>Copies each frame's spectrum, phase-shifted by its alignment shift, into <paramref name="aligned"/>.</summary>
    public static void ShiftAll(Complex32[] source, Complex32[] aligned, (double X, double Y)[] shifts, FftShape shape, ParallelOptions parallel)
    {
        int c = shape.ComplexLength;
        Parallel.For(0, shifts.Length, parallel, f =>
        {
            var target = aligned.AsSpan(f * c, c);
            source.AsSpan(f * c, c).CopyTo(target);
            PhaseShift.ApplyToSpectrum(target, shape, shifts[f].X, shifts[f].Y);
        });
    }

    /// <summary>The sum of the frames' spectra, in parallel over chunks of frequencies (each chunk sums every frame).</summary>
    public static void SumFrames(Complex32[] spectra, int frames, int length, Complex32[] sum, ParallelOptions parallel)
    {
        const int Chunk = 1 << 15;
        Parallel.For(0, (length + Chunk - 1) / Chunk, parallel, b =>
        {
            int start = b * Chunk, n = Math.Min(Chunk, length - start);
            var target = MemoryMarshal.Cast<Complex32, float>(sum.AsSpan(start, n));
            target.Clear();
            for (int f = 0; f < frames; f++)
                TensorPrimitives.Add(target, MemoryMarshal.Cast<Complex32, float>(spectra.AsSpan((f * length) + start, n)), target);
        });
    }

    /// <summary>
    /// The displacement (px; + = content further along +x/+y) of frame <paramref name="frame"/> relative to the sum of
    /// the frames outside its group. With <paramref name="half"/> = 0 this is the plain frame-to-(sum − frame)
    /// measurement. Larger groups (MotionCor2's and RELION's frame grouping) measure the frames f − h … f + h together,
    /// weighted by the triangle h + 1 − |k|, which raises the signal at low dose at the cost of time resolution. The
    /// triangle (a boxcar convolved with itself) has a non-negative frequency response, so the simultaneous update of
    /// all frames cannot amplify alternating errors, which a plain boxcar would (its response reaches −⅓ for 3 frames).
    /// </summary>
    private static (double X, double Y) MeasureResidual(Complex32[] aligned, int frames, int frame, int half, ReadOnlySpan<Complex32> sum,
        ReadOnlySpan<Complex32> filter, FftShape shape, IRealFft plan, double searchPx)
    {
        int c = shape.ComplexLength;
        var cross = ArrayPool<Complex32>.Shared.Rent(2 * c);
        var map = ArrayPool<float>.Shared.Rent(shape.RealLength);
        try
        {
            var weighted = cross.AsSpan(0, c);
            var others = cross.AsSpan(c, c);
            weighted.Clear();
            sum.CopyTo(others);
            for (int k = -half; k <= half; k++)
            {
                int g = frame + k;
                if (g < 0 || g >= frames)
                    continue;
                float w = half + 1 - Math.Abs(k);
                var a = aligned.AsSpan(g * c, c);
                for (int i = 0; i < c; i++)
                {
                    weighted[i] += a[i] * w;
                    others[i] -= a[i];
                }
            }
            // conj(R)·M with R = the others and M = the group peaks at the displacement of M relative to R
            // (CrossCorrelation's convention); the filter carries the B-factor and the move of zero shift to the centre.
            for (int i = 0; i < c; i++)
                weighted[i] = others[i].Conjugate * weighted[i] * filter[i];
            var m = map.AsSpan(0, shape.RealLength);
            plan.Inverse(weighted, m);
            return WindowedPeak(m, shape, searchPx);
        }
        finally
        {
            ArrayPool<Complex32>.Shared.Return(cross);
            ArrayPool<float>.Shared.Return(map);
        }
    }

    /// <summary>
    /// The sub-pixel peak of a centred map within <paramref name="searchPx"/> of the centre. Only the square window
    /// that holds the search disc and the 3×3 neighbourhood of the fit is scanned (after the first iteration the search
    /// radius is a few pixels, so this skips almost the whole map); the samples and the fit are the same as on the full map.
    /// </summary>
    internal static (double X, double Y) WindowedPeak(ReadOnlySpan<float> map, FftShape shape, double searchPx)
    {
        int half = (int)Math.Ceiling(Math.Min(searchPx, shape.NX + shape.NY)) + 1, w = (2 * half) + 1;
        if (w + 2 > shape.NX || w + 2 > shape.NY)
        {
            var full = CrossCorrelation.FindPeak(map, shape, searchPx);
            return (full.ShiftXPx, full.ShiftYPx);
        }
        Span<float> window = w * w <= 1024 ? stackalloc float[w * w] : new float[w * w];
        int x0 = (shape.NX / 2) - half, y0 = (shape.NY / 2) - half;
        for (int y = 0; y < w; y++)
            map.Slice(((y0 + y) * shape.NX) + x0, w).CopyTo(window.Slice(y * w, w));
        var peak = CrossCorrelation.FindPeak(window, new FftShape(w, w), searchPx);
        return (peak.ShiftXPx, peak.ShiftYPx);
    }

    /// <summary>
    /// B-factor weights times the phase ramp of an (N/2, N/2) shift, so the inverse transform comes out centred
    /// (zero shift at pixel N/2, as <see cref="CrossCorrelation.FindPeak"/> expects); zero at the origin to drop the means.
    /// </summary>
    public static Complex32[] CorrelationFilter(FftShape shape, double pixelSizeA, double bFactorA2)
    {
        var filter = new Complex32[shape.ComplexLength];
        Array.Fill(filter, new Complex32(1, 0));
        FourierFilters.BFactor(filter, shape, pixelSizeA, bFactorA2);
        PhaseShift.ApplyToSpectrum(filter, shape, shape.NX / 2, shape.NY / 2);
        filter[0] = Complex32.Zero;
        return filter;
    }
}
