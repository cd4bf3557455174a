using Concord.Core;
using Concord.Core.Numerics;

namespace Concord.Preprocess.Methods.Motion;

/// <summary>A measured local shift: the alignment shift of the patch centred at (<see cref="XPx"/>, <see cref="YPx"/>)
/// in frame <see cref="Frame"/>, on top of the global shift (px).</summary>
public readonly record struct PatchShift(double XPx, double YPx, int Frame, double ShiftXPx, double ShiftYPx);

/// <summary>
/// A smooth spatio-temporal model of the local alignment shift that remains after the global one, after MotionCor2's
/// polynomial (Zheng et al. 2017) and RELION's third-order model: for each axis
/// ℓ(x, y, f) = Σ_{p=1..3} τ^p · Σ_j c_{p,j}·b_j(u, v), with τ = (f − reference frame)/(frames − 1),
/// u = (x − W/2)/(W/2), v = (y − H/2)/(H/2) (pixel coordinates, 0 at the first pixel's centre) and the spatial basis
/// b = (1, u, u², v, v², u·v) in RELION's order. There is no τ⁰ term, so the reference frame has no local shift. The
/// 18 coefficients per axis are fitted by least squares to patch measurements, which regularises their noise: a
/// quadratic field that grows smoothly in time needs only these few numbers, however many patches are measured.
/// Coefficient index = 6·(p − 1) + j.
/// </summary>
public sealed class LocalMotionModel
{
    public const int TermsPerAxis = 18;

    private readonly double[] _cx, _cy;

    public LocalMotionModel(int width, int height, int frames, int referenceFrame, IReadOnlyList<double> coefficientsX, IReadOnlyList<double> coefficientsY)
    {
        InvalidDimensionsException.ThrowIfNotPositive(width, height, frames, "LocalMotionModel");
        if (coefficientsX.Count != TermsPerAxis || coefficientsY.Count != TermsPerAxis)
            throw new ShapeMismatchException($"LocalMotionModel: expected {TermsPerAxis} coefficients per axis, got {coefficientsX.Count} and {coefficientsY.Count}.");
        if (referenceFrame < 0 || referenceFrame >= frames)
            throw new InvalidParameterException(nameof(referenceFrame), $"must be a frame of the movie (0…{frames - 1}), got {referenceFrame}.");
        Width = width;
        Height = height;
        Frames = frames;
        ReferenceFrame = referenceFrame;
        _cx = [.. coefficientsX];
        _cy = [.. coefficientsY];
    }

    public int Width { get; }
    public int Height { get; }
    public int Frames { get; }
    public int ReferenceFrame { get; }
    public IReadOnlyList<double> CoefficientsX => _cx;
    public IReadOnlyList<double> CoefficientsY => _cy;

    /// <summary>Local alignment shift (px) at pixel (<paramref name="xPx"/>, <paramref name="yPx"/>) of frame <paramref name="frame"/>.</summary>
    public (double X, double Y) Evaluate(double xPx, double yPx, int frame)
    {
        Span<double> basis = stackalloc double[TermsPerAxis];
        Basis(xPx, yPx, frame, basis);
        double sx = 0, sy = 0;
        for (int i = 0; i < TermsPerAxis; i++)
        {
            sx += _cx[i] * basis[i];
            sy += _cy[i] * basis[i];
        }
        return (sx, sy);
    }

    /// <summary>
    /// The six spatial coefficients per axis of frame <paramref name="frame"/> (time powers folded in), so a whole frame
    /// is evaluated with 6 terms per pixel: ℓ = Σ_j s_j·b_j(u, v).
    /// </summary>
    internal (double[] X, double[] Y) SpatialCoefficients(int frame)
    {
        double tau = Tau(frame);
        var x = new double[6];
        var y = new double[6];
        double power = 1;
        for (int p = 0; p < 3; p++)
        {
            power *= tau;
            for (int j = 0; j < 6; j++)
            {
                x[j] += _cx[(6 * p) + j] * power;
                y[j] += _cy[(6 * p) + j] * power;
            }
        }
        return (x, y);
    }

    /// <summary>
    /// The same model in RELION's third-order polynomial parameterisation (motion model version 1): 36 coefficients,
    /// 18 for X then 18 for Y, index 3·j + p − 1 for spatial term j of (1, X, X², Y, Y², X·Y) and time power p = 1…3,
    /// with X = x/W − 0.5, Y = y/H − 0.5 and time z = the 0-based frame. Since u = 2X and τ = z/(F − 1), each of
    /// Concord's coefficients is scaled by 2^(spatial degree)/(F − 1)^p. RELION counts time from the first frame, so the
    /// model must use frame 0 as its reference.
    /// </summary>
    public double[] ToRelionCoefficients()
    {
        if (ReferenceFrame != 0)
            throw new InvalidParameterException(nameof(ReferenceFrame), $"RELION's local model counts time from the first frame; this model's reference frame is {ReferenceFrame}.");
        ReadOnlySpan<double> spatialScale = [1, 2, 4, 2, 4, 4];
        double step = Frames > 1 ? 1.0 / (Frames - 1) : 0;
        var relion = new double[2 * TermsPerAxis];
        for (int j = 0; j < 6; j++)
        {
            double timeScale = 1;
            for (int p = 0; p < 3; p++)
            {
                timeScale *= step;
                relion[(3 * j) + p] = _cx[(6 * p) + j] * spatialScale[j] * timeScale;
                relion[TermsPerAxis + (3 * j) + p] = _cy[(6 * p) + j] * spatialScale[j] * timeScale;
            }
        }
        return relion;
    }

    internal double NormalizedX(double xPx) => (xPx - (Width / 2.0)) / (Width / 2.0);

    internal double NormalizedY(double yPx) => (yPx - (Height / 2.0)) / (Height / 2.0);

    internal static double SpatialTerm(int j, double u, double v) => j switch
    {
        0 => 1,
        1 => u,
        2 => u * u,
        3 => v,
        4 => v * v,
        _ => u * v,
    };

    /// <summary>
    /// Least-squares fit to patch measurements. One pass of outlier rejection follows the first fit: measurements whose
    /// residual exceeds three times the RMS residual (a patch that locked onto noise) are dropped and the model refitted.
    /// A tiny ridge term keeps the normal equations solvable when the patches cannot fix every term.
    /// </summary>
    public static LocalMotionModel Fit(IReadOnlyList<PatchShift> measurements, int width, int height, int frames, int referenceFrame)
    {
        if (measurements.Count == 0)
            throw new InvalidParameterException(nameof(measurements), "no patch measurements to fit a local motion model to.");
        var model = new LocalMotionModel(width, height, frames, referenceFrame, new double[TermsPerAxis], new double[TermsPerAxis]);
        var used = measurements.ToList();
        for (int pass = 0; pass < 2; pass++)
        {
            model = new LocalMotionModel(width, height, frames, referenceFrame, Solve(model, used, m => m.ShiftXPx), Solve(model, used, m => m.ShiftYPx));
            if (pass == 1)
                break;
            var residuals = used.Select(m => Residual(model, m)).ToList();
            double rms = Math.Sqrt(residuals.Average(r => r * r));
            var kept = used.Where((_, i) => residuals[i] <= 3 * rms).ToList();
            if (kept.Count == used.Count || kept.Count < TermsPerAxis)
                break;
            used = kept;
        }
        return model;
    }

    private static double Residual(LocalMotionModel model, PatchShift m)
    {
        var (x, y) = model.Evaluate(m.XPx, m.YPx, m.Frame);
        return Math.Sqrt(((x - m.ShiftXPx) * (x - m.ShiftXPx)) + ((y - m.ShiftYPx) * (y - m.ShiftYPx)));
    }

    private static double[] Solve(LocalMotionModel geometry, List<PatchShift> measurements, Func<PatchShift, double> value)
    {
        const int n = TermsPerAxis;
        var normal = new double[n, n];
        var rhs = new double[n];
        Span<double> basis = stackalloc double[n];
        foreach (var m in measurements)
        {
            geometry.Basis(m.XPx, m.YPx, m.Frame, basis);
            double v = value(m);
            for (int i = 0; i < n; i++)
            {
                rhs[i] += basis[i] * v;
                for (int j = 0; j < n; j++)
                    normal[i, j] += basis[i] * basis[j];
            }
        }
        double trace = 0;
        for (int i = 0; i < n; i++)
            trace += normal[i, i];
        double ridge = Math.Max(1e-9 * trace / n, 1e-12);
        for (int i = 0; i < n; i++)
            normal[i, i] += ridge;
        if (!Cholesky.TrySolveInPlace(normal, rhs))
            throw new InvalidParameterException("normalEquations", "the local motion fit is singular; use more patches or frames.");
        return rhs;
    }

    private double Tau(int frame) => Frames > 1 ? (frame - ReferenceFrame) / (double)(Frames - 1) : 0;

    private void Basis(double xPx, double yPx, int frame, Span<double> basis)
    {
        double u = NormalizedX(xPx), v = NormalizedY(yPx), tau = Tau(frame);
        double power = 1;
        for (int p = 0; p < 3; p++)
        {
            power *= tau;
            for (int j = 0; j < 6; j++)
                basis[(6 * p) + j] = power * SpatialTerm(j, u, v);
        }
    }
}
