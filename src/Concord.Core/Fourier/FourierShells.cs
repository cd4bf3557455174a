namespace Concord.Core.Fourier;

/// <summary>
/// Fourier shell (ring in 2D) helpers over the half-complex layout, following the shell rule of
/// <see cref="FourierLayout"/>: shell = round(radius in x-axis Fourier pixels); shells 0 … NX/2 lie inside the inscribed
/// circle/sphere, elements beyond it (the corners) belong to no shell.
/// <para>
/// The half-complex array stores only kx ≥ 0. An element with 0 &lt; kx whose mirror −kx is not stored (every kx
/// except 0 and, for even NX, the Nyquist kx = NX/2) stands for two elements of the full spectrum, F(k) and its
/// Hermitian twin F(−k) = conj F(k); <see cref="ElementWeight"/> gives that multiplicity so that shell sums and counts
/// equal those over the full spectrum.
/// </para>
/// </summary>
public static class FourierShells
{
    /// <summary>How many full-spectrum elements the half-complex element at <paramref name="kx"/> represents: 1 or 2.</summary>
    public static int ElementWeight(int kx, FftShape shape) => kx == 0 || (shape.NX % 2 == 0 && kx == shape.NX / 2) ? 1 : 2;

    /// <summary>Shell index of each half-complex element, or −1 beyond the last shell (NX/2).</summary>
    public static int[] ShellIndexMap(FftShape shape)
    {
        var map = new int[shape.ComplexLength];
        int last = FourierLayout.ShellCount(shape) - 1;
        int i = 0;
        for (int z = 0; z < shape.NZ; z++)
        {
            int kz = FourierLayout.FrequencyOfIndex(z, shape.NZ);
            for (int y = 0; y < shape.NY; y++)
            {
                int ky = FourierLayout.FrequencyOfIndex(y, shape.NY);
                for (int kx = 0; kx < shape.HalfNX; kx++)
                {
                    int shell = FourierLayout.Shell(kx, ky, kz, shape);
                    map[i++] = shell <= last ? shell : -1;
                }
            }
        }
        return map;
    }

    /// <summary>Number of full-spectrum elements in each shell 0 … NX/2 (half-complex elements weighted by <see cref="ElementWeight"/>).</summary>
    public static long[] CountPerShell(FftShape shape)
    {
        var counts = new long[FourierLayout.ShellCount(shape)];
        var map = ShellIndexMap(shape);
        for (int i = 0; i < map.Length; i++)
        {
            if (map[i] >= 0)
                counts[map[i]] += ElementWeight(i % shape.HalfNX, shape);
        }
        return counts;
    }

    /// <summary>
    /// Writes 1 into <paramref name="mask"/> (one value per half-complex element) for elements in shells
    /// <paramref name="firstShell"/> … <paramref name="lastShell"/> inclusive, 0 elsewhere.
    /// </summary>
    public static void FillShellMask(Span<float> mask, FftShape shape, int firstShell, int lastShell)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(mask.Length, shape.ComplexLength, "shell mask");
        if (firstShell < 0 || lastShell < firstShell)
            throw new InvalidParameterException("firstShell", $"need 0 ≤ firstShell ≤ lastShell, got {firstShell} … {lastShell}.");
        var map = ShellIndexMap(shape);
        for (int i = 0; i < map.Length; i++)
            mask[i] = map[i] >= firstShell && map[i] <= lastShell ? 1f : 0f;
    }

    /// <summary>Spatial frequency in 1/Å of every shell 0 … NX/2 (shell / (NX·pixel size)).</summary>
    public static double[] ShellFrequencies(FftShape shape, double pixelSizeA)
    {
        ValidatePixelSize(pixelSizeA);
        var frequencies = new double[FourierLayout.ShellCount(shape)];
        for (int s = 0; s < frequencies.Length; s++)
            frequencies[s] = FourierLayout.ShellFrequency(s, shape.NX, pixelSizeA);
        return frequencies;
    }

    /// <summary>
    /// Weighted mean of <paramref name="values"/> (one per half-complex element) over each shell, with the Hermitian
    /// multiplicity of <see cref="ElementWeight"/>, so the result is the mean over the full spectrum's shell.
    /// </summary>
    public static double[] AveragePerShell(ReadOnlySpan<float> values, FftShape shape, out long[] counts)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(values.Length, shape.ComplexLength, "shell average values");
        var sums = new double[FourierLayout.ShellCount(shape)];
        counts = new long[sums.Length];
        int last = sums.Length - 1, i = 0;
        for (int z = 0; z < shape.NZ; z++)
        {
            int kz = FourierLayout.FrequencyOfIndex(z, shape.NZ);
            for (int y = 0; y < shape.NY; y++)
            {
                int ky = FourierLayout.FrequencyOfIndex(y, shape.NY);
                for (int kx = 0; kx < shape.HalfNX; kx++, i++)
                {
                    int shell = FourierLayout.Shell(kx, ky, kz, shape);
                    if (shell > last)
                        continue;
                    int weight = ElementWeight(kx, shape);
                    sums[shell] += weight * (double)values[i];
                    counts[shell] += weight;
                }
            }
        }
        for (int s = 0; s < sums.Length; s++)
            sums[s] = counts[s] > 0 ? sums[s] / counts[s] : 0;
        return sums;
    }

    internal static void ValidatePixelSize(double pixelSizeA)
    {
        if (!(pixelSizeA > 0) || double.IsInfinity(pixelSizeA))
            throw new InvalidParameterException("pixelSizeA", $"must be a positive finite number of Å, got {pixelSizeA}.");
    }
}
