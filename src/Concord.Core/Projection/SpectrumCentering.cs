using Concord.Core.Fourier;

namespace Concord.Core.Projection;

/// <summary>
/// Converts between an FFT taken about index 0 and one taken about the box centre c = N/2 (RELION's origin):
/// F_c(k) = F_0(k) · e^{+2πi k·c/N}. For even N this is the sign pattern (−1)^(kx+ky+kz).
/// </summary>
public static class SpectrumCentering
{
    /// <summary>Multiplies a half-complex spectrum by e^{sign·2πi k·c/N}: sign = +1 centres, −1 un-centres.</summary>
    public static void Apply(Span<Complex32> spectrum, FftShape shape, int sign)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(spectrum.Length, shape.ComplexLength, "spectrum centring");
        var px = Phases(shape.HalfNX, shape.NX, sign, full: false);
        var py = Phases(shape.NY, shape.NY, sign, full: true);
        var pz = Phases(shape.NZ, shape.NZ, sign, full: true);
        int hx = shape.HalfNX, i = 0;
        for (int z = 0; z < shape.NZ; z++)
            for (int y = 0; y < shape.NY; y++)
            {
                var pyz = py[y] * pz[z];
                for (int x = 0; x < hx; x++, i++)
                    spectrum[i] *= px[x] * pyz;
            }
    }

    private static Complex32[] Phases(int count, int n, int sign, bool full)
    {
        var table = new Complex32[count];
        int c = n / 2;
        for (int i = 0; i < count; i++)
        {
            int k = full ? FourierLayout.FrequencyOfIndex(i, n) : i;
            // Reduce k·c modulo n before the trigonometry so large boxes keep full precision.
            long turns = ((long)k * c) % n;
            table[i] = Complex32.FromPhase(sign * 2 * Math.PI * turns / n);
        }
        return table;
    }
}
