using System.Collections.Concurrent;

namespace Concord.Core.Fourier;

/// <summary>
/// Direct (non-fast) separable DFT in double precision: O(N·Σn) work. It is the ground truth the fast backends are
/// tested against, and small enough to trust by reading. Use only for small sizes.
/// </summary>
public sealed class ReferenceDftBackend : IFftBackend
{
    private readonly ConcurrentDictionary<FftShape, ReferenceDft> _plans = new();

    public string Name => "reference";

    public IRealFft GetPlan(FftShape shape) => _plans.GetOrAdd(shape, s => new ReferenceDft(s));

    public void Dispose() => _plans.Clear();
}

/// <summary>One shape of <see cref="ReferenceDftBackend"/>.</summary>
public sealed class ReferenceDft : IRealFft
{
    public ReferenceDft(FftShape shape) => Shape = shape;

    public FftShape Shape { get; }

    public void Forward(ReadOnlySpan<float> real, Span<Complex32> spectrum)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(real.Length, Shape.RealLength, "reference DFT forward input");
        ShapeMismatchException.ThrowIfLengthDiffers(spectrum.Length, Shape.ComplexLength, "reference DFT forward output");
        int nx = Shape.NX, ny = Shape.NY, nz = Shape.NZ, hx = Shape.HalfNX;
        var work = new (double Re, double Im)[hx * ny * nz];
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
            {
                int rowIn = (z * ny + y) * nx, rowOut = (z * ny + y) * hx;
                for (int k = 0; k < hx; k++)
                {
                    double re = 0, im = 0;
                    for (int n = 0; n < nx; n++)
                    {
                        double a = -2 * Math.PI * ((long)k * n % nx) / nx;
                        re += real[rowIn + n] * Math.Cos(a);
                        im += real[rowIn + n] * Math.Sin(a);
                    }
                    work[rowOut + k] = (re, im);
                }
            }
        TransformAxis(work, hx, ny, nz, axis: 1, sign: -1);
        TransformAxis(work, hx, ny, nz, axis: 2, sign: -1);
        for (int i = 0; i < work.Length; i++)
            spectrum[i] = new Complex32((float)work[i].Re, (float)work[i].Im);
    }

    public void Inverse(ReadOnlySpan<Complex32> spectrum, Span<float> real)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(spectrum.Length, Shape.ComplexLength, "reference DFT inverse input");
        ShapeMismatchException.ThrowIfLengthDiffers(real.Length, Shape.RealLength, "reference DFT inverse output");
        int nx = Shape.NX, ny = Shape.NY, nz = Shape.NZ, hx = Shape.HalfNX;
        var work = new (double Re, double Im)[hx * ny * nz];
        for (int i = 0; i < work.Length; i++)
            work[i] = (spectrum[i].Re, spectrum[i].Im);
        TransformAxis(work, hx, ny, nz, axis: 2, sign: +1);
        TransformAxis(work, hx, ny, nz, axis: 1, sign: +1);
        double scale = 1.0 / Shape.RealLength;
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
            {
                int rowIn = (z * ny + y) * hx, rowOut = (z * ny + y) * nx;
                for (int n = 0; n < nx; n++)
                {
                    // Full-length inverse DFT along x using Hermitian symmetry: X[nx−k] = conj(X[k]).
                    double sum = 0;
                    for (int k = 0; k < nx; k++)
                    {
                        var (re, im) = k < hx ? work[rowIn + k] : (work[rowIn + nx - k].Re, -work[rowIn + nx - k].Im);
                        double a = 2 * Math.PI * ((long)k * n % nx) / nx;
                        sum += re * Math.Cos(a) - im * Math.Sin(a);
                    }
                    real[rowOut + n] = (float)(sum * scale);
                }
            }
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

    /// <summary>Complex DFT in place along y (axis 1) or z (axis 2) of a hx × ny × nz complex array.</summary>
    private static void TransformAxis((double Re, double Im)[] data, int hx, int ny, int nz, int axis, int sign)
    {
        int n = axis == 1 ? ny : nz;
        if (n == 1)
            return;
        int stride = axis == 1 ? hx : hx * ny;
        int lines = axis == 1 ? hx * nz : hx * ny;
        var line = new (double Re, double Im)[n];
        for (int l = 0; l < lines; l++)
        {
            int start = axis == 1 ? (l / hx) * hx * ny + l % hx : l;
            for (int i = 0; i < n; i++)
                line[i] = data[start + i * stride];
            for (int k = 0; k < n; k++)
            {
                double re = 0, im = 0;
                for (int j = 0; j < n; j++)
                {
                    double a = sign * 2 * Math.PI * ((long)k * j % n) / n;
                    double c = Math.Cos(a), s = Math.Sin(a);
                    re += line[j].Re * c - line[j].Im * s;
                    im += line[j].Re * s + line[j].Im * c;
                }
                data[start + k * stride] = (re, im);
            }
        }
    }
}
