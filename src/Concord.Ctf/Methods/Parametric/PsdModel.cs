namespace Concord.Ctf.Methods.Parametric;

/// <summary>
/// The parametric model of a 2D PSD (after Sorzano et al., J. Struct. Biol. 2007, and Xmipp's ctf_estimate_from_psd):
/// <code>
/// M(s) = B(|s|) + E²(|s|) · sin²γ(s)
/// B(s)  = exp(c₀ + c₁√t + c₂t + c₃t√t + c₄t²)                   background (<see cref="SmoothBackground"/>)
/// E²(s) = exp(e₀ + e₁t + e₂t²)                                    envelope: exponential and Gaussian decay
/// γ(s)  = −K1·(M·s² + C·(sx² − sy²) + S·2sx·sy) + K2·s⁴ − φ₀ − φ   the CTF phase (RELION's, see CtfModel)
/// </code>
/// with t = |s| / s_ref, the defocus as the linear form (Mean M, Cos2 C, Sin2 S) of <see cref="DefocusForm"/>, φ₀ the
/// amplitude-contrast phase and φ the fitted phase shift. The parameters live in one vector (layout below) so that a
/// fit can free any subset; the model and its exact Jacobian are evaluated together.
/// </summary>
internal sealed class PsdModel
{
    public const int Background = 0;
    public const int Envelope = SmoothBackground.TermCount;
    public const int EnvelopeTermCount = 3;
    public const int Mean = Envelope + EnvelopeTermCount;
    public const int Cos2 = Mean + 1;
    public const int Sin2 = Mean + 2;
    public const int PhaseShift = Mean + 3;
    public const int ParameterCount = PhaseShift + 1;

    public PsdModel(double k1, double k2, double constantPhaseRad, double referenceFrequencyPerA)
    {
        K1 = k1;
        K2 = k2;
        ConstantPhaseRad = constantPhaseRad;
        ReferenceFrequencyPerA = referenceFrequencyPerA;
        _inverseReference = 1 / referenceFrequencyPerA;
        _inverseRootReference = 1 / Math.Sqrt(referenceFrequencyPerA);
    }

    private readonly double _inverseReference;
    private readonly double _inverseRootReference;

    public double K1 { get; }
    public double K2 { get; }

    /// <summary>φ₀ = asin(Q0), the amplitude-contrast phase (radians).</summary>
    public double ConstantPhaseRad { get; }

    public double ReferenceFrequencyPerA { get; }

    public static DefocusForm Defocus(ReadOnlySpan<double> p) => new(p[Mean], p[Cos2], p[Sin2]);

    public double Gamma(ReadOnlySpan<double> p, double sx, double sy)
    {
        double x = sx * sx + sy * sy;
        return -K1 * Defocus(p).DefocusTimesS2(sx, sy) + K2 * x * x - ConstantPhaseRad - p[PhaseShift];
    }

    public double BackgroundValue(ReadOnlySpan<double> p, double s)
    {
        double t = s / ReferenceFrequencyPerA, r = Math.Sqrt(t);
        double log = p[0] + p[1] * r + p[2] * t + p[3] * t * r + p[4] * t * t;
        return Math.Exp(Math.Clamp(log, -700, 700));
    }

    public double EnvelopeSquared(ReadOnlySpan<double> p, double s)
    {
        double t = s / ReferenceFrequencyPerA;
        return Math.Exp(Math.Clamp(p[Envelope] + p[Envelope + 1] * t + p[Envelope + 2] * t * t, -700, 700));
    }

    /// <summary>
    /// The model at sample <paramref name="i"/> and, when <paramref name="gradient"/> is not empty, ∂M/∂p for every
    /// parameter. ∂M/∂(defocus or φ) = E² · sin 2γ · ∂γ/∂p; background and envelope derivatives are their terms times
    /// B or E²·sin²γ. Uses the sample's precomputed geometry, so the only transcendental calls are two exp and one sincos.
    /// </summary>
    public double Evaluate(ReadOnlySpan<double> p, PsdSamples samples, int i, Span<double> gradient)
    {
        double x = samples.Squared[i], cross = samples.Cross[i], twice = samples.Twice[i];
        double t = samples.Frequency[i] * _inverseReference, r = samples.RootFrequency[i] * _inverseRootReference;
        double tr = t * r, tt = t * t;
        double background = Math.Exp(Math.Clamp(p[0] + p[1] * r + p[2] * t + p[3] * tr + p[4] * tt, -700, 700));
        double envelope = Math.Exp(Math.Clamp(p[Envelope] + p[Envelope + 1] * t + p[Envelope + 2] * tt, -700, 700));
        double gamma = -K1 * (p[Mean] * x + p[Cos2] * cross + p[Sin2] * twice) + K2 * x * x - ConstantPhaseRad - p[PhaseShift];
        (double sin, double cos) = Math.SinCos(gamma);
        double ringTerm = envelope * sin * sin;
        if (!gradient.IsEmpty)
        {
            gradient[0] = background;
            gradient[1] = background * r;
            gradient[2] = background * t;
            gradient[3] = background * tr;
            gradient[4] = background * tt;
            gradient[Envelope] = ringTerm;
            gradient[Envelope + 1] = ringTerm * t;
            gradient[Envelope + 2] = ringTerm * tt;
            double phaseSlope = -envelope * 2 * sin * cos;
            gradient[Mean] = phaseSlope * K1 * x;
            gradient[Cos2] = phaseSlope * K1 * cross;
            gradient[Sin2] = phaseSlope * K1 * twice;
            gradient[PhaseShift] = phaseSlope;
        }
        return background + ringTerm;
    }
}
