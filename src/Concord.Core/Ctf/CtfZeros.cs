namespace Concord.Core.Ctf;

/// <summary>
/// Analytic zeros of a CTF along a direction. With x = s², γ is a quadratic in x:
/// γ(x) = K2 x² − K1 Δf(α) x − (φ + K3), so sin γ = 0 at γ = kπ for integer k, and each k gives
/// K2 x² − K1 Δf x − (φ + K3 + kπ) = 0, solved in closed form. Amplitude contrast, phase shift, Cs and overfocus
/// are all covered because every integer k whose value γ reaches on the interval is taken.
/// </summary>
public static class CtfZeros
{
    /// <summary>
    /// All spatial frequencies s in (0, <paramref name="maxFrequency"/>] (1/Å) along direction
    /// <paramref name="angleRad"/> where the CTF is zero, in increasing order.
    /// </summary>
    public static double[] FrequenciesUpTo(CtfModel ctf, double angleRad, double maxFrequency)
    {
        ArgumentNullException.ThrowIfNull(ctf);
        if (!double.IsFinite(maxFrequency) || maxFrequency <= 0)
            throw new InvalidParameterException(nameof(maxFrequency), $"must be a positive frequency in 1/Å, got {maxFrequency}.");
        if (!double.IsFinite(angleRad))
            throw new InvalidParameterException(nameof(angleRad), $"must be finite, got {angleRad}.");

        double a = ctf.SphericalTermK2;
        double b = -ctf.DefocusTermK1 * ctf.DefocusAlongA(angleRad);
        double c = -ctf.ConstantPhaseRad;
        double xMax = maxFrequency * maxFrequency;
        (double low, double high) = GammaRange(a, b, c, xMax);
        long kFirst = (long)Math.Ceiling(low / Math.PI);
        long kLast = (long)Math.Floor(high / Math.PI);
        var squared = new List<double>();
        for (long k = kFirst; k <= kLast; k++)
            AddRoots(a, b, c - k * Math.PI, xMax, squared);
        squared.Sort();
        var zeros = new List<double>(squared.Count);
        foreach (double x in squared)
        {
            double s = Math.Sqrt(x);
            // A double root (γ touching kπ at its vertex) appears twice; keep it once.
            if (zeros.Count == 0 || s - zeros[^1] > 1e-12 * s)
                zeros.Add(s);
        }
        return zeros.ToArray();
    }

    /// <summary>
    /// The <paramref name="n"/>-th zero (1-based) along direction <paramref name="angleRad"/>, in 1/Å, searched up to
    /// <paramref name="maxFrequency"/>; NaN when the CTF has fewer zeros there.
    /// </summary>
    public static double NthZero(CtfModel ctf, int n, double angleRad, double maxFrequency = 1.0)
    {
        if (n < 1)
            throw new InvalidParameterException(nameof(n), $"zero index is 1-based, got {n}.");
        double[] zeros = FrequenciesUpTo(ctf, angleRad, maxFrequency);
        return n <= zeros.Length ? zeros[n - 1] : double.NaN;
    }

    /// <summary>Minimum and maximum of γ(x) = a x² + b x + c on [0, xMax].</summary>
    private static (double Low, double High) GammaRange(double a, double b, double c, double xMax)
    {
        double g0 = c, g1 = (a * xMax + b) * xMax + c;
        double low = Math.Min(g0, g1), high = Math.Max(g0, g1);
        if (a != 0)
        {
            double vertex = -b / (2 * a);
            if (vertex > 0 && vertex < xMax)
            {
                double gv = (a * vertex + b) * vertex + c;
                low = Math.Min(low, gv);
                high = Math.Max(high, gv);
            }
        }
        return (low, high);
    }

    /// <summary>
    /// Real roots in (0, xMax] of a x² + b x + c = 0, in the cancellation-free form (Press et al., Numerical Recipes
    /// §5.6): q = −(b + sign(b)√D)/2, roots q/a and c/q. Cs is tiny against the defocus term at low frequency, so the
    /// textbook formula would lose the small root.
    /// </summary>
    private static void AddRoots(double a, double b, double c, double xMax, List<double> roots)
    {
        if (a == 0)
        {
            if (b != 0)
                AddIfInside(-c / b, xMax, roots);
            return;
        }
        double discriminant = b * b - 4 * a * c;
        if (discriminant < 0)
        {
            // Rounding can push a tangent root's discriminant just below zero; the vertex is then the root.
            if (discriminant > -1e-12 * b * b)
                AddIfInside(-b / (2 * a), xMax, roots);
            return;
        }
        double q = -0.5 * (b + (b >= 0 ? 1 : -1) * Math.Sqrt(discriminant));
        AddIfInside(q / a, xMax, roots);
        if (q != 0)
            AddIfInside(c / q, xMax, roots);
    }

    private static void AddIfInside(double x, double xMax, List<double> roots)
    {
        if (x > 0 && x <= xMax)
            roots.Add(x);
    }
}
