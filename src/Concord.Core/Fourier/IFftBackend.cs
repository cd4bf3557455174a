namespace Concord.Core.Fourier;

/// <summary>
/// Shape of a real-to-complex transform. Real data is row-major with x fastest (MRC order): index = (z·NY + y)·NX + x.
/// The spectrum is FFTW's half-complex layout: (NX/2 + 1) × NY × NZ complex values, kx fastest, kx = 0..NX/2;
/// ky and kz are stored in FFT order (0, 1, …, N/2, −N/2+1, …, −1 for even N). See <see cref="FourierLayout"/>.
/// </summary>
public readonly record struct FftShape
{
    public FftShape(int nx, int ny = 1, int nz = 1)
    {
        InvalidDimensionsException.ThrowIfNotPositive(nx, ny, nz, "FFT shape");
        if (nz > 1 && ny == 1)
            throw new InvalidDimensionsException($"FFT shape: a 3D shape needs NY > 1 when NZ > 1, got {nx}×{ny}×{nz}.");
        NX = nx;
        NY = ny;
        NZ = nz;
    }

    public int NX { get; }
    public int NY { get; }
    public int NZ { get; }

    /// <summary>1, 2 or 3.</summary>
    public int Rank => NZ > 1 ? 3 : NY > 1 ? 2 : 1;

    /// <summary>Number of complex values along x in the half-complex layout: NX/2 + 1.</summary>
    public int HalfNX => NX / 2 + 1;

    public int RealLength => NX * NY * NZ;
    public int ComplexLength => HalfNX * NY * NZ;

    public override string ToString() => Rank switch { 1 => $"{NX}", 2 => $"{NX}×{NY}", _ => $"{NX}×{NY}×{NZ}" };
}

/// <summary>
/// A planned real transform of one shape. Implementations are safe to execute from many threads at once
/// (each call uses its own scratch), so one plan per shape serves a whole <c>Parallel.For</c>.
/// Scaling: <see cref="Forward"/> is unscaled (F[k] = Σ f[n]·e^{−2πi k·n/N}); <see cref="Inverse"/> divides by N,
/// so Inverse(Forward(f)) = f. This is numpy's "backward" convention.
/// </summary>
public interface IRealFft
{
    FftShape Shape { get; }

    /// <summary>Real → half-complex. <paramref name="real"/> is not modified.</summary>
    void Forward(ReadOnlySpan<float> real, Span<Complex32> spectrum);

    /// <summary>Half-complex → real, scaled by 1/N. <paramref name="spectrum"/> is not modified.</summary>
    void Inverse(ReadOnlySpan<Complex32> spectrum, Span<float> real);

    /// <summary><paramref name="count"/> transforms of contiguous real arrays into contiguous spectra.</summary>
    void ForwardBatch(ReadOnlySpan<float> reals, Span<Complex32> spectra, int count);

    /// <summary><paramref name="count"/> inverse transforms of contiguous spectra into contiguous real arrays, each scaled by 1/N.</summary>
    void InverseBatch(ReadOnlySpan<Complex32> spectra, Span<float> reals, int count);
}

/// <summary>
/// A source of FFT plans (FFTW through native calls, or the managed fallback). Plans are cached per shape and
/// owned by the backend; dispose the backend to free them. Inject one backend where transforms are needed.
/// </summary>
public interface IFftBackend : IDisposable
{
    /// <summary>Short name for logs and benchmarks ("fftw", "managed", "reference").</summary>
    string Name { get; }

    /// <summary>The cached plan for <paramref name="shape"/>, created on first use; thread-safe.</summary>
    IRealFft GetPlan(FftShape shape);
}
