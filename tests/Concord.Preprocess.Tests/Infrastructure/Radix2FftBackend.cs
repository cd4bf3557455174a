using System.Collections.Concurrent;

using Concord.Core;
using Concord.Core.Fourier;

namespace Concord.Preprocess.Tests.Infrastructure;

/// <summary>
/// A small radix-2 Cooley–Tukey FFT for 2D shapes, in double precision (axes whose length is not a power of two, such
/// as the FFT-friendly crops of motion correction, fall back to a direct O(n²) DFT along that axis), so the accuracy tests can use
/// realistic frame counts and sizes in seconds where the O(N²) <see cref="ReferenceDftBackend"/> takes minutes. It is
/// checked against the reference DFT in <see cref="Radix2FftBackendTests"/>. Same layout and scaling as every
/// <see cref="IFftBackend"/>: unscaled forward, inverse divided by N.
/// </summary>
internal sealed class Radix2FftBackend : IFftBackend
{
    private readonly ConcurrentDictionary<FftShape, Radix2Fft> _plans = new();

    public string Name => "radix2-test";

    public IRealFft GetPlan(FftShape shape) => _plans.GetOrAdd(shape, s => new Radix2Fft(s));

    public void Dispose() => _plans.Clear();
}

internal sealed class Radix2Fft : IRealFft
{
    public Radix2Fft(FftShape shape)
    {
        if (shape.NZ != 1)
            throw new InvalidDimensionsException($"Radix2Fft handles 2D shapes only, got {shape}.");
        Shape = shape;
    }

    public FftShape Shape { get; }

    public void Forward(ReadOnlySpan<float> real, Span<Complex32> spectrum)
    {
        int nx = Shape.NX, ny = Shape.NY, hx = Shape.HalfNX;
        var re = new double[nx * ny];
        var im = new double[nx * ny];
        for (int i = 0; i < re.Length; i++)
            re[i] = real[i];
        Transform2D(re, im, nx, ny, -1);
        for (int y = 0; y < ny; y++)
            for (int x = 0; x < hx; x++)
                spectrum[(y * hx) + x] = new Complex32((float)re[(y * nx) + x], (float)im[(y * nx) + x]);
    }

    public void Inverse(ReadOnlySpan<Complex32> spectrum, Span<float> real)
    {
        int nx = Shape.NX, ny = Shape.NY, hx = Shape.HalfNX;
        var re = new double[nx * ny];
        var im = new double[nx * ny];
        for (int y = 0; y < ny; y++)
            for (int x = 0; x < nx; x++)
            {
                // Hermitian symmetry fills kx > NX/2: X(kx, ky) = conj(X(NX − kx, −ky)).
                var v = x < hx ? spectrum[(y * hx) + x] : spectrum[(((ny - y) % ny) * hx) + nx - x].Conjugate;
                re[(y * nx) + x] = v.Re;
                im[(y * nx) + x] = v.Im;
            }
        Transform2D(re, im, nx, ny, +1);
        double scale = 1.0 / (nx * ny);
        for (int i = 0; i < re.Length; i++)
            real[i] = (float)(re[i] * scale);
    }

    public void ForwardBatch(ReadOnlySpan<float> reals, Span<Complex32> spectra, int count)
    {
        for (int i = 0; i < count; i++)
            Forward(reals.Slice(i * Shape.RealLength, Shape.RealLength), spectra.Slice(i * Shape.ComplexLength, Shape.ComplexLength));
    }

    public void InverseBatch(ReadOnlySpan<Complex32> spectra, Span<float> reals, int count)
    {
        for (int i = 0; i < count; i++)
            Inverse(spectra.Slice(i * Shape.ComplexLength, Shape.ComplexLength), reals.Slice(i * Shape.RealLength, Shape.RealLength));
    }

    private static void Transform2D(double[] re, double[] im, int nx, int ny, int sign)
    {
        var lr = new double[Math.Max(nx, ny)];
        var li = new double[Math.Max(nx, ny)];
        for (int y = 0; y < ny; y++)
        {
            Array.Copy(re, y * nx, lr, 0, nx);
            Array.Copy(im, y * nx, li, 0, nx);
            Fft1D(lr, li, nx, sign);
            Array.Copy(lr, 0, re, y * nx, nx);
            Array.Copy(li, 0, im, y * nx, nx);
        }
        for (int x = 0; x < nx; x++)
        {
            for (int y = 0; y < ny; y++)
            {
                lr[y] = re[(y * nx) + x];
                li[y] = im[(y * nx) + x];
            }
            Fft1D(lr, li, ny, sign);
            for (int y = 0; y < ny; y++)
            {
                re[(y * nx) + x] = lr[y];
                im[(y * nx) + x] = li[y];
            }
        }
    }

    /// <summary>In-place iterative radix-2 transform of the first n values, kernel e^{sign·2πi·jk/n}.</summary>
    private static void Fft1D(double[] re, double[] im, int n, int sign)
    {
        if (!IsPowerOfTwo(n))
        {
            Dft1D(re, im, n, sign);
            return;
        }
        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
                j ^= bit;
            j |= bit;
            if (i < j)
            {
                (re[i], re[j]) = (re[j], re[i]);
                (im[i], im[j]) = (im[j], im[i]);
            }
        }
        for (int length = 2; length <= n; length <<= 1)
        {
            double angle = sign * 2 * Math.PI / length;
            for (int start = 0; start < n; start += length)
                for (int k = 0; k < length / 2; k++)
                {
                    double wr = Math.Cos(angle * k), wi = Math.Sin(angle * k);
                    int a = start + k, b = a + (length / 2);
                    double tr = (re[b] * wr) - (im[b] * wi), ti = (re[b] * wi) + (im[b] * wr);
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
        }
    }

    /// <summary>Direct transform of the first n values, same kernel as <see cref="Fft1D"/>.</summary>
    private static void Dft1D(double[] re, double[] im, int n, int sign)
    {
        var outRe = new double[n];
        var outIm = new double[n];
        var cos = new double[n];
        var sin = new double[n];
        for (int m = 0; m < n; m++)
        {
            cos[m] = Math.Cos(2 * Math.PI * m / n);
            sin[m] = sign * Math.Sin(2 * Math.PI * m / n);
        }
        for (int k = 0; k < n; k++)
            for (int j = 0; j < n; j++)
            {
                int m = (int)((long)j * k % n);
                double wr = cos[m], wi = sin[m];
                outRe[k] += (re[j] * wr) - (im[j] * wi);
                outIm[k] += (re[j] * wi) + (im[j] * wr);
            }
        Array.Copy(outRe, re, n);
        Array.Copy(outIm, im, n);
    }

    private static bool IsPowerOfTwo(int n) => n > 0 && (n & (n - 1)) == 0;
}
