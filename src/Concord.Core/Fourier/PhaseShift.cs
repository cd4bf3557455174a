using Concord.Core.Imaging;

namespace Concord.Core.Fourier;

/// <summary>
/// Sub-pixel translation by the Fourier shift theorem. A shift s (px) moves content towards +x/+y/+z:
/// g(r) = f(r − s), so G(k) = F(k)·exp(−2πi k·s/N) per axis. This is the band-limited (sinc) interpolation of the
/// image, exact for band-limited content and equal to a circular roll (numpy.roll) for integer shifts.
/// <para>
/// Nyquist: for an even axis the coefficient at N/2 stands for the real cosine X·cos(πn) of the symmetric trigonometric
/// interpolant, and shifting it by s gives X·cos(π(n − s)) = X·(−1)ⁿ·cos(πs) on the grid. So that element is
/// multiplied by the real factor cos(πs) instead of a phase, which keeps the spectrum Hermitian (the image real) and
/// still reduces to (−1)^s for integer s.
/// </para>
/// </summary>
public static class PhaseShift
{
    /// <summary>Multiplies a half-complex spectrum in place by the phase ramp of a shift (px) along x, y and z.</summary>
    public static void ApplyToSpectrum(Span<Complex32> spectrum, FftShape shape, double shiftXPx, double shiftYPx, double shiftZPx = 0)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(spectrum.Length, shape.ComplexLength, "phase shift spectrum");
        ValidateShift(shiftXPx, "shiftXPx", shape.NX);
        ValidateShift(shiftYPx, "shiftYPx", shape.NY);
        ValidateShift(shiftZPx, "shiftZPx", shape.NZ);
        if (shiftXPx == 0 && shiftYPx == 0 && shiftZPx == 0)
            return;
        var fx = AxisFactors(shape.NX, shape.HalfNX, shiftXPx);
        var fy = AxisFactors(shape.NY, shape.NY, shiftYPx);
        var fz = AxisFactors(shape.NZ, shape.NZ, shiftZPx);
        int hx = shape.HalfNX;
        for (int z = 0; z < shape.NZ; z++)
            for (int y = 0; y < shape.NY; y++)
            {
                var (yzRe, yzIm) = Multiply(fy[y], fz[z]);
                var row = spectrum.Slice(((z * shape.NY) + y) * hx, hx);
                for (int x = 0; x < hx; x++)
                {
                    var (re, im) = Multiply(fx[x], (yzRe, yzIm));
                    var v = row[x];
                    row[x] = new Complex32((float)((v.Re * re) - (v.Im * im)), (float)((v.Re * im) + (v.Im * re)));
                }
            }
    }

    /// <summary>Shifts a real 2D/3D array in place through a forward and an inverse transform from <paramref name="fft"/>.</summary>
    public static void Shift(Span<float> pixels, FftShape shape, double shiftXPx, double shiftYPx, double shiftZPx, IFftBackend fft) =>
        SpectrumRoundTrip.Apply(pixels, shape, fft, (spectrum, s) => ApplyToSpectrum(spectrum, s, shiftXPx, shiftYPx, shiftZPx));

    /// <summary>Shifts <paramref name="image"/> in place by (<paramref name="shiftXPx"/>, <paramref name="shiftYPx"/>) px.</summary>
    public static void Shift(Image2D image, double shiftXPx, double shiftYPx, IFftBackend fft) =>
        Shift(image.Span, new FftShape(image.Width, image.Height), shiftXPx, shiftYPx, 0, fft);

    /// <summary>Shifts <paramref name="volume"/> in place by (<paramref name="shiftXPx"/>, <paramref name="shiftYPx"/>, <paramref name="shiftZPx"/>) px.</summary>
    public static void Shift(Volume volume, double shiftXPx, double shiftYPx, double shiftZPx, IFftBackend fft) =>
        Shift(volume.Span, new FftShape(volume.NX, volume.NY, volume.NZ), shiftXPx, shiftYPx, shiftZPx, fft);

    /// <summary>Per-index factor along one axis of length <paramref name="n"/>, for the first <paramref name="count"/> FFT-order indices.</summary>
    private static (double Re, double Im)[] AxisFactors(int n, int count, double shift)
    {
        var factors = new (double Re, double Im)[count];
        for (int i = 0; i < count; i++)
        {
            int k = FourierLayout.FrequencyOfIndex(i, n);
            if (n % 2 == 0 && k == n / 2)
            {
                factors[i] = (Math.Cos(Math.PI * shift), 0);
                continue;
            }
            // Reduce k·s/N modulo 1 first so large shifts keep full precision in the angle.
            double turns = (double)k * shift / n;
            turns -= Math.Round(turns);
            var (sin, cos) = Math.SinCos(-2 * Math.PI * turns);
            factors[i] = (cos, sin);
        }
        return factors;
    }

    private static (double Re, double Im) Multiply((double Re, double Im) a, (double Re, double Im) b) =>
        ((a.Re * b.Re) - (a.Im * b.Im), (a.Re * b.Im) + (a.Im * b.Re));

    private static void ValidateShift(double shift, string name, int axisLength)
    {
        if (!double.IsFinite(shift))
            throw new InvalidParameterException(name, $"must be a finite number of pixels, got {shift}.");
        if (axisLength == 1 && shift != 0)
            throw new InvalidParameterException(name, $"cannot shift along an axis of length 1 (got {shift} px).");
    }
}

/// <summary>A spectrum operation applied by <see cref="SpectrumRoundTrip"/>.</summary>
public delegate void SpectrumOperation(Span<Complex32> spectrum, FftShape shape);

/// <summary>Forward transform, operate on the spectrum, inverse transform: the frame of every Fourier filter on real data.</summary>
public static class SpectrumRoundTrip
{
    /// <summary>Transforms <paramref name="pixels"/> with <paramref name="fft"/>, applies <paramref name="operation"/>
    /// to the half-complex spectrum and transforms back in place (the inverse's 1/N makes the round trip the identity).</summary>
    public static void Apply(Span<float> pixels, FftShape shape, IFftBackend fft, SpectrumOperation operation)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(pixels.Length, shape.RealLength, $"{shape} pixels");
        var plan = fft.GetPlan(shape);
        var spectrum = System.Buffers.ArrayPool<Complex32>.Shared.Rent(shape.ComplexLength);
        try
        {
            var s = spectrum.AsSpan(0, shape.ComplexLength);
            plan.Forward(pixels, s);
            operation(s, shape);
            plan.Inverse(s, pixels);
        }
        finally
        {
            System.Buffers.ArrayPool<Complex32>.Shared.Return(spectrum);
        }
    }
}
