using Concord.Core;
using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Geometry;
using Concord.Core.Imaging;

namespace Concord.Picking.Methods.Template;

/// <summary>The best correlation of any template at any rotation, per working pixel.</summary>
/// <param name="Correlation">Max over templates and rotations of the local normalised correlation (−1…1).</param>
/// <param name="Template">Index of the best template per pixel.</param>
/// <param name="AngleDeg">Best in-plane rotation per pixel.</param>
public sealed record TemplateMatch(float[] Correlation, int[] Template, float[] AngleDeg, int Width, int Height);

/// <summary>
/// Template matching by fast local correlation (FLCC; Roseman 2003, "Particle finding in electron micrographs using a
/// fast local correlation algorithm", Ultramicroscopy 94:225): each template, normalised to zero mean and unit norm
/// inside a circular mask of the particle radius, is correlated with the micrograph through the FFT, and the result is
/// divided by the micrograph's local standard deviation under the same mask (computed once, also through the FFT).
/// The value is then the Pearson correlation of the template with the masked patch at each position, so bright
/// contamination or thick carbon does not win by mere variance. Templates are turned in plane in steps; the best
/// value over templates and rotations forms the map, whose peaks (with non-maximum suppression at a fraction of the
/// diameter) are the picks.
/// </summary>
public sealed class TemplatePicker
{
    private readonly IFftBackend _fft;

    public TemplatePicker(IFftBackend fft) => _fft = fft;

    /// <summary>Picks on <paramref name="micrograph"/> with <paramref name="templates"/> (any box, each with its pixel size).</summary>
    public IReadOnlyList<Pick> Pick(Image2D micrograph, IReadOnlyList<Image2D> templates, TemplatePickerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        using var work = WorkingMicrograph.Create(micrograph, options.DiameterA, _fft);
        return Pick(work, templates, options);
    }

    /// <summary>Picks on an already binned micrograph (coordinates in micrograph pixels, scores = correlation).</summary>
    public IReadOnlyList<Pick> Pick(WorkingMicrograph work, IReadOnlyList<Image2D> templates, TemplatePickerOptions options)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(options);
        var match = Match(work, templates, options);
        var interior = Log.LogPicker.Interior(match.Correlation, work.Width, work.Height, (int)Math.Ceiling(work.RadiusPx));
        var (median, sigma) = PeakFinder.RobustLocationScale(interior);
        double threshold = Math.Max(options.MinCorrelation, median + options.ThresholdSigmas * sigma);
        var peaks = PeakFinder.Find(match.Correlation, work.Width, work.Height,
            new PeakOptions(options.MinDistanceFraction * 2 * work.RadiusPx, work.RadiusPx, (float)threshold, options.MaxCount));
        return peaks.Select(p =>
        {
            var (x, y) = work.ToMicrograph(p.XPx, p.YPx);
            return new Pick(x, y, p.Score);
        }).ToList();
    }

    /// <summary>The FLCC map of <paramref name="work"/> against every template and rotation.</summary>
    public TemplateMatch Match(WorkingMicrograph work, IReadOnlyList<Image2D> templates, TemplatePickerOptions options)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (templates.Count == 0)
            throw new InvalidParameterException("templates", "at least one template is needed.");
        var shape = new FftShape(work.Width, work.Height);
        var plan = _fft.GetPlan(shape);
        var image = new Complex32[shape.ComplexLength];
        plan.Forward(work.Image.Span, image);
        double maskRadius = work.RadiusPx;
        var prepared = templates.Select(t => Prepare(t, work.Image.PixelSizeA, options)).ToList();
        int box = prepared.Max(t => t.Width);
        maskRadius = Math.Min(maskRadius, box / 2 - 1);
        var localNorm = LocalNorm(work.Image.Span, shape, plan, maskRadius);
        int steps = Math.Max(1, (int)Math.Round(360 / options.AngularStepDeg));
        int jobs = prepared.Count * steps;
        var best = new float[shape.RealLength];
        Array.Fill(best, float.NegativeInfinity);
        var bestTemplate = new int[shape.RealLength];
        var bestAngle = new float[shape.RealLength];
        var gate = new Lock();
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, jobs, 1),
            new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism }, range =>
            {
                var map = new float[shape.RealLength];
                for (int j = range.Item1; j < range.Item2; j++)
                {
                    int t = j / steps;
                    double angle = (j % steps) * 360.0 / steps;
                    Correlate(prepared[t], angle, maskRadius, image, shape, plan, map);
                    lock (gate)
                    {
                        for (int i = 0; i < map.Length; i++)
                        {
                            float v = map[i] * localNorm[i];
                            if (v > best[i])
                            {
                                best[i] = v;
                                bestTemplate[i] = t;
                                bestAngle[i] = (float)angle;
                            }
                        }
                    }
                }
            });
        return new TemplateMatch(best, bestTemplate, bestAngle, shape.NX, shape.NY);
    }

    /// <summary>A template resampled to the working pixel size, CTF-multiplied if asked, with the particle contrast of the micrograph.</summary>
    private Image2D Prepare(Image2D template, double workingPixelA, TemplatePickerOptions options)
    {
        if (template.Width != template.Height)
            throw new InvalidDimensionsException($"templates must be square, got {template.Width}×{template.Height}.");
        using var source = template.Clone();
        if (options.Ctf is { } ctf)
        {
            var tshape = new FftShape(source.Width, source.Height);
            var spectrum = new Complex32[tshape.ComplexLength];
            var tplan = _fft.GetPlan(tshape);
            tplan.Forward(source.Span, spectrum);
            var ctfImage = CtfImage.HalfComplex(new CtfModel(ctf), tshape, source.PixelSizeA, maxDegreeOfParallelism: 1);
            for (int i = 0; i < spectrum.Length; i++)
                spectrum[i] *= ctfImage[i];
            tplan.Inverse(spectrum, source.Span);
        }
        if (options.DarkParticles)
            for (int i = 0; i < source.Length; i++)
                source.Span[i] = -source.Span[i];
        int size = FourierResample.EvenSizeForPixelSize(source.Width, source.PixelSizeA, workingPixelA);
        return size == source.Width ? source.Clone() : FourierResample.Resample(source, size, size, _fft);
    }

    /// <summary>1 / √(Σ_M f² − (Σ_M f)²/N) per position: the inverse of the patch norm after removing its mean.</summary>
    private static float[] LocalNorm(ReadOnlySpan<float> image, FftShape shape, IRealFft plan, double radius)
    {
        var mask = new float[shape.RealLength];
        int r = (int)Math.Ceiling(radius);
        int count = 0;
        for (int dy = -r; dy <= r; dy++)
            for (int dx = -r; dx <= r; dx++)
                if (dx * dx + dy * dy <= radius * radius)
                {
                    mask[Wrap(dy, shape.NY) * shape.NX + Wrap(dx, shape.NX)] = 1;
                    count++;
                }
        var maskSpectrum = new Complex32[shape.ComplexLength];
        plan.Forward(mask, maskSpectrum);
        var squares = new float[shape.RealLength];
        for (int i = 0; i < squares.Length; i++)
            squares[i] = image[i] * image[i];
        var sum = Convolve(image, maskSpectrum, shape, plan);
        var sum2 = Convolve(squares, maskSpectrum, shape, plan);
        var norm = new float[shape.RealLength];
        for (int i = 0; i < norm.Length; i++)
        {
            double variance = sum2[i] - (double)sum[i] * sum[i] / count;
            norm[i] = variance > 1e-6 * count ? (float)(1 / Math.Sqrt(variance)) : 0f;
        }
        return norm;
    }

    /// <summary>Σ_u t(u)·f(x + u) for a rotated, masked, zero-mean unit-norm template t centred at its box centre.</summary>
    private static void Correlate(Image2D template, double angleDeg, double radius, ReadOnlySpan<Complex32> image, FftShape shape, IRealFft plan, Span<float> map)
    {
        int n = template.Width, c = n / 2;
        var rotated = new float[n * n];
        ImageRotation.Rotate(template.Span, rotated, n, n, angleDeg, 0, 0, Interpolation.Bilinear, 0);
        double sum = 0, count = 0;
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
                if (Inside(x - c, y - c, radius))
                {
                    sum += rotated[y * n + x];
                    count++;
                }
        double mean = sum / count, norm2 = 0;
        var padded = new float[shape.RealLength];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
                if (Inside(x - c, y - c, radius))
                {
                    double v = rotated[y * n + x] - mean;
                    norm2 += v * v;
                    padded[Wrap(y - c, shape.NY) * shape.NX + Wrap(x - c, shape.NX)] = (float)v;
                }
        float scale = norm2 > 0 ? (float)(1 / Math.Sqrt(norm2)) : 0f;
        var spectrum = new Complex32[shape.ComplexLength];
        plan.Forward(padded, spectrum);
        // Correlation theorem: Σ_u t(u) f(x + u) = IFFT(conj(T)·F).
        for (int i = 0; i < spectrum.Length; i++)
            spectrum[i] = spectrum[i].Conjugate * image[i] * scale;
        plan.Inverse(spectrum, map);
    }

    private static float[] Convolve(ReadOnlySpan<float> data, ReadOnlySpan<Complex32> kernelSpectrum, FftShape shape, IRealFft plan)
    {
        var spectrum = new Complex32[shape.ComplexLength];
        plan.Forward(data, spectrum);
        for (int i = 0; i < spectrum.Length; i++)
            spectrum[i] = kernelSpectrum[i].Conjugate * spectrum[i];
        var result = new float[shape.RealLength];
        plan.Inverse(spectrum, result);
        return result;
    }

    private static bool Inside(int dx, int dy, double radius) => dx * dx + dy * dy <= radius * radius;

    private static int Wrap(int i, int n) => ((i % n) + n) % n;
}
