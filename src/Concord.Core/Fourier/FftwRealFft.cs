using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Concord.Core.Fourier;

/// <summary>One shape of <see cref="FftwBackend"/>: thin, thread-safe calls into cached native plans.</summary>
internal sealed unsafe class FftwRealFft : IRealFft
{
    private readonly FftwPlanCache _cache;
    private readonly int _degree;

    public FftwRealFft(FftShape shape, FftwPlanCache cache, int degree)
    {
        Shape = shape;
        _cache = cache;
        _degree = degree;
    }

    public FftShape Shape { get; }

    public void Forward(ReadOnlySpan<float> real, Span<Complex32> spectrum)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(real.Length, Shape.RealLength, "FFTW forward input");
        ShapeMismatchException.ThrowIfLengthDiffers(spectrum.Length, Shape.ComplexLength, "FFTW forward output");
        ExecuteForward(real, spectrum, 1);
    }

    public void Inverse(ReadOnlySpan<Complex32> spectrum, Span<float> real)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(spectrum.Length, Shape.ComplexLength, "FFTW inverse input");
        ShapeMismatchException.ThrowIfLengthDiffers(real.Length, Shape.RealLength, "FFTW inverse output");
        ExecuteInverse(spectrum, real, 1);
    }

    public void ForwardBatch(ReadOnlySpan<float> reals, Span<Complex32> spectra, int count)
    {
        CheckBatch(reals.Length, spectra.Length, count, "FFTW forward batch");
        if (count == 0)
            return;
        fixed (float* r = reals)
        fixed (Complex32* c = spectra)
        {
            nint rp = (nint)r, cp = (nint)c;
            RunChunks(count, (start, n) => ExecuteForward(
                new ReadOnlySpan<float>((float*)rp + ((long)start * Shape.RealLength), n * Shape.RealLength),
                new Span<Complex32>((Complex32*)cp + ((long)start * Shape.ComplexLength), n * Shape.ComplexLength), n));
        }
    }

    public void InverseBatch(ReadOnlySpan<Complex32> spectra, Span<float> reals, int count)
    {
        CheckBatch(reals.Length, spectra.Length, count, "FFTW inverse batch");
        if (count == 0)
            return;
        fixed (float* r = reals)
        fixed (Complex32* c = spectra)
        {
            nint rp = (nint)r, cp = (nint)c;
            RunChunks(count, (start, n) => ExecuteInverse(
                new ReadOnlySpan<Complex32>((Complex32*)cp + ((long)start * Shape.ComplexLength), n * Shape.ComplexLength),
                new Span<float>((float*)rp + ((long)start * Shape.RealLength), n * Shape.RealLength), n));
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
    /// Splits a batch into at most <c>_degree</c> contiguous chunks of near-equal size (two distinct sizes, so two
    /// plans) and runs one single-threaded FFTW plan per chunk on its own thread.
    /// </summary>
    private void RunChunks(int count, Action<int, int> chunk)
    {
        int parts = Math.Min(_degree, count);
        if (parts <= 1)
        {
            chunk(0, count);
            return;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = parts };
        Parallel.For(0, parts, options, p =>
        {
            int start = (int)((long)count * p / parts), end = (int)((long)count * (p + 1) / parts);
            chunk(start, end - start);
        });
    }

    private void ExecuteForward(ReadOnlySpan<float> real, Span<Complex32> spectrum, int howMany)
    {
        // Out-of-place r2c never writes its input (FFTW manual, "Planner Flags": FFTW_PRESERVE_INPUT is the default
        // for every transform except c2r/hc2r), so the read-only promise holds without a copy.
        fixed (float* r = real)
        fixed (Complex32* c = spectrum)
        {
            nint plan = _cache.Get(Shape, howMany, forward: true, r, c);
            FftwNative.fftwf_execute_dft_r2c(plan, r, c);
        }
    }

    private void ExecuteInverse(ReadOnlySpan<Complex32> spectrum, Span<float> real, int howMany)
    {
        // c2r destroys its input, and the interface promises the spectrum is untouched, so copy it into pooled
        // scratch; the 1/N scaling is fused into that copy (one SIMD pass instead of a copy plus a scaling pass).
        // The scratch is started at a 32-byte boundary: .NET arrays usually sit 8 bytes off FFTW's alignment, which
        // would keep FFTW from its aligned SIMD codelets on this side of the transform.
        int length = spectrum.Length;
        var scratch = ArrayPool<Complex32>.Shared.Rent(length + ScratchPad);
        try
        {
            fixed (Complex32* block = scratch)
            fixed (float* r = real)
            {
                Complex32* c = block + ((ScratchPad - (int)(((nint)block / sizeof(Complex32)) % ScratchPad)) % ScratchPad);
                TensorPrimitives.Multiply(MemoryMarshal.Cast<Complex32, float>(spectrum), 1f / Shape.RealLength,
                    new Span<float>(c, 2 * length));
                nint plan = _cache.Get(Shape, howMany, forward: false, r, c);
                FftwNative.fftwf_execute_dft_c2r(plan, c, r);
            }
        }
        finally
        {
            ArrayPool<Complex32>.Shared.Return(scratch);
        }
    }

    /// <summary>Complex32 elements per 32 bytes: the pad that lets the scratch start 32-byte aligned.</summary>
    private const int ScratchPad = 4;
}
