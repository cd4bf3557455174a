namespace Concord.Core;

/// <summary>
/// Progress of long work, reported by algorithms through <see cref="IProgress{T}"/>: <paramref name="Done"/> of
/// <paramref name="Total"/> units (images, movies, iterations) finished, optionally naming the current item.
/// </summary>
public readonly record struct WorkProgress(int Done, int Total, string? Item = null)
{
    public double Fraction => Total <= 0 ? 0 : Math.Clamp((double)Done / Total, 0, 1);
}
