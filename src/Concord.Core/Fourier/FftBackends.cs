namespace Concord.Core.Fourier;

/// <summary>Which FFT implementation <see cref="FftBackends.Create"/> returns.</summary>
public enum FftBackendKind
{
    /// <summary>FFTW when libfftw3f is installed, otherwise the managed backend.</summary>
    Auto,

    /// <summary>FFTW 3 single precision; fails when the library is missing.</summary>
    Fftw,

    /// <summary>Pure C# mixed-radix FFT.</summary>
    Managed,

    /// <summary>Direct double-precision DFT; tests and tiny sizes only.</summary>
    Reference,
}

/// <summary>Creates FFT backends.</summary>
public static class FftBackends
{
    /// <summary>
    /// A new backend of <paramref name="kind"/>. <paramref name="maxDegreeOfParallelism"/> (-1 = all cores) bounds the
    /// threads a transform or batch may use; FFTW plans themselves are single-threaded and parallelism comes from
    /// running different transforms of a batch on different threads.
    /// </summary>
    public static IFftBackend Create(FftBackendKind kind = FftBackendKind.Auto, int maxDegreeOfParallelism = -1) => kind switch
    {
        FftBackendKind.Auto => FftwBackend.IsAvailable
            ? new FftwBackend(FftwPlanRigor.Measure, maxDegreeOfParallelism)
            : new ManagedFftBackend(maxDegreeOfParallelism),
        FftBackendKind.Fftw => new FftwBackend(FftwPlanRigor.Measure, maxDegreeOfParallelism),
        FftBackendKind.Managed => new ManagedFftBackend(maxDegreeOfParallelism),
        FftBackendKind.Reference => new ReferenceDftBackend(),
        _ => throw new InvalidParameterException(nameof(kind), $"unknown FFT backend kind {kind}."),
    };

    /// <summary>
    /// A backend whose results are bit-identical from run to run and at any thread count, for work that promises
    /// "same seed, same output" (simulation, resumable runs): the managed backend. FFTW cannot promise this inside a
    /// process that also plans with FFTW_MEASURE, because FFTW_ESTIMATE planning reuses the process's accumulated
    /// wisdom, so the algorithm (and the last bits) depend on what else ran first.
    /// </summary>
    public static IFftBackend CreateDeterministic(int maxDegreeOfParallelism = -1) => new ManagedFftBackend(maxDegreeOfParallelism);

    internal static ConcordException FftwMissing() => new(
        $"FFTW single precision ({FftwNative.LibraryName}) was not found. Install it (Debian/Ubuntu: " +
        "`apt-get install libfftw3-single3`; RHEL: `dnf install fftw-libs-single`) or use the managed FFT backend.");
}
