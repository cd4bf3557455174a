using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Core.Learning;

namespace Concord.Picking.DeepConsensus;

/// <summary>
/// Patches for the deep-consensus network. A box of <see cref="DeepConsensusOptions.BoxDiameters"/> particle diameters
/// is cut around each coordinate, then Fourier-cropped to S×S and normalised to zero mean and unit standard deviation,
/// as in Xmipp deep consensus (Sanchez-Garcia et al. 2018), which down-samples particles to a small fixed size so the
/// network sees the particle's shape at a resolution it can learn from a few thousand examples.
/// <para>
/// Edges: a box that leaves the micrograph is completed by mirror reflection about the edge pixels instead of being
/// skipped, so every candidate gets a score (a skipped candidate would have to be kept or dropped without evidence).
/// Mirroring keeps the local texture and noise level, so it does not create the hard step that zero padding would.
/// </para>
/// </summary>
public static class DeepConsensusPatches
{
    /// <summary>Even box edge in micrograph pixels: <paramref name="boxDiameters"/> × diameter, at least 8.</summary>
    public static int BoxSizePx(double diameterA, double pixelSizeA, double boxDiameters)
    {
        if (!(diameterA > 0) || !double.IsFinite(diameterA))
            throw new InvalidParameterException("diameter", $"particle diameter must be a positive number of Å, got {diameterA}.");
        if (!(pixelSizeA > 0) || !double.IsFinite(pixelSizeA))
            throw new InvalidParameterException("micrograph", $"pixel size must be positive, got {pixelSizeA} Å.");
        if (!(boxDiameters > 0) || !double.IsFinite(boxDiameters))
            throw new InvalidParameterException("box-diameters", $"must be positive, got {boxDiameters}.");
        return Math.Max(8, 2 * (int)Math.Round(diameterA / pixelSizeA * boxDiameters / 2));
    }

    /// <summary>
    /// Cuts a <paramref name="boxPx"/>² box centred on each of <paramref name="centres"/> (micrograph pixels, nearest
    /// pixel; the box centre is pixel box/2), mirror-padding outside the micrograph. Raw intensities, no normalisation.
    /// </summary>
    public static ImageStack Crop(Image2D micrograph, IReadOnlyList<(double X, double Y)> centres, int boxPx, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(micrograph);
        ArgumentNullException.ThrowIfNull(centres);
        if (boxPx < 2)
            throw new InvalidParameterException("box", $"must be at least 2 pixels, got {boxPx}.");
        var stack = ImageStack.CreateUninitialized(boxPx, boxPx, centres.Count, micrograph.PixelSizeA);
        var source = micrograph.Memory;
        int width = micrograph.Width, height = micrograph.Height;
        Parallel.For(0, centres.Count, Parallelism(maxDegreeOfParallelism), i =>
        {
            var (x, y) = centres[i];
            if (!double.IsFinite(x) || !double.IsFinite(y))
                throw new InvalidParameterException("coordinates", $"coordinate {i} is not finite ({x}, {y}).");
            int x0 = (int)Math.Round(x) - boxPx / 2, y0 = (int)Math.Round(y) - boxPx / 2;
            var pixels = source.Span;
            var box = stack.Slice(i);
            for (int by = 0; by < boxPx; by++)
            {
                int row = Mirror(y0 + by, height) * width;
                for (int bx = 0; bx < boxPx; bx++)
                    box[by * boxPx + bx] = pixels[row + Mirror(x0 + bx, width)];
            }
        });
        return stack;
    }

    /// <summary>
    /// Fourier-crops (or pads) every image of <paramref name="boxes"/> to <paramref name="patchSize"/>² and normalises
    /// it to mean 0, standard deviation 1 (a constant patch becomes all zeros), into a [N, 1, S, S] tensor.
    /// </summary>
    public static Tensor4 ToTensor(ImageStack boxes, int patchSize, IFftBackend fft, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(fft);
        if (patchSize < 8 || patchSize % 8 != 0)
            throw new InvalidParameterException("patch-size", $"must be a positive multiple of 8, got {patchSize}.");
        if (boxes.Width != boxes.Height)
            throw new InvalidDimensionsException($"deep-consensus patches must be square, got {boxes.Width}×{boxes.Height}.");
        var tensor = new Tensor4(boxes.Count, 1, patchSize, patchSize);
        var sourceShape = new FftShape(boxes.Width, boxes.Height);
        var patchShape = new FftShape(patchSize, patchSize);
        bool same = boxes.Width == patchSize;
        if (!same)
        {
            // Plans are created once here so the parallel loop only looks them up.
            fft.GetPlan(sourceShape);
            fft.GetPlan(patchShape);
        }
        var memory = boxes.Memory;
        int length = boxes.ImageLength;
        Parallel.For(0, boxes.Count, Parallelism(maxDegreeOfParallelism), i =>
        {
            var patch = tensor.Sample(i);
            var box = memory.Span.Slice(i * length, length);
            if (same)
                box.CopyTo(patch);
            else
                FourierResample.Resample(box, sourceShape, patch, patchShape, fft);
            NormalizeOrZero(patch);
        });
        return tensor;
    }

    /// <summary>Crop and convert in one step: the network input for <paramref name="centres"/> on <paramref name="micrograph"/>.</summary>
    public static Tensor4 Extract(Image2D micrograph, IReadOnlyList<(double X, double Y)> centres, int boxPx, int patchSize, IFftBackend fft, int maxDegreeOfParallelism = -1)
    {
        using var boxes = Crop(micrograph, centres, boxPx, maxDegreeOfParallelism);
        return ToTensor(boxes, patchSize, fft, maxDegreeOfParallelism);
    }

    /// <summary>Index reflected about the edge pixels (…, 2, 1, 0, 1, 2, …), repeating for boxes far larger than the image.</summary>
    internal static int Mirror(int i, int n)
    {
        if (n == 1)
            return 0;
        int period = 2 * (n - 1);
        int m = ((i % period) + period) % period;
        return m < n ? m : period - m;
    }

    private static void NormalizeOrZero(Span<float> patch)
    {
        double sum = 0, sum2 = 0;
        foreach (float v in patch)
        {
            sum += v;
            sum2 += (double)v * v;
        }
        double mean = sum / patch.Length;
        double variance = Math.Max(0, sum2 / patch.Length - mean * mean);
        if (!(variance > 1e-20) || !double.IsFinite(variance))
        {
            patch.Clear();
            return;
        }
        float m = (float)mean, scale = (float)(1 / Math.Sqrt(variance));
        for (int k = 0; k < patch.Length; k++)
            patch[k] = (patch[k] - m) * scale;
    }

    internal static ParallelOptions Parallelism(int maxDegreeOfParallelism) =>
        new() { MaxDegreeOfParallelism = maxDegreeOfParallelism == 0 ? 1 : maxDegreeOfParallelism };
}
