using Concord.Core.Fourier;

namespace Concord.Core.Projection;

/// <summary>
/// Converts between an FFT taken about index 0 and one taken about the box centre c = N/2 (RELION's origin):
/// F_c(k) = F_0(k) · e^{+2πi k·c/N}. For even N this is the sign pattern (−1)^(kx+ky+kz).
/// </summary>
public static class SpectrumCentering
{
    /// <summary>Multiplies a half-complex spectrum by e^{sign·2πi k·c/N}: sign = +1 centres, −1 un-centres.</summary>
    /// <remarks>Centring is the translation of the content by −c (see <see cref="PhaseShift"/>'s sign convention).</remarks>
    public static void Apply(Span<Complex32> spectrum, FftShape shape, int sign)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(spectrum.Length, shape.ComplexLength, "spectrum centring");
        PhaseShift.ApplyToSpectrum(spectrum, shape, -sign * (shape.NX / 2), shape.Rank > 1 ? -sign * (shape.NY / 2) : 0, shape.Rank > 2 ? -sign * (shape.NZ / 2) : 0);
    }
}
