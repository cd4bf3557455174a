using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Projection;

namespace Concord.Reconstruct.Backprojection;

/// <summary>What one particle contributes to a reconstruction, filled in by a <see cref="ParticlePreparer"/>.</summary>
public sealed class ParticleSlot
{
    internal ParticleSlot(int boxSize)
    {
        int length = (boxSize / 2 + 1) * boxSize;
        Spectrum = new Complex32[length];
        Ctf = new float[length];
        Image = new float[boxSize * boxSize];
    }

    /// <summary>Scratch for the particle's pixels (box²), reused for every particle a worker prepares.</summary>
    public float[] Image { get; }

    /// <summary>Centred half-complex spectrum of the (shifted) particle image.</summary>
    public Complex32[] Spectrum { get; }

    /// <summary>CTF on the same grid; ignored unless <see cref="HasCtf"/>.</summary>
    public float[] Ctf { get; }

    public bool HasCtf { get; set; }
    public Rotation3f Rotation { get; set; }
    public float Weight { get; set; } = 1;

    /// <summary>Which half-set (0 or 1) the particle belongs to; ignored for a single map.</summary>
    public int Half { get; set; }

    /// <summary>False to skip this particle (e.g. rejected or zero weight).</summary>
    public bool Use { get; set; } = true;
}

/// <summary>Fills <paramref name="slot"/> for particle <paramref name="index"/>; called concurrently from worker threads, each with its own slot.</summary>
public delegate void ParticlePreparer(int index, ParticleSlot slot);

/// <summary>
/// Streams N particles through per-thread back-projectors (one per half-set) and sums them: memory is bounded by
/// threads × halves × grid, independent of N, so a million particles need no more memory than a thousand.
/// Deterministic up to float summation order for a given thread count.
/// </summary>
public static class ParallelBackProjection
{
    /// <returns>One accumulator per half-set (<paramref name="halves"/> = 1 or 2).</returns>
    public static FourierBackProjector[] Run(int particleCount, int boxSize, double pixelSizeA, int halves, ParticlePreparer prepare,
        int padding = 2, double maxResolutionA = 0, int maxDegreeOfParallelism = -1, IProgress<WorkProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        if (particleCount < 0)
            throw new InvalidParameterException("particleCount", $"must be ≥ 0, got {particleCount}.");
        if (halves is not (1 or 2))
            throw new InvalidParameterException("halves", $"must be 1 or 2, got {halves}.");
        int threads = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        threads = Math.Max(1, Math.Min(threads, Math.Max(1, particleCount)));
        var partials = new FourierBackProjector[threads][];
        int next = -1, done = 0;
        const int chunk = 16;
        var workers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(() =>
        {
            var mine = Enumerable.Range(0, halves).Select(_ => new FourierBackProjector(boxSize, pixelSizeA, padding, maxResolutionA)).ToArray();
            partials[t] = mine;
            var slot = new ParticleSlot(boxSize);
            while (true)
            {
                int start = Interlocked.Add(ref next, chunk) - chunk + 1;
                if (start >= particleCount)
                    break;
                for (int i = start; i < Math.Min(start + chunk, particleCount); i++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    slot.HasCtf = false;
                    slot.Weight = 1;
                    slot.Half = 0;
                    slot.Use = true;
                    prepare(i, slot);
                    if (!slot.Use)
                        continue;
                    if ((uint)slot.Half >= (uint)halves)
                        throw new InvalidParameterException("half-set", $"particle {i} is in half {slot.Half + 1}, but {halves} half-set(s) are reconstructed.");
                    mine[slot.Half].Insert(slot.Spectrum, slot.HasCtf ? slot.Ctf : ReadOnlySpan<float>.Empty, slot.Rotation, slot.Weight);
                }
                int finished = Interlocked.Add(ref done, Math.Min(chunk, particleCount - start));
                progress?.Report(new WorkProgress(finished, particleCount));
            }
        }, cancellation, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        try
        {
            Task.WaitAll(workers, cancellation);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // Surface the first real failure (a bad image, a missing file) as itself, not wrapped.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        var result = partials[0];
        for (int t = 1; t < threads; t++)
            for (int h = 0; h < halves; h++)
                result[h].Add(partials[t][h]);
        return result;
    }
}
