using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Imaging;

namespace Concord.Picking.Methods.Log;

/// <summary>Which band-pass detects blobs.</summary>
public enum BlobFilter
{
    /// <summary>Scale-normalised Laplacian of Gaussian σ²∇²G (Lindeberg 1998, "Feature detection with automatic scale selection").</summary>
    LaplacianOfGaussian,

    /// <summary>Difference of Gaussians G(√k·σ) − G(σ/√k), k = 1.6 (Lowe 2004), a cheaper approximation of the same band.</summary>
    DifferenceOfGaussians,
}

/// <summary>Settings of the blob picker; it needs only the particle size.</summary>
public sealed record LogPickerOptions
{
    /// <summary>Particle diameter in Å.</summary>
    public required double DiameterA { get; init; }

    public BlobFilter Filter { get; init; } = BlobFilter.LaplacianOfGaussian;

    /// <summary>Picks need a response above median + k·σ̂ (σ̂ = 1.4826·MAD of the whole response map).</summary>
    public double ThresholdSigmas { get; init; } = 3;

    /// <summary>Non-maximum suppression distance as a fraction of the diameter.</summary>
    public double MinDistanceFraction { get; init; } = 0.8;

    /// <summary>At most this many picks per micrograph, best first (0: no limit).</summary>
    public int MaxCount { get; init; }

    /// <summary>Protein darker than the ice (cryo-EM at defocus); false for bright particles (negative stain, inverted images).</summary>
    public bool DarkParticles { get; init; } = true;

    public void Validate()
    {
        if (!(DiameterA > 0) || !double.IsFinite(DiameterA))
            throw new InvalidParameterException("diameter", $"must be a positive number of Å, got {DiameterA}.");
        if (!double.IsFinite(ThresholdSigmas))
            throw new InvalidParameterException("threshold", $"must be finite, got {ThresholdSigmas}.");
        if (!(MinDistanceFraction >= 0 && MinDistanceFraction <= 4))
            throw new InvalidParameterException("min-distance", $"must be 0–4 diameters, got {MinDistanceFraction}.");
        if (MaxCount < 0)
            throw new InvalidParameterException("max-count", $"must be ≥ 0, got {MaxCount}.");
    }
}

/// <summary>
/// Size-only picker: a micrograph is band-passed by a blob filter tuned to the particle radius (σ = r/√2, where the
/// scale-normalised Laplacian of a disc of radius r peaks; Lindeberg 1998), and local maxima above a robust
/// threshold become picks, as in RELION's LoG picker (Zivanov et al. 2018) and Xmipp's/cryoSPARC's blob pickers.
/// </summary>
public sealed class LogPicker
{
    private readonly IFftBackend _fft;

    public LogPicker(IFftBackend fft) => _fft = fft;

    /// <summary>Picks on <paramref name="micrograph"/>; coordinates in its pixels, scores in robust σ above the median response.</summary>
    public IReadOnlyList<Pick> Pick(Image2D micrograph, LogPickerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        using var work = WorkingMicrograph.Create(micrograph, options.DiameterA, _fft);
        return Pick(work, options);
    }

    /// <summary>Picks on an already binned micrograph (coordinates in micrograph pixels).</summary>
    public IReadOnlyList<Pick> Pick(WorkingMicrograph work, LogPickerOptions options)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var response = Response(work.Image, work.RadiusPx, options.Filter, options.DarkParticles, _fft);
        var interior = Interior(response, work.Width, work.Height, (int)Math.Ceiling(work.RadiusPx));
        var (median, sigma) = PeakFinder.RobustLocationScale(interior);
        sigma = Math.Max(sigma, 1e-12);
        var peaks = PeakFinder.Find(response, work.Width, work.Height,
            new PeakOptions(options.MinDistanceFraction * 2 * work.RadiusPx, work.RadiusPx, (float)(median + options.ThresholdSigmas * sigma), options.MaxCount));
        return peaks.Select(p =>
        {
            var (x, y) = work.ToMicrograph(p.XPx, p.YPx);
            return new Pick(x, y, (p.Score - median) / sigma);
        }).ToList();
    }

    /// <summary>
    /// Blob response of <paramref name="image"/> (x fastest) at particle radius <paramref name="radiusPx"/>, positive
    /// on blobs of the particles' contrast. Applied in Fourier space: σ²∇²G has transfer −4π²σ²f²·exp(−2π²σ²f²).
    /// </summary>
    public static float[] Response(Image2D image, double radiusPx, BlobFilter filter, bool darkParticles, IFftBackend fft)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(fft);
        var shape = new FftShape(image.Width, image.Height);
        var spectrum = new Complex32[shape.ComplexLength];
        var plan = fft.GetPlan(shape);
        plan.Forward(image.Span, spectrum);
        var response = new float[shape.RealLength];
        Filter(spectrum, shape, radiusPx, filter, darkParticles, plan, response);
        return response;
    }

    /// <summary>Filters a forward spectrum (kept intact) into a real response map, for callers that reuse one spectrum at several scales.</summary>
    public static void Filter(ReadOnlySpan<Complex32> spectrum, FftShape shape, double radiusPx, BlobFilter filter, bool darkParticles, IRealFft plan, Span<float> response)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!(radiusPx > 0))
            throw new InvalidParameterException("radius", $"must be positive, got {radiusPx} px.");
        var filtered = spectrum.ToArray();
        double sigma = radiusPx / Math.Sqrt(2), sign = darkParticles ? 1 : -1, k = 1.6;
        double s1 = sigma / Math.Sqrt(k), s2 = sigma * Math.Sqrt(k);
        FourierFilters.ApplyRadialGain(filtered, shape, radius =>
        {
            double f = radius / shape.NX, f2 = f * f;
            // Dark blobs: the Laplacian of the smoothed image is positive at their centres; G(σ₂) − G(σ₁) ∝ σ²∇²G.
            double gain = filter == BlobFilter.LaplacianOfGaussian
                ? -4 * Math.PI * Math.PI * sigma * sigma * f2 * Math.Exp(-2 * Math.PI * Math.PI * sigma * sigma * f2)
                : (Math.Exp(-2 * Math.PI * Math.PI * s2 * s2 * f2) - Math.Exp(-2 * Math.PI * Math.PI * s1 * s1 * f2)) / (k - 1);
            return sign * gain;
        });
        plan.Inverse(filtered, response);
    }

    /// <summary>The pixels at least <paramref name="border"/> from every edge (where filters are not wrapped from the opposite side).</summary>
    internal static float[] Interior(ReadOnlySpan<float> map, int width, int height, int border)
    {
        border = Math.Min(border, Math.Min(width, height) / 4);
        var result = new float[(width - 2 * border) * (height - 2 * border)];
        int n = 0;
        for (int y = border; y < height - border; y++)
            for (int x = border; x < width - border; x++)
                result[n++] = map[y * width + x];
        return result;
    }
}
