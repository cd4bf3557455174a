namespace Concord.Core.Fourier;

/// <summary>Transform sizes that FFT libraries handle with their fastest kernels.</summary>
public static class FftSizes
{
    /// <summary>
    /// The smallest even n' ≥ <paramref name="n"/> of the form 2^a·3^b·5^c. Sizes with a large prime factor (460 = 4·5·23)
    /// fall back to FFTW's generic codelets and can cost several times more than the next friendly size (480).
    /// </summary>
    public static int Friendly(int n)
    {
        if (n > 1 << 30)
            throw new InvalidParameterException("n", $"transform size {n} is larger than 2³⁰.");
        for (int m = Math.Max(2, n + (n & 1)); ; m += 2)
        {
            int r = m;
            foreach (int p in (ReadOnlySpan<int>)[2, 3, 5])
            {
                while (r % p == 0)
                    r /= p;
            }
            if (r == 1)
                return m;
        }
    }
}
