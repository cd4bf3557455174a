using Concord.Core;
using Concord.Core.Imaging;

namespace Concord.Preprocess.Methods.Gain;

/// <summary>Settings of blind gain estimation.</summary>
/// <param name="SmoothingRadiusPx">Half-width of the window whose robust mean is the local illumination level.</param>
/// <param name="OutlierSigma">Robust standard deviations beyond which a pixel is left out of its neighbours' level.</param>
public sealed record BlindGainOptions(int SmoothingRadiusPx = 8, double OutlierSigma = 4)
{
    public void Validate()
    {
        if (SmoothingRadiusPx < 1)
            throw new InvalidParameterException(nameof(SmoothingRadiusPx), $"must be at least 1 px, got {SmoothingRadiusPx}.");
        if (!(OutlierSigma > 0) || double.IsInfinity(OutlierSigma))
            throw new InvalidParameterException(nameof(OutlierSigma), $"must be a positive number of standard deviations, got {OutlierSigma}.");
    }
}

/// <summary>A gain estimated from the movies themselves.</summary>
/// <param name="Gain">Relative gain to multiply into raw frames (mean ≈ 1; 0 where a pixel never counted).</param>
/// <param name="Sensitivity">Relative sensitivity per pixel (the reciprocal of the gain).</param>
/// <param name="Frames">Frames accumulated.</param>
/// <param name="MeanCountsPerPixel">Mean total counts per pixel over all frames.</param>
/// <param name="PoissonNoise">Expected relative error of a pixel's estimate from counting noise alone: 1/√counts.</param>
public sealed record BlindGainEstimate(Image2D Gain, Image2D Sensitivity, long Frames, double MeanCountsPerPixel, double PoissonNoise);

/// <summary>
/// Blind estimation of a counting camera's gain from raw (uncorrected) movies, after Sorzano et al. (2018, "Blind
/// estimation of DED camera gain in Electron Microscopy", J. Struct. Biol. 203:90): over many frames of many movies the
/// specimen averages out (it differs between movies and drifts within them), so the per-pixel mean count is the dose
/// times the pixel's sensitivity times a smooth illumination. Dividing the mean by a robust local mean (a box mean
/// that leaves out outlying pixels, so a dead column or a hot pixel does not pull its neighbours) leaves the relative
/// sensitivity; its reciprocal is the relative gain. What smooth variation of sensitivity there is across the sensor is
/// absorbed into the illumination and not recovered, which does not matter for counting statistics but means the
/// estimate is relative, as in Sorzano et al.
/// <para>Usage: <see cref="Add(ReadOnlySpan{float})"/> every raw frame (or <see cref="Add(ImageStack, CancellationToken)"/>
/// whole movies), then <see cref="Estimate"/>. Accumulation is in double precision.</para>
/// </summary>
public sealed class BlindGainEstimator
{
    private readonly double[] _sum;
    private readonly BlindGainOptions _options;

    public BlindGainEstimator(int width, int height, BlindGainOptions? options = null)
    {
        InvalidDimensionsException.ThrowIfNotPositive(width, height, 1, "BlindGainEstimator");
        _options = options ?? new BlindGainOptions();
        _options.Validate();
        Width = width;
        Height = height;
        _sum = new double[width * height];
    }

    public int Width { get; }
    public int Height { get; }
    public long Frames { get; private set; }

    /// <summary>Adds one raw frame (Width × Height counts).</summary>
    public void Add(ReadOnlySpan<float> frame)
    {
        if (frame.Length != _sum.Length)
            throw new ShapeMismatchException($"Blind gain estimation: a frame has {frame.Length} pixels, but the estimator was made for {Width}×{Height} = {_sum.Length}.");
        for (int i = 0; i < frame.Length; i++)
            _sum[i] += frame[i];
        Frames++;
    }

    /// <summary>Adds every frame of a raw movie.</summary>
    public void Add(ImageStack movie, CancellationToken cancellationToken = default)
    {
        if (movie.Width != Width || movie.Height != Height)
            throw new ShapeMismatchException($"Blind gain estimation: the movie frames are {movie.Width}×{movie.Height} px, but the estimator was made for {Width}×{Height}.");
        for (int f = 0; f < movie.Count; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Add(movie.Slice(f));
        }
    }

    /// <summary>The relative gain from the frames added so far.</summary>
    public BlindGainEstimate Estimate(double pixelSizeA = 1.0)
    {
        if (Frames == 0)
            throw new InvalidDimensionsException("Blind gain estimation: no frames were added, so there is nothing to estimate from.");
        var mean = new float[_sum.Length];
        for (int i = 0; i < mean.Length; i++)
            mean[i] = (float)(_sum[i] / Frames);
        var accepted = new bool[mean.Length];
        for (int i = 0; i < mean.Length; i++)
            accepted[i] = mean[i] > 0 && float.IsFinite(mean[i]);
        // Two passes: the first level finds the outliers, the second is formed without them.
        var level = MaskedBoxMean.Compute(mean, accepted, Width, Height, _options.SmoothingRadiusPx);
        var relative = Ratio(mean, level);
        var (median, sigma) = MaskedBoxMean.RobustSpread(relative, accepted);
        for (int i = 0; i < relative.Length; i++)
        {
            if (accepted[i] && !(Math.Abs(relative[i] - median) <= _options.OutlierSigma * sigma))
                accepted[i] = false;
        }
        level = MaskedBoxMean.Compute(mean, accepted, Width, Height, _options.SmoothingRadiusPx);
        relative = Ratio(mean, level);
        var sensitivity = Image2D.FromPixels(Width, Height, relative, pixelSizeA);
        var gain = new Image2D(Width, Height, pixelSizeA);
        var g = gain.Span;
        for (int i = 0; i < g.Length; i++)
            g[i] = relative[i] > 0 ? 1f / relative[i] : 0f;
        double meanCounts = _sum.Average();
        return new BlindGainEstimate(gain, sensitivity, Frames, meanCounts, meanCounts > 0 ? 1 / Math.Sqrt(meanCounts) : double.PositiveInfinity);
    }

    private static float[] Ratio(float[] mean, float[] level)
    {
        var r = new float[mean.Length];
        for (int i = 0; i < r.Length; i++)
            r[i] = level[i] > 0 ? mean[i] / level[i] : 0f;
        return r;
    }
}
