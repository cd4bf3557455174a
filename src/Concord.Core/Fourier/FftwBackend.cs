using System.Collections.Concurrent;

namespace Concord.Core.Fourier;

/// <summary>How hard FFTW searches for a fast algorithm when it creates a plan.</summary>
public enum FftwPlanRigor
{
    /// <summary>FFTW_ESTIMATE: instant planning by heuristics; use for one-off shapes.</summary>
    Estimate,

    /// <summary>
    /// FFTW_MEASURE: times candidates once per shape (tens of ms for 256², seconds for 4096²), then every execution
    /// is faster; the right choice for the thousands of same-shape transforms of a cryo-EM pipeline.
    /// </summary>
    Measure,
}

/// <summary>
/// FFTW 3 single precision (libfftw3f) behind <see cref="IFftBackend"/>. Plans are created once per shape, batch
/// count and array alignment, under FFTW's global planner lock, and executed with the thread-safe new-array
/// functions, so one plan serves many threads. FFTW's own threading is not used: a single transform runs on one
/// thread and parallelism comes from running different transforms on different threads (a batch is split into
/// <c>maxDegreeOfParallelism</c> contiguous chunks, or callers transform different images in a <c>Parallel.For</c>).
/// </summary>
public sealed class FftwBackend : IFftBackend
{
    private readonly ConcurrentDictionary<FftShape, FftwRealFft> _plans = new();
    private readonly FftwPlanCache _cache;
    private bool _disposed;

    /// <param name="rigor">Planner effort; <see cref="FftwPlanRigor.Measure"/> is the measured best for repeated use.</param>
    /// <param name="maxDegreeOfParallelism">Threads used to split batches; -1 means <see cref="Environment.ProcessorCount"/>.</param>
    public FftwBackend(FftwPlanRigor rigor = FftwPlanRigor.Measure, int maxDegreeOfParallelism = -1)
        : this(rigor, maxDegreeOfParallelism, unaligned: false)
    {
    }

    /// <param name="unaligned">
    /// Plan with FFTW_UNALIGNED (one plan for any alignment) instead of one plan per alignment class; kept for the
    /// benchmark that compares the two.
    /// </param>
    internal FftwBackend(FftwPlanRigor rigor, int maxDegreeOfParallelism, bool unaligned)
    {
        if (!IsAvailable)
            throw FftBackends.FftwMissing();
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new InvalidParameterException(nameof(maxDegreeOfParallelism), $"must be -1 (all cores) or ≥ 1, got {maxDegreeOfParallelism}.");
        MaxDegreeOfParallelism = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        Rigor = rigor;
        uint flags = rigor == FftwPlanRigor.Measure ? FftwNative.Measure : FftwNative.Estimate;
        _cache = new FftwPlanCache(unaligned ? flags | FftwNative.Unaligned : flags, unaligned);
    }

    /// <summary>True when libfftw3f.so.3 can be loaded (Debian/Ubuntu: <c>apt-get install libfftw3-single3</c>).</summary>
    public static bool IsAvailable { get; } = FftwNative.TryLoad();

    public string Name => "fftw";

    public FftwPlanRigor Rigor { get; }

    public int MaxDegreeOfParallelism { get; }

    public IRealFft GetPlan(FftShape shape)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _plans.GetOrAdd(shape, s => new FftwRealFft(s, _cache, MaxDegreeOfParallelism));
    }

    /// <summary>Destroys every native plan. Plans handed out before must not be used afterwards.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _plans.Clear();
        _cache.Dispose();
    }
}

/// <summary>Native plans keyed by shape, direction, batch count and alignment; owned by one <see cref="FftwBackend"/>.</summary>
internal sealed class FftwPlanCache : IDisposable
{
    private readonly ConcurrentDictionary<(FftShape Shape, int HowMany, bool Forward, int RealAlign, int ComplexAlign), Lazy<nint>> _plans = new();
    private readonly uint _flags;
    private readonly bool _unaligned;
    private volatile bool _disposed;

    public FftwPlanCache(uint flags, bool unaligned)
    {
        _flags = flags;
        _unaligned = unaligned;
    }

    /// <summary>The plan for arrays at <paramref name="real"/> and <paramref name="complex"/>, created on first use.</summary>
    public unsafe nint Get(FftShape shape, int howMany, bool forward, float* real, Complex32* complex)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int ra = _unaligned ? 0 : FftwNative.fftwf_alignment_of(real);
        int ca = _unaligned ? 0 : FftwNative.fftwf_alignment_of((float*)complex);
        var key = (shape, howMany, forward, ra, ca);
        var lazy = _plans.GetOrAdd(key, k => new Lazy<nint>(
            () => FftwNative.CreatePlan(k.Shape, k.HowMany, k.Forward, _flags, k.RealAlign, k.ComplexAlign),
            LazyThreadSafetyMode.ExecutionAndPublication));
        return lazy.Value;
    }

    public void Dispose()
    {
        _disposed = true;
        lock (FftwNative.PlannerLock)
        {
            foreach (var lazy in _plans.Values)
                if (lazy.IsValueCreated)
                    FftwNative.fftwf_destroy_plan(lazy.Value);
            _plans.Clear();
        }
    }
}
