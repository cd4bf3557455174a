using Concord.Core.Fourier;

namespace Concord.Preprocess.Methods.Motion;

/// <summary>
/// Local alignment on a grid of patches (MotionCor2, Zheng et al. 2017): the globally aligned frames are cut into
/// overlapping square patches; each patch stack is aligned by the same iterative frame-to-(sum − frame) scheme as whole
/// frames, and each patch's shifts (referred to the reference frame) become measurements at the patch centre for
/// <see cref="LocalMotionModel.Fit"/>. Patches are mean-subtracted and tapered by a raised-cosine edge so that their
/// borders, which stay put while the content moves, do not pull the correlation peak towards zero.
/// </summary>
internal static class PatchAligner
{
    public static List<PatchShift> Measure(float[] alignedFrames, int frames, int width, int height, double pixelSizeA, MotionCorrectionOptions options,
        IFftBackend fft, ParallelOptions parallel, IProgress<Core.WorkProgress>? progress)
    {
        int px = Math.Max(options.PatchesX, 1), py = Math.Max(options.PatchesY, 1);
        int size = PatchSize(width, height, px, py, options.PatchOverlap);
        var shape = new FftShape(size, size);
        var taper = Taper(size);
        // Parallel over patches, each patch stack aligned on one thread: a patch's transforms are small, so splitting
        // them across threads per iteration costs more in scheduling than it gains.
        var perPatch = new PatchShift[px * py][];
        var serial = new ParallelOptions { MaxDegreeOfParallelism = 1, CancellationToken = parallel.CancellationToken };
        int done = 0;
        // Each worker keeps one patch stack's spectra and patch buffer for all the patches it aligns, and the alignment
        // shifts those spectra in place: no per-patch allocations (a 4K movie's patch stack is tens of MB).
        Parallel.For(0, px * py, parallel, () => (new Complex32[frames * shape.ComplexLength], new float[size * size]), (p, _, buffers) =>
        {
            int i = p % px, j = p / px;
            int x0 = Origin(i, px, width, size), y0 = Origin(j, py, height, size);
            var spectra = buffers.Item1;
            PatchSpectra(alignedFrames, frames, width, height, x0, y0, size, taper, shape, fft, spectra, buffers.Item2);
            var alignment = FrameAligner.Align(spectra, frames, shape, pixelSizeA, options.PatchBFactorA2, options.MaxShiftA / pixelSizeA,
                options.MaxIterations, options.ConvergencePx, options.PatchGroupFrames, fft, serial, spectraAreScratch: true);
            var reference = alignment.Shifts[options.ReferenceFrame];
            double cx = x0 + (size / 2.0), cy = y0 + (size / 2.0);
            var rows = new PatchShift[frames];
            for (int f = 0; f < frames; f++)
                rows[f] = new PatchShift(cx, cy, f, alignment.Shifts[f].X - reference.X, alignment.Shifts[f].Y - reference.Y);
            perPatch[p] = rows;
            progress?.Report(new Core.WorkProgress(Interlocked.Increment(ref done), px * py, "local alignment patches"));
            return buffers;
        }, _ => { });
        var measurements = perPatch.SelectMany(r => r).ToList();
        return measurements;
    }

    /// <summary>Even patch size: the grid spacing enlarged by the overlap fraction, at least 16 px and at most the frame.</summary>
    public static int PatchSize(int width, int height, int patchesX, int patchesY, double overlap)
    {
        double spacing = Math.Min((double)width / patchesX, (double)height / patchesY);
        int size = 2 * (int)Math.Round(spacing * (1 + overlap) / 2);
        return Math.Min(Math.Max(size, 16), 2 * (Math.Min(width, height) / 2));
    }

    /// <summary>First pixel of patch <paramref name="index"/>: centred on its grid cell, kept inside the frame.</summary>
    private static int Origin(int index, int count, int length, int size)
    {
        double centre = (index + 0.5) * length / count;
        return Math.Clamp((int)Math.Round(centre - (size / 2.0)), 0, length - size);
    }

    /// <summary>Mean-subtracted, tapered patch of every frame, transformed into <paramref name="spectra"/> (one thread).</summary>
    private static void PatchSpectra(float[] frames, int count, int width, int height, int x0, int y0, int size, float[] taper, FftShape shape,
        IFftBackend fft, Complex32[] spectra, float[] patch)
    {
        var plan = fft.GetPlan(shape);
        for (int f = 0; f < count; f++)
        {
            var frame = frames.AsSpan(f * width * height, width * height);
            double sum = 0;
            for (int y = 0; y < size; y++)
            {
                frame.Slice(((y0 + y) * width) + x0, size).CopyTo(patch.AsSpan(y * size, size));
                for (int x = 0; x < size; x++)
                    sum += patch[(y * size) + x];
            }
            float mean = (float)(sum / patch.Length);
            for (int i = 0; i < patch.Length; i++)
                patch[i] = (patch[i] - mean) * taper[i];
            plan.Forward(patch, spectra.AsSpan(f * shape.ComplexLength, shape.ComplexLength));
        }
    }

    /// <summary>Separable raised-cosine (Tukey) window, flat in the middle, falling to 0 over the outer eighth on each side.</summary>
    private static float[] Taper(int size)
    {
        int edge = Math.Max(2, size / 8);
        var profile = new double[size];
        for (int i = 0; i < size; i++)
        {
            int d = Math.Min(i, size - 1 - i);
            profile[i] = d >= edge ? 1 : 0.5 * (1 - Math.Cos(Math.PI * (d + 0.5) / edge));
        }
        var window = new float[size * size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                window[(y * size) + x] = (float)(profile[x] * profile[y]);
        return window;
    }
}
