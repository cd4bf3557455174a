using System.Runtime.InteropServices;

namespace Concord.Core.Fourier;

/// <summary>
/// The few FFTW 3 single-precision entry points Concord uses, bound with source-generated P/Invoke.
/// Only the planner and destroy functions need the planner lock; the new-array execute functions are thread-safe
/// (FFTW manual §4.6 and §5.4), which is what lets one plan serve a whole <c>Parallel.For</c>.
/// </summary>
internal static unsafe partial class FftwNative
{
    public const string LibraryName = "libfftw3f.so.3";

    /// <summary>FFTW_MEASURE: time candidate algorithms at plan time (overwrites the planning arrays).</summary>
    public const uint Measure = 0;

    /// <summary>FFTW_UNALIGNED: the plan makes no assumption on the alignment of the arrays it is executed on.</summary>
    public const uint Unaligned = 1u << 1;

    /// <summary>FFTW_DESTROY_INPUT.</summary>
    public const uint DestroyInput = 1u << 0;

    /// <summary>FFTW_ESTIMATE: pick an algorithm by heuristics, arrays untouched.</summary>
    public const uint Estimate = 1u << 6;

    [LibraryImport(LibraryName)]
    public static partial nint fftwf_plan_many_dft_r2c(int rank, int* n, int howmany, float* input, int* inembed,
        int istride, int idist, Complex32* output, int* onembed, int ostride, int odist, uint flags);

    [LibraryImport(LibraryName)]
    public static partial nint fftwf_plan_many_dft_c2r(int rank, int* n, int howmany, Complex32* input, int* inembed,
        int istride, int idist, float* output, int* onembed, int ostride, int odist, uint flags);

    [LibraryImport(LibraryName)]
    public static partial void fftwf_execute_dft_r2c(nint plan, float* input, Complex32* output);

    [LibraryImport(LibraryName)]
    public static partial void fftwf_execute_dft_c2r(nint plan, Complex32* input, float* output);

    [LibraryImport(LibraryName)]
    public static partial void fftwf_execute(nint plan);

    [LibraryImport(LibraryName)]
    public static partial void fftwf_destroy_plan(nint plan);

    [LibraryImport(LibraryName)]
    public static partial int fftwf_alignment_of(float* p);

    [LibraryImport(LibraryName)]
    public static partial void* fftwf_malloc(nuint size);

    [LibraryImport(LibraryName)]
    public static partial void fftwf_free(void* p);

    /// <summary>FFTW's planner is global and not thread-safe, so every backend instance shares this one lock.</summary>
    public static readonly Lock PlannerLock = new();

    /// <summary>True when the native library can be loaded on this machine.</summary>
    public static bool TryLoad()
    {
        if (!NativeLibrary.TryLoad(LibraryName, typeof(FftwNative).Assembly, null, out var handle))
            return false;
        NativeLibrary.Free(handle);
        return true;
    }

    /// <summary>
    /// Creates a (possibly batched) r2c or c2r plan of <paramref name="shape"/>. FFTW takes dimensions slowest first.
    /// Planning uses private native arrays offset so that their alignment matches the caller's
    /// (<paramref name="realAlignment"/>, <paramref name="complexAlignment"/> bytes past an FFTW-aligned address),
    /// so FFTW_MEASURE never touches user data and the plan is valid for arrays of that alignment.
    /// </summary>
    public static nint CreatePlan(FftShape shape, int howMany, bool forward, uint flags, int realAlignment, int complexAlignment)
    {
        int* n = stackalloc int[3];
        int rank = shape.Rank;
        if (rank == 1) { n[0] = shape.NX; }
        else if (rank == 2) { n[0] = shape.NY; n[1] = shape.NX; }
        else { n[0] = shape.NZ; n[1] = shape.NY; n[2] = shape.NX; }
        long realBytes = (long)shape.RealLength * howMany * sizeof(float) + 64;
        long complexBytes = (long)shape.ComplexLength * howMany * sizeof(Complex32) + 64;
        byte* realBlock = (byte*)fftwf_malloc((nuint)realBytes);
        byte* complexBlock = (byte*)fftwf_malloc((nuint)complexBytes);
        try
        {
            if (realBlock == null || complexBlock == null)
                throw new OutOfMemoryException($"fftwf_malloc failed while planning a {shape} FFT.");
            var real = (float*)(realBlock + realAlignment);
            var complex = (Complex32*)(complexBlock + complexAlignment);
            lock (PlannerLock)
            {
                nint plan = forward
                    ? fftwf_plan_many_dft_r2c(rank, n, howMany, real, null, 1, shape.RealLength, complex, null, 1, shape.ComplexLength, flags)
                    : fftwf_plan_many_dft_c2r(rank, n, howMany, complex, null, 1, shape.ComplexLength, real, null, 1, shape.RealLength, flags);
                if (plan == 0)
                    throw new ConcordException($"FFTW could not create a {(forward ? "r2c" : "c2r")} plan for {shape} × {howMany}.");
                return plan;
            }
        }
        finally
        {
            fftwf_free(realBlock);
            fftwf_free(complexBlock);
        }
    }
}
