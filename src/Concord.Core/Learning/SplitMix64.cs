namespace Concord.Core.Learning;

/// <summary>
/// A tiny, fully specified pseudo-random generator (SplitMix64, Steele, Lea &amp; Flood 2014) so that initial weights,
/// shuffles, dropout masks and augmentations depend only on the seed and never on the runtime's Random implementation.
/// <see cref="Derive"/> gives independent streams for parallel work keyed by (seed, index), which is what keeps dropout
/// and augmentation identical whatever the thread count.
/// </summary>
public struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        return Mix(z);
    }

    /// <summary>Uniform in [0, 1) with 24 random bits (every float value in the range is exactly representable).</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>) by rejection, so without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0)
            throw new InvalidParameterException(nameof(maxExclusive), $"must be positive, got {maxExclusive}.");
        ulong bound = (ulong)maxExclusive;
        ulong limit = ulong.MaxValue - (ulong.MaxValue % bound);
        ulong value;
        do
            value = NextUInt64();
        while (value >= limit);
        return (int)(value % bound);
    }

    /// <summary>Standard normal deviate by the Box–Muller transform.</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A seed for an independent stream identified by <paramref name="seed"/> and <paramref name="index"/>.</summary>
    public static ulong Derive(ulong seed, ulong index) => Mix(Mix(seed ^ 0xD1B54A32D192ED03UL) + (index * 0x9E3779B97F4A7C15UL));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
