using System.Buffers;

namespace Concord.Core.Fourier;

/// <summary>
/// One shape of <see cref="ManagedFftBackend"/>. A transform is separable passes over the half-complex array:
/// forward = x (real rows → half spectra, <see cref="ManagedRealFft"/>.Rows), then y, then z (complex columns);
/// inverse runs them backwards. Every pass works on blocks of <see cref="ManagedComplexFft.Lanes"/> rows or
/// columns copied into a small [n][lanes] buffer, so the FFT kernel always runs SIMD over contiguous memory and
/// the strided y/z reads touch whole cache lines. Blocks are independent and spread over threads with
/// <c>Parallel.For</c>. The plan is immutable; scratch is rented per worker, so any number of threads may share it.
/// </summary>
internal sealed unsafe partial class ManagedRealFft : IRealFft
{
    private const int Lanes = ManagedComplexFft.Lanes;

    private readonly ManagedComplexFft _xFft;
    private readonly ManagedComplexFft? _yFft, _zFft;
    private readonly float[] _halfTwiddles; // (cos, sin) of e^{−2πik/NX}, k ≤ NX/2, for the even-length real split
    private readonly int _scratchFloats;
    private readonly int _degree;

    public ManagedRealFft(FftShape shape, int degree)
    {
        Shape = shape;
        _degree = degree;
        _xFft = new ManagedComplexFft(shape.NX % 2 == 0 ? shape.NX / 2 : shape.NX);
        _yFft = shape.NY > 1 ? new ManagedComplexFft(shape.NY) : null;
        _zFft = shape.NZ > 1 ? new ManagedComplexFft(shape.NZ) : null;
        _scratchFloats = Math.Max(_xFft.BufferLength, Math.Max(_yFft?.BufferLength ?? 0, _zFft?.BufferLength ?? 0));
        _halfTwiddles = new float[Shape.HalfNX * 2];
        for (int k = 0; k < Shape.HalfNX; k++)
        {
            double a = -2 * Math.PI * k / shape.NX;
            _halfTwiddles[2 * k] = (float)Math.Cos(a);
            _halfTwiddles[(2 * k) + 1] = (float)Math.Sin(a);
        }
    }

    public FftShape Shape { get; }

    public void Forward(ReadOnlySpan<float> real, Span<Complex32> spectrum)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(real.Length, Shape.RealLength, "managed FFT forward input");
        ShapeMismatchException.ThrowIfLengthDiffers(spectrum.Length, Shape.ComplexLength, "managed FFT forward output");
        fixed (float* r = real)
        fixed (Complex32* c = spectrum)
            ForwardCore(r, c, _degree);
    }

    public void Inverse(ReadOnlySpan<Complex32> spectrum, Span<float> real)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(spectrum.Length, Shape.ComplexLength, "managed FFT inverse input");
        ShapeMismatchException.ThrowIfLengthDiffers(real.Length, Shape.RealLength, "managed FFT inverse output");
        fixed (Complex32* c = spectrum)
        fixed (float* r = real)
            InverseCore(c, r, _degree);
    }

    public void ForwardBatch(ReadOnlySpan<float> reals, Span<Complex32> spectra, int count)
    {
        CheckBatch(reals.Length, spectra.Length, count, "managed FFT forward batch");
        fixed (float* r = reals)
        fixed (Complex32* c = spectra)
        {
            nint rp = (nint)r, cp = (nint)c;
            RunImages(count, (i, degree) => ForwardCore((float*)rp + ((long)i * Shape.RealLength), (Complex32*)cp + ((long)i * Shape.ComplexLength), degree));
        }
    }

    public void InverseBatch(ReadOnlySpan<Complex32> spectra, Span<float> reals, int count)
    {
        CheckBatch(reals.Length, spectra.Length, count, "managed FFT inverse batch");
        fixed (float* r = reals)
        fixed (Complex32* c = spectra)
        {
            nint rp = (nint)r, cp = (nint)c;
            RunImages(count, (i, degree) => InverseCore((Complex32*)cp + ((long)i * Shape.ComplexLength), (float*)rp + ((long)i * Shape.RealLength), degree));
        }
    }

    private void CheckBatch(int realLength, int complexLength, int count, string what)
    {
        if (count < 0)
            throw new InvalidParameterException(nameof(count), $"{what}: count must be ≥ 0, got {count}.");
        ShapeMismatchException.ThrowIfLengthDiffers(realLength, (long)count * Shape.RealLength, what + " real");
        ShapeMismatchException.ThrowIfLengthDiffers(complexLength, (long)count * Shape.ComplexLength, what + " spectra");
    }

    /// <summary>
    /// With at least as many images as threads, whole images go to threads (each transform single-threaded, best
    /// cache use); otherwise images run one after another, each spread over the threads.
    /// </summary>
    private void RunImages(int count, Action<int, int> transform)
    {
        if (count >= _degree && _degree > 1)
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = _degree }, i => transform(i, 1));
        else
            for (int i = 0; i < count; i++)
                transform(i, _degree);
    }

    private void ForwardCore(float* real, Complex32* spectrum, int degree)
    {
        int hx = Shape.HalfNX, ny = Shape.NY, nz = Shape.NZ;
        nint r = (nint)real, c = (nint)spectrum;
        int rows = ny * nz;
        ForEachBlock(Blocks(rows), degree, (b, s) => ForwardRows((float*)r, (Complex32*)c, b * Lanes, Math.Min(Lanes, rows - (b * Lanes)), s));
        if (_yFft is not null)
            ForEachBlock(nz * Blocks(hx), degree, (b, s) => YBlock((Complex32*)c, (Complex32*)c, b, conjugate: false, s));
        if (_zFft is not null)
            ForEachBlock(Blocks(hx * ny), degree, (b, s) => ZBlock((Complex32*)c, (Complex32*)c, b, conjugate: false, s));
    }

    /// <summary>
    /// Inverse via IDFT(X) = conj(DFT(conj X)) along y and z: the first column pass conjugates while it gathers
    /// from the caller's spectrum into pooled scratch (which also keeps the input unmodified), later passes run
    /// plain forward transforms, and the x pass conjugates again as it reads.
    /// </summary>
    private void InverseCore(Complex32* spectrum, float* real, int degree)
    {
        int hx = Shape.HalfNX, ny = Shape.NY, nz = Shape.NZ, rows = ny * nz;
        nint r = (nint)real;
        if (Shape.Rank == 1)
        {
            nint c1 = (nint)spectrum;
            ForEachBlock(Blocks(rows), degree, (b, s) => InverseRows((Complex32*)c1, (float*)r, b * Lanes, Math.Min(Lanes, rows - (b * Lanes)), false, s));
            return;
        }
        var copy = ArrayPool<Complex32>.Shared.Rent(Shape.ComplexLength);
        try
        {
            fixed (Complex32* work = copy)
            {
                nint src = (nint)spectrum, w = (nint)work;
                if (_zFft is not null)
                {
                    ForEachBlock(Blocks(hx * ny), degree, (b, s) => ZBlock((Complex32*)src, (Complex32*)w, b, conjugate: true, s));
                    ForEachBlock(nz * Blocks(hx), degree, (b, s) => YBlock((Complex32*)w, (Complex32*)w, b, conjugate: false, s));
                }
                else
                {
                    ForEachBlock(Blocks(hx), degree, (b, s) => YBlock((Complex32*)src, (Complex32*)w, b, conjugate: true, s));
                }
                ForEachBlock(Blocks(rows), degree, (b, s) => InverseRows((Complex32*)w, (float*)r, b * Lanes, Math.Min(Lanes, rows - (b * Lanes)), true, s));
            }
        }
        finally
        {
            ArrayPool<Complex32>.Shared.Return(copy);
        }
    }

    private static int Blocks(int n) => (n + Lanes - 1) / Lanes;

    /// <summary>Runs <paramref name="body"/> for each block, with one pair of scratch buffers per worker.</summary>
    private void ForEachBlock(int blocks, int degree, Action<int, Scratch> body)
    {
        if (degree <= 1 || blocks == 1)
        {
            var scratch = new Scratch(_scratchFloats);
            try
            {
                for (int b = 0; b < blocks; b++)
                    body(b, scratch);
            }
            finally
            {
                scratch.Dispose();
            }
            return;
        }
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = degree },
            () => new Scratch(_scratchFloats),
            (b, _, scratch) => { body(b, scratch); return scratch; },
            scratch => scratch.Dispose());
    }

    /// <summary>Two pooled [n][lanes] buffers for the Stockham ping-pong.</summary>
    private sealed class Scratch : IDisposable
    {
        public Scratch(int floats)
        {
            A = ArrayPool<float>.Shared.Rent(floats);
            B = ArrayPool<float>.Shared.Rent(floats);
        }

        public float[] A { get; }
        public float[] B { get; }

        public void Dispose()
        {
            ArrayPool<float>.Shared.Return(A);
            ArrayPool<float>.Shared.Return(B);
        }
    }
}
