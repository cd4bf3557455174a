using Concord.Core.Imaging;

namespace Concord.Core.Geometry;

/// <summary>How <see cref="ImageRotation"/> samples between pixels.</summary>
public enum Interpolation
{
    Bilinear,

    /// <summary>Interpolating cubic B-spline: the image is prefiltered to spline coefficients (Unser, Aldroubi and Eden
    /// 1991; Unser 1999, "Splines: a perfect fit") with mirror boundaries, then evaluated with the cubic B-spline kernel.</summary>
    CubicBSpline,
}

/// <summary>
/// In-plane rotation and shift of a 2D image about its centre (Width/2, Height/2), integer division as RELION's origin.
/// The content at source pixel q moves to c + R(θ)(q − c) + shift, with R(θ) = [[cos θ, −sin θ], [sin θ, cos θ]]:
/// a positive angle turns +x towards +y. Destination pixels whose source point falls outside [0, W−1]×[0, H−1] get
/// the fill value.
/// </summary>
public static class ImageRotation
{
    /// <summary>Rotates <paramref name="source"/> into <paramref name="destination"/> (same size; different images).</summary>
    public static void Rotate(Image2D source, Image2D destination, double angleDegrees, double shiftXPx = 0, double shiftYPx = 0,
        Interpolation interpolation = Interpolation.CubicBSpline, float outsideValue = 0, int maxDegreeOfParallelism = 1)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        source.RequireSameShape(destination, "ImageRotation.Rotate");
        if (ReferenceEquals(source, destination))
            throw new InvalidParameterException("destination", "must be a different image from the source; rotation cannot run in place.");
        Rotate(source.Span, destination.Span, source.Width, source.Height, angleDegrees, shiftXPx, shiftYPx, interpolation, outsideValue, maxDegreeOfParallelism);
    }

    /// <summary>Span form of <see cref="Rotate(Image2D, Image2D, double, double, double, Interpolation, float, int)"/>.</summary>
    public static void Rotate(ReadOnlySpan<float> source, Span<float> destination, int width, int height, double angleDegrees,
        double shiftXPx, double shiftYPx, Interpolation interpolation, float outsideValue, int maxDegreeOfParallelism = 1)
    {
        InvalidDimensionsException.ThrowIfNotPositive(width, height, 1, "ImageRotation");
        ShapeMismatchException.ThrowIfLengthDiffers(source.Length, (long)width * height, "ImageRotation source");
        ShapeMismatchException.ThrowIfLengthDiffers(destination.Length, (long)width * height, "ImageRotation destination");
        if (!double.IsFinite(angleDegrees) || !double.IsFinite(shiftXPx) || !double.IsFinite(shiftYPx))
            throw new InvalidParameterException("ImageRotation", $"angle and shift must be finite, got {angleDegrees}°, ({shiftXPx}, {shiftYPx}) px.");
        if (maxDegreeOfParallelism < 1)
            throw new InvalidParameterException("maxDegreeOfParallelism", $"must be at least 1, got {maxDegreeOfParallelism}.");

        double[] samples = new double[width * height];
        for (int i = 0; i < samples.Length; i++)
            samples[i] = source[i];
        if (interpolation == Interpolation.CubicBSpline)
            BSplinePrefilter.ToCoefficients(samples, width, height);

        var (sin, cos) = ExactSinCos(angleDegrees);
        var map = new Mapping(width, height, sin, cos, shiftXPx, shiftYPx);
        float[] result = new float[width * height];
        Parallel.For(0, height, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, y =>
        {
            for (int x = 0; x < width; x++)
            {
                var (sx, sy) = map.SourceOf(x, y);
                result[y * width + x] = map.IsInside(sx, sy)
                    ? (float)(interpolation == Interpolation.Bilinear
                        ? SampleBilinear(samples, width, height, sx, sy)
                        : SampleBSpline(samples, width, height, sx, sy))
                    : outsideValue;
            }
        });
        result.CopyTo(destination);
    }

    // Multiples of 90° must give exact 0/±1 so that quarter turns are pure pixel permutations.
    private static (double Sin, double Cos) ExactSinCos(double angleDegrees)
    {
        double turns = angleDegrees / 90.0;
        if (turns == Math.Round(turns))
        {
            int quarter = (int)(((long)Math.Round(turns) % 4 + 4) % 4);
            return quarter switch { 0 => (0, 1), 1 => (1, 0), 2 => (0, -1), _ => (-1, 0) };
        }

        return Math.SinCos(angleDegrees * (Math.PI / 180.0));
    }

    private readonly struct Mapping(int width, int height, double sin, double cos, double shiftX, double shiftY)
    {
        private readonly double _cx = width / 2, _cy = height / 2;

        // Inverse map: q = c + Rᵀ(p − c − shift).
        public (double X, double Y) SourceOf(int x, int y)
        {
            double dx = x - _cx - shiftX, dy = y - _cy - shiftY;
            return (_cx + cos * dx + sin * dy, _cy - sin * dx + cos * dy);
        }

        public bool IsInside(double sx, double sy)
        {
            const double Slack = 1e-9;
            return sx >= -Slack && sx <= width - 1 + Slack && sy >= -Slack && sy <= height - 1 + Slack;
        }
    }

    private static double SampleBilinear(double[] image, int width, int height, double x, double y)
    {
        var (x0, tx) = Split(x, width);
        var (y0, ty) = Split(y, height);
        int x1 = Math.Min(x0 + 1, width - 1), y1 = Math.Min(y0 + 1, height - 1);
        double top = image[y0 * width + x0] * (1 - tx) + image[y0 * width + x1] * tx;
        double bottom = image[y1 * width + x0] * (1 - tx) + image[y1 * width + x1] * tx;
        return top * (1 - ty) + bottom * ty;
    }

    private static (int Index, double Fraction) Split(double position, int size)
    {
        int index = Math.Clamp((int)Math.Floor(position), 0, size - 1);
        double fraction = Math.Clamp(position - index, 0, 1);
        return (index, fraction);
    }

    private static double SampleBSpline(double[] coefficients, int width, int height, double x, double y)
    {
        var (x0, tx) = Split(x, width);
        var (y0, ty) = Split(y, height);
        Span<double> wx = stackalloc double[4];
        Span<double> wy = stackalloc double[4];
        CubicWeights(tx, wx);
        CubicWeights(ty, wy);
        double sum = 0;
        for (int j = 0; j < 4; j++)
        {
            int row = Mirror(y0 - 1 + j, height) * width;
            double rowSum = 0;
            for (int i = 0; i < 4; i++)
                rowSum += wx[i] * coefficients[row + Mirror(x0 - 1 + i, width)];
            sum += wy[j] * rowSum;
        }

        return sum;
    }

    // Cubic B-spline weights for the samples at offsets −1, 0, 1, 2 from floor(x), t = x − floor(x).
    private static void CubicWeights(double t, Span<double> w)
    {
        double t2 = t * t, t3 = t2 * t, u = 1 - t;
        w[0] = u * u * u / 6;
        w[1] = (4 - 6 * t2 + 3 * t3) / 6;
        w[2] = (1 + 3 * t + 3 * t2 - 3 * t3) / 6;
        w[3] = t3 / 6;
    }

    internal static int Mirror(int i, int size)
    {
        if (size == 1)
            return 0;
        int period = 2 * size - 2;
        i %= period;
        if (i < 0)
            i += period;
        return i < size ? i : period - i;
    }
}
