using Concord.Core;
using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Imaging;

namespace Concord.Picking.Extraction;

/// <summary>How particles are cut out of a micrograph (sizes in pixels, as RELION's extract options).</summary>
public sealed record ExtractionOptions
{
    /// <summary>Box edge in micrograph pixels (even).</summary>
    public required int BoxSizePx { get; init; }

    /// <summary>Box edge after Fourier binning (even, ≤ <see cref="BoxSizePx"/>); null keeps the box.</summary>
    public int? RescaledBoxSizePx { get; init; }

    /// <summary>Make protein bright (RELION's --invert_contrast), as 2D/3D refinement expects.</summary>
    public bool InvertContrast { get; init; } = true;

    /// <summary>Background ring: pixels beyond this radius (output pixels) get mean 0 and σ 1; null: 75% of half the box (RELION's default).</summary>
    public double? BackgroundRadiusPx { get; init; }

    /// <summary>After normalisation, values beyond ±k σ (hot pixels, dust) are clipped to ±k (RELION's white/black dust); null: none.</summary>
    public double? DustSigmas { get; init; } = 5;

    /// <summary>Flip phases where the micrograph's CTF is negative (null: no correction).</summary>
    public CtfParameters? PhaseFlipCtf { get; init; }

    /// <summary>Of picks closer than this (micrograph pixels), only the best-scoring one is kept; 0 keeps all.</summary>
    public double DuplicateDistancePx { get; init; }

    public int MaxDegreeOfParallelism { get; init; } = -1;

    public void Validate()
    {
        if (BoxSizePx < 4 || BoxSizePx % 2 != 0)
            throw new InvalidParameterException("box", $"must be an even number of pixels ≥ 4, got {BoxSizePx}.");
        if (RescaledBoxSizePx is { } r && (r < 4 || r % 2 != 0 || r > BoxSizePx))
            throw new InvalidParameterException("rescale", $"must be even, ≥ 4 and ≤ the box ({BoxSizePx}), got {r}.");
        if (BackgroundRadiusPx is { } b && !(b > 0 && 2 * b <= (RescaledBoxSizePx ?? BoxSizePx)))
            throw new InvalidParameterException("background-radius", $"must be positive and at most half the output box, got {b}.");
        if (DustSigmas is { } d && !(d > 0))
            throw new InvalidParameterException("dust", $"must be a positive number of σ, got {d}.");
        if (!(DuplicateDistancePx >= 0))
            throw new InvalidParameterException("duplicate-distance", $"must be ≥ 0, got {DuplicateDistancePx}.");
    }
}

/// <summary>
/// Extracted particles: the stack (one image per kept pick, in order), the picks kept, their indices in the input
/// list (to carry per-pick data such as half-sets along) and what was dropped.
/// </summary>
public sealed record ExtractionResult(ImageStack Particles, IReadOnlyList<Pick> Kept, IReadOnlyList<int> KeptIndices, int DroppedAtEdges,
    int DroppedAsDuplicates) : IDisposable
{
    public void Dispose() => Particles.Dispose();
}

/// <summary>
/// Particle extraction as RELION's relion_preprocess does it (Scheres 2012): a box around each pick (integer centre,
/// so the particle sits at pixel N/2 as RELION's origin), optional phase flipping with the micrograph's CTF, Fourier
/// binning (cropping the spectrum, exact for band-limited images), contrast inversion, normalisation of the background
/// ring to mean 0 and σ 1, and clipping of dust. Boxes that would leave the micrograph are dropped, not padded.
/// </summary>
public sealed class ParticleExtractor
{
    private readonly IFftBackend _fft;

    public ParticleExtractor(IFftBackend fft) => _fft = fft;

    public ExtractionResult Extract(Image2D micrograph, IReadOnlyList<Pick> picks, ExtractionOptions options)
    {
        ArgumentNullException.ThrowIfNull(micrograph);
        ArgumentNullException.ThrowIfNull(picks);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var unique = UniqueIndices(picks, options.DuplicateDistancePx);
        int n = options.BoxSizePx, half = n / 2;
        var insideIndices = unique.Where(i =>
        {
            int x0 = (int)Math.Round(picks[i].XPx) - half, y0 = (int)Math.Round(picks[i].YPx) - half;
            return x0 >= 0 && y0 >= 0 && x0 + n <= micrograph.Width && y0 + n <= micrograph.Height;
        }).ToList();
        var inside = insideIndices.Select(i => picks[i]).ToList();
        if (inside.Count == 0)
            throw new InvalidParameterException("coordinates", picks.Count == 0
                ? "no coordinates to extract."
                : $"all {picks.Count} coordinates lie closer than half a box ({half} px) to the edge of the {micrograph.Width}×{micrograph.Height} micrograph.");
        int m = options.RescaledBoxSizePx ?? n;
        double pixelA = micrograph.PixelSizeA * n / m;
        var stack = new ImageStack(m, m, inside.Count, pixelA);
        double background = options.BackgroundRadiusPx ?? 0.75 * m / 2;
        float[]? flip = options.PhaseFlipCtf is { } ctf
            ? CtfImage.HalfComplex(new CtfModel(ctf), new FftShape(n, n), micrograph.PixelSizeA, CtfImageKind.Sign, maxDegreeOfParallelism: 1)
            : null;
        Parallel.For(0, inside.Count, new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism }, i =>
        {
            var box = Cut(micrograph, inside[i], n);
            var output = stack.Slice(i);
            Filter(box, n, m, flip, output);
            if (options.InvertContrast)
                for (int j = 0; j < output.Length; j++)
                    output[j] = -output[j];
            Normalization.NormalizeBackground(output, new FftShape(m, m), background);
            if (options.DustSigmas is { } k)
                for (int j = 0; j < output.Length; j++)
                    output[j] = Math.Clamp(output[j], (float)-k, (float)k);
        });
        return new ExtractionResult(stack, inside, insideIndices, unique.Count - inside.Count, picks.Count - unique.Count);
    }

    /// <summary>Keeps the best-scoring pick of every group closer than <paramref name="distancePx"/> (greedy, best first; ties by position).</summary>
    public static List<Pick> RemoveDuplicates(IReadOnlyList<Pick> picks, double distancePx)
    {
        ArgumentNullException.ThrowIfNull(picks);
        return UniqueIndices(picks, distancePx).Select(i => picks[i]).ToList();
    }

    /// <summary>Indices (ascending) of the picks <see cref="RemoveDuplicates"/> keeps.</summary>
    private static List<int> UniqueIndices(IReadOnlyList<Pick> picks, double distancePx)
    {
        if (distancePx <= 0)
            return [.. Enumerable.Range(0, picks.Count)];
        var order = picks.Select((p, i) => (p, i)).OrderByDescending(t => t.p.Score).ThenBy(t => t.p.XPx).ThenBy(t => t.p.YPx).ToList();
        var grid = new SpatialGrid(distancePx);
        var keep = new List<int>();
        foreach (var (p, i) in order)
        {
            if (grid.AnyWithin(p.XPx, p.YPx, distancePx * distancePx))
                continue;
            grid.Add(p.XPx, p.YPx);
            keep.Add(i);
        }
        keep.Sort();
        return keep;
    }

    private static float[] Cut(Image2D micrograph, Pick pick, int n)
    {
        int x0 = (int)Math.Round(pick.XPx) - n / 2, y0 = (int)Math.Round(pick.YPx) - n / 2;
        var box = new float[n * n];
        for (int y = 0; y < n; y++)
            micrograph.Span.Slice((y0 + y) * micrograph.Width + x0, n).CopyTo(box.AsSpan(y * n, n));
        return box;
    }

    private void Filter(float[] box, int n, int m, float[]? flip, Span<float> output)
    {
        if (flip is null && m == n)
        {
            box.CopyTo(output);
            return;
        }
        var shape = new FftShape(n, n);
        var spectrum = new Complex32[shape.ComplexLength];
        _fft.GetPlan(shape).Forward(box, spectrum);
        if (flip is not null)
            for (int i = 0; i < spectrum.Length; i++)
                spectrum[i] *= flip[i];
        var target = new FftShape(m, m);
        var cropped = new Complex32[target.ComplexLength];
        FourierResample.ResampleSpectrum(spectrum, shape, cropped, target);
        _fft.GetPlan(target).Inverse(cropped, output);
    }
}
