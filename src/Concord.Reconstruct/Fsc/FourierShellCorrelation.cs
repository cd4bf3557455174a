using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Imaging;

namespace Concord.Reconstruct.Fsc;

/// <summary>
/// Fourier shell correlation between two maps (Harauz &amp; van Heel 1986):
/// FSC(s) = Σ Re(F₁·F₂*) / √(Σ|F₁|² · Σ|F₂|²) over the components of shell s. Shells follow
/// <see cref="FourierLayout.Shell"/>; components beyond Nyquist (the corners of the cube) are ignored, as in RELION.
/// </summary>
public static class FourierShellCorrelation
{
    /// <summary>FSC of two volumes of equal shape (cubic boxes).</summary>
    public static FscCurve Compute(Volume a, Volume b, IFftBackend fft)
    {
        a.RequireSameShape(b, "FSC");
        if (!a.IsCube)
            throw new InvalidDimensionsException($"FSC needs cubic boxes, got {a.NX}×{a.NY}×{a.NZ}.");
        var shape = new FftShape(a.NX, a.NY, a.NZ);
        var plan = fft.GetPlan(shape);
        var fa = new Complex32[shape.ComplexLength];
        var fb = new Complex32[shape.ComplexLength];
        plan.Forward(a.Span, fa);
        plan.Forward(b.Span, fb);
        return FromSpectra(fa, fb, shape, a.PixelSizeA);
    }

    /// <summary>FSC of two half-complex spectra of the same shape.</summary>
    public static FscCurve FromSpectra(ReadOnlySpan<Complex32> fa, ReadOnlySpan<Complex32> fb, FftShape shape, double pixelSizeA)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(fa.Length, shape.ComplexLength, "FSC first spectrum");
        ShapeMismatchException.ThrowIfLengthDiffers(fb.Length, shape.ComplexLength, "FSC second spectrum");
        int shells = FourierLayout.ShellCount(shape);
        var cross = new double[shells];
        var powerA = new double[shells];
        var powerB = new double[shells];
        var count = new long[shells];
        int hx = shape.HalfNX;
        int i = 0;
        for (int z = 0; z < shape.NZ; z++)
        {
            int kz = FourierLayout.FrequencyOfIndex(z, shape.NZ);
            for (int y = 0; y < shape.NY; y++)
            {
                int ky = FourierLayout.FrequencyOfIndex(y, shape.NY);
                for (int kx = 0; kx < hx; kx++, i++)
                {
                    int s = FourierLayout.Shell(kx, ky, kz, shape);
                    if (s >= shells)
                        continue;
                    // Interior columns stand for themselves and their Friedel mates (absent from the half-complex array).
                    int weight = kx == 0 || (kx == shape.NX / 2 && shape.NX % 2 == 0) ? 1 : 2;
                    var p = fa[i];
                    var q = fb[i];
                    cross[s] += weight * ((double)p.Re * q.Re + (double)p.Im * q.Im);
                    powerA[s] += weight * ((double)p.Re * p.Re + (double)p.Im * p.Im);
                    powerB[s] += weight * ((double)q.Re * q.Re + (double)q.Im * q.Im);
                    count[s] += weight;
                }
            }
        }
        var fsc = new double[shells];
        for (int s = 0; s < shells; s++)
        {
            double denominator = Math.Sqrt(powerA[s] * powerB[s]);
            fsc[s] = denominator > 0 ? cross[s] / denominator : 0;
        }
        fsc[0] = 1; // The DC term alone: correlation of two numbers of equal sign; defined as 1 by convention, as RELION does.
        return new FscCurve(fsc, count, shape.NX, pixelSizeA);
    }
}
