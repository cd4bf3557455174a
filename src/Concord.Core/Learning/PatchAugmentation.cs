using System.Buffers;

namespace Concord.Core.Learning;

/// <summary>
/// The eight symmetries of a square patch (the dihedral group D4: rotations by 0°, 90°, 180°, 270°, each optionally
/// mirrored). Particles appear in every in-plane orientation, so training on randomly rotated and flipped copies makes
/// the classifier insensitive to orientation without building that into the network, as deep consensus does
/// (Sanchez-Garcia et al. 2018). Exact pixel permutations: no interpolation blurs the noise.
/// </summary>
public static class PatchAugmentation
{
    /// <summary>Number of distinct transforms (indices 0..7).</summary>
    public const int TransformCount = 8;

    /// <summary>
    /// Writes transform <paramref name="transform"/> of a <paramref name="size"/>² plane: rotation by 90°·(t mod 4) and,
    /// for t ≥ 4, a mirror in x afterwards. Transform 0 is the identity. <paramref name="destination"/> must not alias the source.
    /// </summary>
    public static void Dihedral(ReadOnlySpan<float> source, Span<float> destination, int size, int transform)
    {
        if (size <= 0)
            throw new InvalidDimensionsException($"Dihedral: size must be positive, got {size}.");
        if (transform < 0 || transform >= TransformCount)
            throw new InvalidParameterException(nameof(transform), $"must be in 0..{TransformCount - 1}, got {transform}.");
        ShapeMismatchException.ThrowIfLengthDiffers(source.Length, (long)size * size, "Dihedral source");
        ShapeMismatchException.ThrowIfLengthDiffers(destination.Length, (long)size * size, "Dihedral destination");
        int last = size - 1;
        bool mirror = transform >= 4;
        int quarterTurns = transform % 4;
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                int u = mirror ? last - x : x;
                (int sx, int sy) = quarterTurns switch
                {
                    0 => (u, y),
                    1 => (y, last - u),
                    2 => (last - u, last - y),
                    _ => (last - y, u),
                };
                destination[(y * size) + x] = source[(sy * size) + sx];
            }
        }
    }

    /// <summary>
    /// Replaces every sample of a square batch by a random one of its eight symmetric copies (the same transform for all
    /// its channels). Sample n draws from the stream (seed, n), so the result does not depend on the thread count.
    /// </summary>
    public static void RandomDihedral(Tensor4 batch, ulong seed, int maxDegreeOfParallelism = -1)
    {
        var shape = batch.Shape;
        if (shape.Height != shape.Width)
            throw new InvalidDimensionsException($"RandomDihedral: patches must be square, got {shape}.");
        int size = shape.Width, plane = size * size;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, batch.Count, options,
            () => ArrayPool<float>.Shared.Rent(plane),
            (n, _, scratch) =>
            {
                var rng = new SplitMix64(SplitMix64.Derive(seed, (ulong)n));
                int transform = rng.NextInt(TransformCount);
                if (transform == 0)
                    return scratch;
                var sample = batch.Sample(n);
                var copy = scratch.AsSpan(0, plane);
                for (int c = 0; c < shape.Channels; c++)
                {
                    var channel = sample.Slice(c * plane, plane);
                    channel.CopyTo(copy);
                    Dihedral(copy, channel, size, transform);
                }
                return scratch;
            },
            scratch => ArrayPool<float>.Shared.Return(scratch));
    }
}
