using System.Buffers;

using Concord.Core.Fourier;

namespace Concord.Core.Ctf;

/// <summary>
/// CTF corrections applied in place to the half-complex spectrum of a 2D image (layout of <see cref="FftShape"/>):
/// phase flipping and Wiener filtering. The CTF is evaluated row by row into a pooled buffer, so nothing is allocated
/// per frequency.
/// </summary>
public static class CtfCorrection
{
    /// <summary>
    /// Phase flipping: multiplies each Fourier component by sign(CTF) (±1), so that CTF·(flipped image) ≥ 0 everywhere
    /// and the contrast of every frequency has the sign it has at low frequency. Amplitudes are left as they are.
    /// </summary>
    public static void PhaseFlip(CtfModel ctf, FftShape shape, double pixelSizeA, Span<Complex32> spectrum, int maxDegreeOfParallelism = -1)
    {
        ApplyPerRow(ctf, shape, pixelSizeA, spectrum, CtfImageKind.Sign, maxDegreeOfParallelism,
            (_, _, sign) => sign);
    }

    /// <summary>
    /// Wiener filter with one SNR for all frequencies: F ← F·CTF / (CTF² + 1/SNR). SNR = +∞ divides by the CTF
    /// (exact where |CTF| is not small); SNR ≤ 0 means no signal and zeroes the spectrum.
    /// </summary>
    public static void WienerFilter(CtfModel ctf, FftShape shape, double pixelSizeA, Span<Complex32> spectrum, double snr, int maxDegreeOfParallelism = -1)
    {
        if (double.IsNaN(snr))
            throw new InvalidParameterException(nameof(snr), "SNR must be a number (use +∞ for no regularisation), got NaN.");
        double inverseSnr = snr > 0 ? 1.0 / snr : double.PositiveInfinity;
        ApplyPerRow(ctf, shape, pixelSizeA, spectrum, CtfImageKind.Ctf, maxDegreeOfParallelism,
            (_, _, value) => WienerFactor(value, inverseSnr));
    }

    /// <summary>
    /// Wiener filter with an SNR per shell (<see cref="FourierLayout.Shell"/> index); frequencies whose shell is beyond
    /// the end of <paramref name="snrPerShell"/> (the corners) are treated as carrying no signal and are zeroed.
    /// </summary>
    public static void WienerFilter(CtfModel ctf, FftShape shape, double pixelSizeA, Span<Complex32> spectrum, ReadOnlySpan<double> snrPerShell, int maxDegreeOfParallelism = -1)
    {
        var inverseSnr = new double[snrPerShell.Length];
        for (int i = 0; i < snrPerShell.Length; i++)
        {
            if (double.IsNaN(snrPerShell[i]))
                throw new InvalidParameterException(nameof(snrPerShell), $"SNR of shell {i} is NaN.");
            inverseSnr[i] = snrPerShell[i] > 0 ? 1.0 / snrPerShell[i] : double.PositiveInfinity;
        }
        ApplyPerRow(ctf, shape, pixelSizeA, spectrum, CtfImageKind.Ctf, maxDegreeOfParallelism, (kx, ky, value) =>
        {
            int shell = FourierLayout.Shell(kx, ky, 0, shape);
            return shell < inverseSnr.Length ? WienerFactor(value, inverseSnr[shell]) : 0f;
        });
    }

    private static float WienerFactor(float ctfValue, double inverseSnr)
    {
        if (double.IsPositiveInfinity(inverseSnr))
            return 0f;
        double denominator = (double)ctfValue * ctfValue + inverseSnr;
        return denominator > 0 ? (float)(ctfValue / denominator) : 0f;
    }

    /// <summary>Multiplies each component by factor(kx, ky, CTF image value) row by row.</summary>
    private static void ApplyPerRow(CtfModel ctf, FftShape shape, double pixelSizeA, Span<Complex32> spectrum, CtfImageKind kind,
        int maxDegreeOfParallelism, Func<int, int, float, float> factor)
    {
        ArgumentNullException.ThrowIfNull(ctf);
        CtfImage.Require2D(shape);
        CtfImage.RequirePixelSize(pixelSizeA);
        ShapeMismatchException.ThrowIfLengthDiffers(spectrum.Length, shape.ComplexLength, $"half-complex spectrum of box {shape}");
        int halfNx = shape.HalfNX;
        unsafe
        {
            fixed (Complex32* basePtr = spectrum)
            {
                Complex32* ptr = basePtr;
                CtfImage.ForEachRow(shape.NY, shape.ComplexLength, maxDegreeOfParallelism, y =>
                {
                    float[] row = ArrayPool<float>.Shared.Rent(halfNx);
                    try
                    {
                        CtfImage.FillHalfComplexRow(ctf, shape, pixelSizeA, y, row.AsSpan(0, halfNx), kind);
                        int ky = FourierLayout.FrequencyOfIndex(y, shape.NY);
                        var line = new Span<Complex32>(ptr + (long)y * halfNx, halfNx);
                        for (int kx = 0; kx < halfNx; kx++)
                            line[kx] *= factor(kx, ky, row[kx]);
                    }
                    finally
                    {
                        ArrayPool<float>.Shared.Return(row);
                    }
                });
            }
        }
    }
}
