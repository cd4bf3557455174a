using Concord.Core;
using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Geometry;
using Concord.Core.Projection;

namespace Concord.Reconstruct.Projection;

/// <summary>Per-thread scratch of <see cref="ParticleProjection"/>: one spectrum and one CTF on the (N/2+1)×N grid.</summary>
public sealed class ProjectionScratch
{
    public ProjectionScratch(int boxSize)
    {
        InvalidDimensionsException.ThrowIfNotPositive(boxSize, boxSize, 1, "projection scratch");
        BoxSize = boxSize;
        int length = (boxSize / 2 + 1) * boxSize;
        Spectrum = new Complex32[length];
        Ctf = new float[length];
    }

    public int BoxSize { get; }
    internal Complex32[] Spectrum { get; }
    internal float[] Ctf { get; }
}

/// <summary>
/// Particle images from a map with relion_project's semantics: the Fourier-slice projection (padded, gridding
/// pre-corrected, see <see cref="FourierProjector"/>) at the pose's rotation, shifted by −origin (so that
/// rlnOriginX/YAngst bring the particle back to the box centre, as relion_reconstruct expects), multiplied by the CTF
/// when one is given. Noise-free; the result feeds `concord reconstruct` or relion_reconstruct unchanged.
/// </summary>
public static class ParticleProjection
{
    /// <summary>Renders one N×N image (centred at N/2) into <paramref name="image"/>.</summary>
    public static void Render(FourierProjector projector, Pose pose, CtfParameters? ctf, double pixelSizeA, IFftBackend fft, ProjectionScratch scratch,
        Span<float> image)
    {
        int n = projector.BoxSize;
        if (scratch.BoxSize != n)
            throw new ShapeMismatchException($"Projection scratch is for box {scratch.BoxSize}, the projector's box is {n}.");
        var shape = new FftShape(n, n);
        ShapeMismatchException.ThrowIfLengthDiffers(image.Length, shape.RealLength, "projected image");
        var spectrum = scratch.Spectrum;
        projector.ProjectSpectrum(Rotation3f.FromMatrix(pose.Matrix), spectrum);
        var (sx, sy) = pose.CentringShiftPx(pixelSizeA);
        if (sx != 0 || sy != 0)
            PhaseShift.ApplyToSpectrum(spectrum, shape, -sx, -sy);
        if (ctf is not null)
        {
            CtfImage.FillHalfComplex(new CtfModel(ctf), shape, pixelSizeA, scratch.Ctf, maxDegreeOfParallelism: 1);
            var c = scratch.Ctf;
            for (int k = 0; k < spectrum.Length; k++)
                spectrum[k] *= c[k];
        }
        SpectrumCentering.Apply(spectrum, shape, -1);
        fft.GetPlan(shape).Inverse(spectrum, image);
    }

    /// <summary>
    /// Renders <paramref name="count"/> images in batches of <paramref name="batchSize"/>: each batch in parallel, then
    /// handed to <paramref name="consume"/> image by image, in order (e.g. appended to a stack file). Memory is one
    /// batch, whatever the count.
    /// </summary>
    /// <param name="particle">Pose and CTF (null: none) of image i; called from worker threads.</param>
    /// <param name="consume">Receives (i, pixels) for i = 0 … count − 1 in order, on the calling thread.</param>
    public static void Run(FourierProjector projector, int count, Func<int, (Pose Pose, CtfParameters? Ctf)> particle, double pixelSizeA,
        IFftBackend fft, Action<int, ReadOnlySpan<float>> consume, int batchSize = 256, int maxDegreeOfParallelism = -1,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (count < 0)
            throw new InvalidParameterException("count", $"must be ≥ 0, got {count}.");
        if (batchSize < 1)
            throw new InvalidParameterException("batchSize", $"must be ≥ 1, got {batchSize}.");
        int n = projector.BoxSize, pixels = n * n;
        var buffer = new float[(long)Math.Min(batchSize, Math.Max(count, 1)) * pixels];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellation };
        for (int start = 0; start < count; start += batchSize)
        {
            int size = Math.Min(batchSize, count - start);
            Parallel.For(0, size, options, () => new ProjectionScratch(n), (j, _, scratch) =>
            {
                var (pose, ctf) = particle(start + j);
                Render(projector, pose, ctf, pixelSizeA, fft, scratch, buffer.AsSpan(j * pixels, pixels));
                return scratch;
            }, _ => { });
            for (int j = 0; j < size; j++)
                consume(start + j, buffer.AsSpan(j * pixels, pixels));
            progress?.Report(new WorkProgress(start + size, count));
        }
    }
}
