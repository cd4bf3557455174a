namespace Concord.Simulation;

/// <summary>
/// Derives independent, reproducible seeds for sub-streams (per movie, frame, row…) with SplitMix64, so parallel
/// simulation gives bit-identical output for any thread count. (HashCode.Combine is randomised per process and
/// must not be used for this.)
/// </summary>
public static class SeedMixer
{
    public static int Derive(int seed, params ReadOnlySpan<long> keys)
    {
        // Mix the seed before combining, and mix each key on its own: XOR-ing raw seed and key would make
        // (seed, key) and (seed ^ key ^ k', k') collide, reusing noise across movies and frames.
        ulong state = Mix((ulong)(uint)seed);
        foreach (long k in keys)
            state = Mix(state + Mix((ulong)k ^ 0xD1B54A32D192ED03UL));
        return (int)(state >> 33);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
