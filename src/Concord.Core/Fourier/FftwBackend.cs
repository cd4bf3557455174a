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
/// FFTW 3 single precision (libfftw3f) behind <see cref="IFftBackend"/>. Plans are created once per shape and batch
/// count, under FFTW's global planner lock, for arrays on FFTW's SIMD alignment, and executed with the thread-safe
/// new-array functions, so one plan serves many threads; arrays off that alignment go through aligned scratch, so the
/// same numbers give the same bits wherever the array pool put them. FFTW's own threading is not used: a single
/// transform runs on one thread and parallelism comes from running different transforms on different threads (a batch
/// is split into <c>maxDegreeOfParallelism</c> contiguous chunks, or callers transform different images in a
/// <c>Parallel.For</c>). Under <see cref="FftwPlanRigor.Measure"/> the algorithm is chosen by timing, so the last bits
/// may differ from one process to the next; runs that must repeat exactly plan with <see cref="FftwPlanRigor.Estimate"/>
/// in a process that never measures (or use <see cref="FftBackends.CreateDeterministic"/>).
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

/// <summary>
/// Native plans keyed by shape, direction and batch count; owned by one <see cref="FftwBackend"/>. Every plan is made
/// for FFTW-aligned arrays (or with FFTW_UNALIGNED), never one per alignment class: the plans of different classes use
/// different codelets (and under FFTW_MEASURE separately timed algorithms), so the last bits of a transform depended
/// on which pooled buffer a thread happened to rent, and a seeded pipeline (the picking chain) on thread scheduling.
/// </summary>
internal sealed class FftwPlanCache : IDisposable
{
    private readonly ConcurrentDictionary<(FftShape Shape, int HowMany, bool Forward), Lazy<nint>> _plans = new();
    private readonly uint _flags;
    private volatile bool _disposed;

    public FftwPlanCache(uint flags, bool unaligned)
    {
        _flags = flags;
        Unaligned = unaligned;
    }

    /// <summary>Plans carry FFTW_UNALIGNED and run on arrays at any address; otherwise arrays must be FFTW-aligned.</summary>
    public bool Unaligned { get; }

    /// <summary>The plan of <paramref name="shape"/> × <paramref name="howMany"/>, created on first use.</summary>
    public nint Get(FftShape shape, int howMany, bool forward)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var lazy = _plans.GetOrAdd((shape, howMany, forward), k => new Lazy<nint>(
            () => FftwNative.CreatePlan(k.Shape, k.HowMany, k.Forward, _flags, 0, 0),
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
