using System.Runtime.CompilerServices;

namespace Concord.Core.Fourier;

/// <summary>
/// The one place where Concord's Fourier indexing is defined.
/// <list type="bullet">
/// <item>Real data: x fastest, origin (the centre of an image or volume) at pixel N/2 along each axis, as in RELION.</item>
/// <item>Half-complex spectra (FFTW r2c): kx = 0..NX/2 stored at index kx; ky, kz stored in FFT order, index i holds
/// frequency i for i ≤ N/2 and i − N above (for even N the Nyquist index N/2 is +N/2).</item>
/// <item>Frequency in cycles/Å of index k along an axis of N pixels of size p Å is k / (N·p).</item>
/// <item>Shell (ring in 2D) of a frequency (kx, ky, kz): round(√(kx² + (ky·NX/NY)² + (kz·NX/NZ)²)), in units of the
/// x-axis spacing, so cubic boxes get the usual integer radius.</item>
/// </list>
/// </summary>
public static class FourierLayout
{
    /// <summary>Signed frequency stored at FFT-order index <paramref name="index"/> of an axis of length <paramref name="n"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int FrequencyOfIndex(int index, int n) => index <= n / 2 ? index : index - n;

    /// <summary>FFT-order index holding signed frequency <paramref name="frequency"/> (−N/2 &lt; f ≤ N/2 for even N).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int IndexOfFrequency(int frequency, int n) => frequency >= 0 ? frequency : frequency + n;

    /// <summary>Linear index in the half-complex array of frequency (kx ≥ 0, ky, kz).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int HalfComplexIndex(int kx, int ky, int kz, FftShape shape) =>
        (IndexOfFrequency(kz, shape.NZ) * shape.NY + IndexOfFrequency(ky, shape.NY)) * shape.HalfNX + kx;

    /// <summary>Radius in Fourier pixels of the x axis (see the shell rule in the type summary).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Radius(int kx, int ky, int kz, FftShape shape)
    {
        double fy = ky * (double)shape.NX / shape.NY;
        double fz = shape.NZ > 1 ? kz * (double)shape.NX / shape.NZ : 0;
        return Math.Sqrt((double)kx * kx + fy * fy + fz * fz);
    }

    /// <summary>Shell index (rounded radius) of a frequency; shells run 0..NX/2 inside the inscribed sphere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Shell(int kx, int ky, int kz, FftShape shape) => (int)Math.Round(Radius(kx, ky, kz, shape));

    /// <summary>Number of shells inside the inscribed circle/sphere: NX/2 + 1 (shell 0 … Nyquist).</summary>
    public static int ShellCount(FftShape shape) => shape.NX / 2 + 1;

    /// <summary>Spatial frequency in 1/Å of shell <paramref name="shell"/> for a box of <paramref name="boxSize"/> pixels of <paramref name="pixelSizeA"/> Å.</summary>
    public static double ShellFrequency(int shell, int boxSize, double pixelSizeA) => shell / (boxSize * pixelSizeA);

    /// <summary>Resolution in Å of shell <paramref name="shell"/> (∞ for shell 0).</summary>
    public static double ShellResolutionA(int shell, int boxSize, double pixelSizeA) =>
        shell == 0 ? double.PositiveInfinity : boxSize * pixelSizeA / shell;

    /// <summary>
    /// Calls <paramref name="visit"/> for every element of a half-complex array with its linear index and signed
    /// frequency. Row-major, so the linear index increases by one per call.
    /// </summary>
    public static void ForEach(FftShape shape, Action<int, int, int, int> visit)
    {
        int i = 0;
        for (int z = 0; z < shape.NZ; z++)
        {
            int kz = FrequencyOfIndex(z, shape.NZ);
            for (int y = 0; y < shape.NY; y++)
            {
                int ky = FrequencyOfIndex(y, shape.NY);
                for (int kx = 0; kx < shape.HalfNX; kx++)
                    visit(i++, kx, ky, kz);
            }
        }
    }
}
