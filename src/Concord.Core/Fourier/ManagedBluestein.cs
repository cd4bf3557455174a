using System.Runtime.InteropServices;

namespace Concord.Core.Fourier;

/// <summary>
/// Bluestein's chirp-z algorithm (Bluestein 1970; Rabiner, Schafer &amp; Rader 1969) for lengths with a large prime
/// factor: with c[j] = e^{−πi j²/n}, X[k] = c[k] · Σ_j (x[j]·c[j]) · c*[k − j], a circular convolution computed
/// with power-of-two FFTs of length M ≥ 2n − 1. Works on the same [n][Lanes] layout as
/// <see cref="ManagedComplexFft"/>; immutable, so shareable across threads.
/// </summary>
internal sealed class ManagedBluestein
{
    private const int Lanes = ManagedComplexFft.Lanes;

    private readonly int _n;
    private readonly ManagedComplexFft _padded;
    private readonly Complex32[] _chirp;       // c[j], j < n
    private readonly Complex32[] _kernel;      // FFT_M of the chirp filter, pre-divided by M

    public ManagedBluestein(int n)
    {
        _n = n;
        PaddedLength = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)((2 * n) - 1));
        _padded = new ManagedComplexFft(PaddedLength);
        _chirp = new Complex32[n];
        for (int j = 0; j < n; j++)
            _chirp[j] = Complex32.FromPhase(-Math.PI * ((long)j * j % (2L * n)) / n);
        _kernel = BuildKernel();
    }

    public int PaddedLength { get; }

    private Complex32[] BuildKernel()
    {
        int m = PaddedLength;
        var a = new float[m * Lanes * 2];
        var b = new float[m * Lanes * 2];
        var filter = MemoryMarshal.Cast<float, Complex32>(a.AsSpan());
        for (int j = 0; j < _n; j++)
        {
            filter[j * Lanes] = _chirp[j].Conjugate;
            if (j > 0)
                filter[(m - j) * Lanes] = _chirp[j].Conjugate;
        }
        var spectrum = MemoryMarshal.Cast<float, Complex32>(_padded.Forward(a, b));
        var kernel = new Complex32[m];
        for (int k = 0; k < m; k++)
            kernel[k] = spectrum[k * Lanes] * (1f / m);
        return kernel;
    }

    public Span<float> Forward(Span<float> data, Span<float> work)
    {
        int m = PaddedLength;
        var x = MemoryMarshal.Cast<float, Complex32>(data);
        for (int j = 0; j < _n; j++)
            for (int l = 0; l < Lanes; l++)
                x[(j * Lanes) + l] *= _chirp[j];
        x.Slice(_n * Lanes, (m - _n) * Lanes).Clear();
        var first = _padded.Forward(data, work);
        var spectrum = MemoryMarshal.Cast<float, Complex32>(first);
        // Multiply by the filter and conjugate, so the second forward FFT acts as the inverse (conj trick).
        for (int k = 0; k < m; k++)
            for (int l = 0; l < Lanes; l++)
            {
                ref var v = ref spectrum[(k * Lanes) + l];
                v = (v * _kernel[k]).Conjugate;
            }
        var second = _padded.Forward(first, first == data ? work : data);
        var result = MemoryMarshal.Cast<float, Complex32>(second);
        for (int k = 0; k < _n; k++)
            for (int l = 0; l < Lanes; l++)
            {
                ref var v = ref result[(k * Lanes) + l];
                v = v.Conjugate * _chirp[k];
            }
        return second;
    }
}
