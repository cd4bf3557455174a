using System.Numerics.Tensors;

using Concord.Core.Fourier;

namespace Concord.Benchmarks;

/// <summary>
/// FFTW with no wrapper: fftwf_malloc'd (SIMD-aligned) buffers, one FFTW_MEASURE plan_many per direction, executed
/// with fftwf_execute, then the 1/N scaling in place (without it the data grow by N per round trip and overflow).
/// c2r may destroy its input here since the spectrum is rewritten by the next r2c, so this is the floor the wrapper
/// (which must keep the caller's spectrum, so copies it with the scaling fused into the copy) is measured against.
/// </summary>
internal sealed unsafe class RawFftw : IDisposable
{
    private readonly float* _real;
    private readonly Complex32* _complex;
    private readonly nint _forward, _inverse;
    private readonly int _realLength;
    private readonly float _scale;

    public RawFftw(FftShape shape, int count, ReadOnlySpan<float> data)
    {
        _real = (float*)FftwNative.fftwf_malloc((nuint)((long)shape.RealLength * count * sizeof(float)));
        _complex = (Complex32*)FftwNative.fftwf_malloc((nuint)((long)shape.ComplexLength * count * sizeof(Complex32)));
        int* n = stackalloc int[3];
        int rank = shape.Rank;
        if (rank == 2) { n[0] = shape.NY; n[1] = shape.NX; }
        else { n[0] = shape.NZ; n[1] = shape.NY; n[2] = shape.NX; }
        lock (FftwNative.PlannerLock)
        {
            _forward = FftwNative.fftwf_plan_many_dft_r2c(rank, n, count, _real, null, 1, shape.RealLength, _complex, null, 1, shape.ComplexLength, FftwNative.Measure);
            _inverse = FftwNative.fftwf_plan_many_dft_c2r(rank, n, count, _complex, null, 1, shape.ComplexLength, _real, null, 1, shape.RealLength, FftwNative.Measure);
        }
        data.CopyTo(new Span<float>(_real, data.Length));
        _realLength = data.Length;
        _scale = 1f / shape.RealLength;
    }

    public void Run()
    {
        FftwNative.fftwf_execute(_forward);
        FftwNative.fftwf_execute(_inverse);
        var real = new Span<float>(_real, _realLength);
        TensorPrimitives.Multiply(real, _scale, real);
    }

    public void Dispose()
    {
        lock (FftwNative.PlannerLock)
        {
            FftwNative.fftwf_destroy_plan(_forward);
            FftwNative.fftwf_destroy_plan(_inverse);
        }
        FftwNative.fftwf_free(_real);
        FftwNative.fftwf_free(_complex);
    }
}
