namespace Concord.Simulation.Movies;

/// <summary>
/// Beam-induced motion of a movie as ground truth: a global trajectory (fast initial drift that decays, plus a small
/// random walk, as seen in real data; Brilot et al. 2012) and a smooth local deformation that grows with exposure,
/// expressed as a quadratic polynomial of the position in the field of view (MotionCor2's model; Zheng et al. 2017).
/// Shifts are in pixels, frame 0 is the reference position (shift 0); positions (x, y) are pixel coordinates 0…W, 0…H,
/// mapped internally to [−1, 1] about the image centre for the polynomial.
/// </summary>
public sealed class MotionModel
{
    private readonly double[] _globalX, _globalY;
    private readonly double[] _localCoeffX, _localCoeffY;

    private MotionModel(double[] gx, double[] gy, double[] lx, double[] ly, int width, int height)
    {
        _globalX = gx;
        _globalY = gy;
        _localCoeffX = lx;
        _localCoeffY = ly;
        Width = width;
        Height = height;
    }

    public int Frames => _globalX.Length;
    public int Width { get; }
    public int Height { get; }

    /// <summary>True when the model has a local (position-dependent) component.</summary>
    public bool HasLocalMotion => _localCoeffX.Any(c => c != 0) || _localCoeffY.Any(c => c != 0);

    /// <param name="totalDriftPx">Length of the global trajectory's decaying part, in pixels.</param>
    /// <param name="localAmplitudePx">Largest local displacement at the corners in the last frame, in pixels (0: none).</param>
    public static MotionModel Random(int frames, int width, int height, double totalDriftPx, double localAmplitudePx, Random random, double jitterPx = 0.1)
    {
        if (frames < 1)
            throw new Core.InvalidParameterException("frames", $"must be at least 1, got {frames}.");
        double angle = random.NextDouble() * 2 * Math.PI;
        double decay = 2 + random.NextDouble() * 4; // frames over which the initial drift relaxes
        var gx = new double[frames];
        var gy = new double[frames];
        double wx = 0, wy = 0;
        double norm = 1 - Math.Exp(-(frames - 1) / decay);
        for (int f = 1; f < frames; f++)
        {
            double along = totalDriftPx * (1 - Math.Exp(-f / decay)) / (norm > 0 ? norm : 1);
            wx += jitterPx * Gaussian(random);
            wy += jitterPx * Gaussian(random);
            gx[f] = along * Math.Cos(angle) + wx;
            gy[f] = along * Math.Sin(angle) + wy;
        }
        // Quadratic field: u(x, y) = c0·x + c1·y + c2·x² + c3·xy + c4·y² (normalised coordinates in [−1, 1]),
        // scaled so that the largest corner displacement equals localAmplitudePx at the last frame.
        var lx = new double[5];
        var ly = new double[5];
        if (localAmplitudePx > 0)
        {
            for (int i = 0; i < 5; i++)
            {
                lx[i] = Gaussian(random);
                ly[i] = Gaussian(random);
            }
            double peak = 0;
            foreach (var (x, y) in new[] { (-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0), (1.0, 1.0) })
                peak = Math.Max(peak, Math.Sqrt(Sq(Poly(lx, x, y)) + Sq(Poly(ly, x, y))));
            for (int i = 0; i < 5; i++)
            {
                lx[i] *= localAmplitudePx / peak;
                ly[i] *= localAmplitudePx / peak;
            }
        }
        return new MotionModel(gx, gy, lx, ly, width, height);
    }

    /// <summary>A model with only the given global trajectory (pixels per frame).</summary>
    public static MotionModel GlobalOnly(IReadOnlyList<(double X, double Y)> trajectory, int width, int height) =>
        new(trajectory.Select(t => t.X).ToArray(), trajectory.Select(t => t.Y).ToArray(), new double[5], new double[5], width, height);

    /// <summary>Global shift of frame <paramref name="frame"/> in pixels.</summary>
    public (double X, double Y) Global(int frame) => (_globalX[frame], _globalY[frame]);

    /// <summary>Local displacement (excluding the global shift) at pixel (x, y) in frame <paramref name="frame"/>, growing linearly with the frame index.</summary>
    public (double X, double Y) Local(int frame, double x, double y)
    {
        double t = Frames > 1 ? (double)frame / (Frames - 1) : 0;
        double nx = 2 * x / Width - 1, ny = 2 * y / Height - 1;
        return (t * Poly(_localCoeffX, nx, ny), t * Poly(_localCoeffY, nx, ny));
    }

    /// <summary>Total displacement of the specimen point at pixel (x, y) in frame <paramref name="frame"/>.</summary>
    public (double X, double Y) Total(int frame, double x, double y)
    {
        var (lx, ly) = Local(frame, x, y);
        return (_globalX[frame] + lx, _globalY[frame] + ly);
    }

    private static double Poly(double[] c, double x, double y) => c[0] * x + c[1] * y + c[2] * x * x + c[3] * x * y + c[4] * y * y;

    private static double Sq(double v) => v * v;

    internal static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
