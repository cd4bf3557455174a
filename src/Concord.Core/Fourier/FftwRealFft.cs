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
        // for every transform except c2r/hc2r), so an aligned caller's arrays are used as they are.
        nint plan = _cache.Get(Shape, howMany, forward: true);
        int realLength = real.Length, complexFloats = 2 * spectrum.Length;
        fixed (float* userReal = real)
        fixed (Complex32* userComplex = spectrum)
        {
            bool realAligned = IsAligned(userReal), complexAligned = IsAligned((float*)userComplex);
            if (realAligned && complexAligned)
            {
                FftwNative.fftwf_execute_dft_r2c(plan, userReal, userComplex);
                return;
            }
            // Scratch only for the misaligned side(s), so a pooled block is no larger than needed.
            int realScratch = realAligned ? 0 : realLength + AlignmentFloats;
            var scratch = ArrayPool<float>.Shared.Rent(realScratch + (complexAligned ? 0 : complexFloats + AlignmentFloats));
            try
            {
                fixed (float* block = scratch)
                {
                    float* r = realAligned ? userReal : Align(block);
                    var c = complexAligned ? userComplex : (Complex32*)Align(block + realScratch);
                    if (!realAligned)
                        real.CopyTo(new Span<float>(r, realLength));
                    FftwNative.fftwf_execute_dft_r2c(plan, r, c);
                    if (!complexAligned)
                        new ReadOnlySpan<Complex32>(c, spectrum.Length).CopyTo(spectrum);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        }
    }

    private void ExecuteInverse(ReadOnlySpan<Complex32> spectrum, Span<float> real, int howMany)
    {
        // c2r destroys its input, and the interface promises the spectrum is untouched, so copy it into aligned pooled
        // scratch; the 1/N scaling is fused into that copy (one SIMD pass instead of a copy plus a scaling pass). An
        // output off FFTW's alignment is written to aligned scratch too and copied out.
        nint plan = _cache.Get(Shape, howMany, forward: false);
        int realLength = real.Length, complexFloats = 2 * spectrum.Length;
        fixed (float* userReal = real)
        {
            bool realAligned = IsAligned(userReal);
            var scratch = ArrayPool<float>.Shared.Rent(complexFloats + AlignmentFloats + (realAligned ? 0 : realLength + AlignmentFloats));
            try
            {
                fixed (float* block = scratch)
                {
                    float* c = Align(block);
                    TensorPrimitives.Multiply(MemoryMarshal.Cast<Complex32, float>(spectrum), 1f / Shape.RealLength, new Span<float>(c, complexFloats));
                    float* r = realAligned ? userReal : Align(block + complexFloats + AlignmentFloats);
                    FftwNative.fftwf_execute_dft_c2r(plan, (Complex32*)c, r);
                    if (!realAligned)
                        new ReadOnlySpan<float>(r, realLength).CopyTo(real);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        }
    }

    /// <summary>Whether a plan made for aligned arrays may run on <paramref name="p"/> (always, for FFTW_UNALIGNED plans).</summary>
    private bool IsAligned(float* p) => _cache.Unaligned || FftwNative.fftwf_alignment_of(p) == 0;

    /// <summary>The first <see cref="AlignmentBytes"/> boundary at or after <paramref name="p"/>.</summary>
    private static float* Align(float* p) => (float*)(((nint)p + AlignmentBytes - 1) & ~(nint)(AlignmentBytes - 1));

    /// <summary>
    /// Scratch alignment: 64 bytes covers FFTW's SIMD alignment on every x86 build (16 for SSE, 32 for AVX, 64 for
    /// AVX-512), so scratch always passes <c>fftwf_alignment_of(p) == 0</c>.
    /// </summary>
    private const int AlignmentBytes = 64;

    /// <summary>Floats of slack per aligned region in a scratch block.</summary>
    private const int AlignmentFloats = AlignmentBytes / sizeof(float);
}
