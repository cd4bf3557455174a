namespace Concord.Ctf.Methods.Parametric;

/// <summary>
/// The smooth background of a PSD, the power that the CTF does not modulate (inelastic and solvent scattering,
/// detector noise): B(s) = exp(c₀ + c₁√t + c₂t + c₃t√t + c₄t²) with t = s / s_ref. It is the exponential-of-square-root
/// family of Sorzano et al. (J. Struct. Biol. 2007) extended by powers of t so that a Gaussian bump and a slowly varying
/// base are covered by one positive, smooth function whose logarithm is linear in its coefficients.
/// </summary>
internal sealed class SmoothBackground
{
    public const int TermCount = 5;

    public SmoothBackground(double referenceFrequencyPerA, double[] coefficients)
    {
        ReferenceFrequencyPerA = referenceFrequencyPerA;
        Coefficients = coefficients;
    }

    public double ReferenceFrequencyPerA { get; }
    public double[] Coefficients { get; }

    /// <summary>The basis functions at frequency <paramref name="s"/> (1/Å), written into <paramref name="terms"/>.</summary>
    public void Terms(double s, Span<double> terms)
    {
        double t = s / ReferenceFrequencyPerA, r = Math.Sqrt(t);
        terms[0] = 1;
        terms[1] = r;
        terms[2] = t;
        terms[3] = t * r;
        terms[4] = t * t;
    }

    public double LogValue(double s)
    {
        Span<double> terms = stackalloc double[TermCount];
        Terms(s, terms);
        double sum = 0;
        for (int j = 0; j < TermCount; j++)
            sum += Coefficients[j] * terms[j];
        return sum;
    }

    public double Value(double s) => Math.Exp(Math.Clamp(LogValue(s), -700, 700));

    /// <summary>
    /// Fits the lower envelope of a 1D profile: a least-squares fit of log power whose weights are asymmetric (Eilers,
    /// Anal. Chem. 2003: samples above the curve count with weight <paramref name="upperWeight"/>, those below with 1),
    /// iterated until the set of samples below the curve stops changing. The curve then runs along the minima, where the
    /// CTF² term vanishes and the PSD is the background alone.
    /// </summary>
    public static SmoothBackground FitLowerEnvelope(PsdProfile profile, double referenceFrequencyPerA, double upperWeight = 0.003, int iterations = 30)
    {
        int n = profile.Power.Length;
        var logPower = new double[n];
        for (int i = 0; i < n; i++)
            logPower[i] = Math.Log(Math.Max(profile.Power[i], 1e-300));
        var fit = new SmoothBackground(referenceFrequencyPerA, new double[TermCount]);
        var weights = new double[n];
        Array.Fill(weights, 1.0);
        var normal = new double[TermCount, TermCount];
        var right = new double[TermCount];
        Span<double> terms = stackalloc double[TermCount];
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            Array.Clear(normal);
            Array.Clear(right);
            for (int i = 0; i < n; i++)
            {
                fit.Terms(profile.FrequencyPerA[i], terms);
                double w = weights[i] * profile.Counts[i];
                for (int a = 0; a < TermCount; a++)
                {
                    right[a] += w * terms[a] * logPower[i];
                    for (int b = 0; b < TermCount; b++)
                        normal[a, b] += w * terms[a] * terms[b];
                }
            }
            DenseSolver.SolveInPlace(normal, right, 1e-9);
            right.CopyTo(fit.Coefficients, 0);
            bool changed = false;
            for (int i = 0; i < n; i++)
            {
                double w = logPower[i] > fit.LogValue(profile.FrequencyPerA[i]) ? upperWeight : 1.0;
                changed |= w != weights[i];
                weights[i] = w;
            }
            if (!changed && iteration > 0)
                break;
        }
        return fit;
    }
}
