using System.Collections.Concurrent;

namespace Concord.Core.Fourier;

/// <summary>
/// Pure C# FFT backend: exact for any size (mixed radix 4/2/3/5 plus a direct butterfly for other primes), SIMD
/// across rows/columns and parallel over blocks. It is the fallback when FFTW is absent and the cross-check for it.
/// </summary>
public sealed class ManagedFftBackend : IFftBackend
{
    private readonly ConcurrentDictionary<FftShape, Lazy<ManagedRealFft>> _plans = new();

    /// <param name="maxDegreeOfParallelism">Threads per transform or batch; -1 means <see cref="Environment.ProcessorCount"/>.</param>
    public ManagedFftBackend(int maxDegreeOfParallelism = -1)
    {
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new InvalidParameterException(nameof(maxDegreeOfParallelism), $"must be -1 (all cores) or ≥ 1, got {maxDegreeOfParallelism}.");
        MaxDegreeOfParallelism = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : maxDegreeOfParallelism;
    }

    public string Name => "managed";

    public int MaxDegreeOfParallelism { get; }

    public IRealFft GetPlan(FftShape shape) =>
        _plans.GetOrAdd(shape, s => new Lazy<ManagedRealFft>(() => new ManagedRealFft(s, MaxDegreeOfParallelism))).Value;

    public void Dispose() => _plans.Clear();
}
