using System.Buffers;

using Concord.Core.Imaging;
using Concord.Core.Kernels;

namespace Concord.Core.Fourier;

/// <summary>
/// The shift between two images found by cross-correlation. Convention: <c>moving(r) ≈ reference(r − shift)</c>, i.e.
/// shifting the reference by <see cref="ShiftXPx"/>, <see cref="ShiftYPx"/>, <see cref="ShiftZPx"/> with
/// <see cref="PhaseShift"/> (positive = towards +x/+y/+z) maps it onto the moving image. <see cref="Value"/> is the
/// correlation at the fitted peak (a Pearson coefficient when the map was normalised).
/// </summary>
public readonly record struct CorrelationPeak(double ShiftXPx, double ShiftYPx, double ShiftZPx, double Value);

/// <summary>
/// Cross-correlation through the FFT and sub-pixel peak search.
/// <para>
/// Map: c(t) = Σ_r reference(r)·moving(r + t), circular, computed as the inverse transform of conj(R)·M
/// (cross-correlation theorem); it peaks at t = shift. The map is returned centred: zero shift at pixel N/2 along each
/// axis, the centre convention of <see cref="FourierLayout"/>. Normalised maps subtract both means and divide by
/// N·σ_ref·σ_moving, so each value is the Pearson correlation coefficient of the reference with the circularly
/// shifted moving image (in [−1, 1]).
/// </para>
/// <para>
/// Peak: the highest sample within the allowed shift, refined by a least-squares quadratic fitted to its full 3×3
/// (2D) or 3×3×3 (3D) neighbourhood (constant, linear, square and cross terms; orthogonal on that grid, so each
/// coefficient is one weighted sum), whose stationary point is the sub-pixel peak. Using all 9/27 samples rather than
/// three per axis makes the fit robust to noise and to peaks elongated off the axes. If the fitted quadric has no
/// maximum within one pixel, each axis falls back to the three-point parabola through the peak.
/// </para>
/// </summary>
public static class CrossCorrelation
{
    /// <summary>Writes the centred (optionally normalised) cross-correlation map of two same-shaped arrays into <paramref name="centredMap"/>.</summary>
    public static void ComputeMap(ReadOnlySpan<float> reference, ReadOnlySpan<float> moving, FftShape shape, IFftBackend fft, Span<float> centredMap, bool normalize)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(reference.Length, shape.RealLength, "cross-correlation reference");
        ShapeMismatchException.ThrowIfLengthDiffers(moving.Length, shape.RealLength, "cross-correlation moving image");
        ShapeMismatchException.ThrowIfLengthDiffers(centredMap.Length, shape.RealLength, "cross-correlation map");
        var plan = fft.GetPlan(shape);
        var spectra = ArrayPool<Complex32>.Shared.Rent(2 * shape.ComplexLength);
        var map = ArrayPool<float>.Shared.Rent(shape.RealLength);
        try
        {
            var r = spectra.AsSpan(0, shape.ComplexLength);
            var m = spectra.AsSpan(shape.ComplexLength, shape.ComplexLength);
            plan.Forward(reference, r);
            plan.Forward(moving, m);
            ComplexKernels.MultiplyConjugate(r, m, r);
            double scale = 1;
            if (normalize)
            {
                // Zeroing the DC product subtracts both means; σ's come from the real data in double precision.
                r[0] = Complex32.Zero;
                double norm = shape.RealLength * ImageStatistics.Compute(reference).Std * ImageStatistics.Compute(moving).Std;
                if (!(norm > 0))
                    throw new InvalidParameterException("reference", "an image is constant, so the normalised cross-correlation is undefined.");
                scale = 1 / norm;
            }
            var raw = map.AsSpan(0, shape.RealLength);
            plan.Inverse(r, raw);
            Centre(raw, shape, centredMap, (float)scale);
        }
        finally
        {
            ArrayPool<Complex32>.Shared.Return(spectra);
            ArrayPool<float>.Shared.Return(map);
        }
    }

    /// <summary>
    /// The sub-pixel peak of a centred map (see the type summary), considering only samples whose shift from the centre
    /// has Euclidean length ≤ <paramref name="maxShiftPx"/>.
    /// </summary>
    public static CorrelationPeak FindPeak(ReadOnlySpan<float> centredMap, FftShape shape, double maxShiftPx = double.PositiveInfinity)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(centredMap.Length, shape.RealLength, "cross-correlation map");
        if (!(maxShiftPx >= 0))
            throw new InvalidParameterException("maxShiftPx", $"must be ≥ 0 px, got {maxShiftPx}.");
        int cx = shape.NX / 2, cy = shape.NY / 2, cz = shape.NZ / 2;
        double max2 = maxShiftPx * maxShiftPx;
        int best = -1;
        float bestValue = float.NegativeInfinity;
        for (int z = 0; z < shape.NZ; z++)
            for (int y = 0; y < shape.NY; y++)
            {
                double dyz = ((double)(y - cy) * (y - cy)) + ((double)(z - cz) * (z - cz));
                int row = ((z * shape.NY) + y) * shape.NX;
                for (int x = 0; x < shape.NX; x++)
                {
                    if (dyz + ((double)(x - cx) * (x - cx)) > max2 || !(centredMap[row + x] > bestValue))
                        continue;
                    bestValue = centredMap[row + x];
                    best = row + x;
                }
            }
        if (best < 0)
            throw new InvalidParameterException("centredMap", "holds no finite value within the allowed shift.");
        int px = best % shape.NX, py = best / shape.NX % shape.NY, pz = best / (shape.NX * shape.NY);
        var (dx, dy, dz, value) = PeakFit.Refine(centredMap, shape, px, py, pz);
        return new CorrelationPeak(px - cx + dx, py - cy + dy, pz - cz + dz, value);
    }

    /// <summary>The shift mapping <paramref name="reference"/> onto <paramref name="moving"/> (see <see cref="CorrelationPeak"/>).</summary>
    public static CorrelationPeak FindShift(ReadOnlySpan<float> reference, ReadOnlySpan<float> moving, FftShape shape, IFftBackend fft, double maxShiftPx = double.PositiveInfinity, bool normalize = true)
    {
        var map = ArrayPool<float>.Shared.Rent(shape.RealLength);
        try
        {
            var m = map.AsSpan(0, shape.RealLength);
            ComputeMap(reference, moving, shape, fft, m, normalize);
            return FindPeak(m, shape, maxShiftPx);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(map);
        }
    }

    /// <inheritdoc cref="FindShift(ReadOnlySpan{float}, ReadOnlySpan{float}, FftShape, IFftBackend, double, bool)"/>
    public static CorrelationPeak FindShift(Image2D reference, Image2D moving, IFftBackend fft, double maxShiftPx = double.PositiveInfinity, bool normalize = true)
    {
        reference.RequireSameShape(moving, "CrossCorrelation.FindShift");
        return FindShift(reference.Span, moving.Span, new FftShape(reference.Width, reference.Height), fft, maxShiftPx, normalize);
    }

    /// <inheritdoc cref="FindShift(ReadOnlySpan{float}, ReadOnlySpan{float}, FftShape, IFftBackend, double, bool)"/>
    public static CorrelationPeak FindShift(Volume reference, Volume moving, IFftBackend fft, double maxShiftPx = double.PositiveInfinity, bool normalize = true)
    {
        reference.RequireSameShape(moving, "CrossCorrelation.FindShift");
        return FindShift(reference.Span, moving.Span, new FftShape(reference.NX, reference.NY, reference.NZ), fft, maxShiftPx, normalize);
    }

    /// <summary>centred[(t + N/2) mod N] = scale·raw[t mod N] along every axis.</summary>
    private static void Centre(ReadOnlySpan<float> raw, FftShape shape, Span<float> centred, float scale)
    {
        int cx = shape.NX / 2, cy = shape.NY / 2, cz = shape.NZ / 2;
        for (int z = 0; z < shape.NZ; z++)
        {
            int zs = (z - cz + shape.NZ) % shape.NZ;
            for (int y = 0; y < shape.NY; y++)
            {
                int ys = (y - cy + shape.NY) % shape.NY;
                var source = raw.Slice(((zs * shape.NY) + ys) * shape.NX, shape.NX);
                var target = centred.Slice(((z * shape.NY) + y) * shape.NX, shape.NX);
                // x: target[x] = source[(x − cx) mod NX], two contiguous pieces.
                int split = shape.NX - cx;
                for (int x = 0; x < cx; x++)
                    target[x] = source[split + x] * scale;
                for (int x = cx; x < shape.NX; x++)
                    target[x] = source[x - cx] * scale;
            }
        }
    }
}
