using Concord.Core;
using Concord.Core.Fourier;

namespace Concord.Reconstruct.Fsc;

/// <summary>
/// Replaces the phases of all Fourier components beyond a shell by uniformly random ones, keeping amplitudes
/// (Chen et al. 2013). Hermitian symmetry of the half-complex planes kx = 0 and kx = N/2 is preserved, so the
/// inverse transform is a real map whose spectrum is exactly the randomised one.
/// </summary>
public static class PhaseRandomization
{
    /// <summary>
    /// Randomises the phases of every component with |k| ≥ <paramref name="fromShell"/> (grid units), the boundary
    /// relion_postprocess uses (randomizePhasesBeyond tests kx² + ky² + kz² ≥ shell²), so the two programs randomise
    /// exactly the same components.
    /// </summary>
    public static void RandomizeFrom(Span<Complex32> spectrum, FftShape shape, int fromShell, int seed)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(spectrum.Length, shape.ComplexLength, "phase randomisation spectrum");
        var random = new Random(seed);
        int hx = shape.HalfNX;
        bool evenX = shape.NX % 2 == 0;
        int i = 0;
        for (int z = 0; z < shape.NZ; z++)
        {
            int kz = FourierLayout.FrequencyOfIndex(z, shape.NZ);
            for (int y = 0; y < shape.NY; y++)
            {
                int ky = FourierLayout.FrequencyOfIndex(y, shape.NY);
                for (int kx = 0; kx < hx; kx++, i++)
                {
                    if (kx * kx + ky * ky + kz * kz < fromShell * fromShell)
                        continue;
                    double phase = random.NextDouble() * 2 * Math.PI;
                    bool selfMirroredPlane = kx == 0 || (evenX && kx == shape.NX / 2);
                    if (!selfMirroredPlane)
                    {
                        spectrum[i] = Complex32.FromPhase(phase) * spectrum[i].Magnitude;
                        continue;
                    }
                    // In the kx = 0 (and Nyquist) plane the component at (−ky, −kz) is the conjugate of this one.
                    int mirrorY = FourierLayout.IndexOfFrequency(Mirror(ky, shape.NY), shape.NY);
                    int mirrorZ = FourierLayout.IndexOfFrequency(Mirror(kz, shape.NZ), shape.NZ);
                    int mirror = (mirrorZ * shape.NY + mirrorY) * hx + kx;
                    if (mirror == i)
                        spectrum[i] = new Complex32(phase < Math.PI ? spectrum[i].Magnitude : -spectrum[i].Magnitude, 0);
                    else if (mirror > i)
                    {
                        var value = Complex32.FromPhase(phase) * spectrum[i].Magnitude;
                        spectrum[i] = value;
                        spectrum[mirror] = value.Conjugate;
                    }
                }
            }
        }
    }

    /// <summary>−k folded back into the stored range (the Nyquist frequency of an even axis is its own mirror).</summary>
    private static int Mirror(int k, int n) => (n % 2 == 0 && k == n / 2) ? k : -k;
}
