using Concord.Core.Ctf;

namespace Concord.Ctf.Methods.Periodogram;

/// <summary>
/// A 1D profile of a 2D spectrum averaged along the fitted CTF's iso-phase curves (ellipses for an astigmatic CTF), so
/// that astigmatism does not smear the rings: each pixel is assigned the frequency at which the non-astigmatic CTF of
/// the mean defocus has the same phase γ, as CTFFIND4 does for its 1D diagnostics (Rohou &amp; Grigorieff 2015).
/// <see cref="Data"/>[b] is the mean background-subtracted amplitude of bin b (frequency b·step), <see cref="Model"/>[b]
/// is sin²γ there, and <see cref="Correlation"/>[b] is the correlation of the two over a window of about one ring
/// period around b (NaN where undefined).
/// </summary>
public sealed record EquiphaseProfile(double[] FrequencyPerA, double[] Data, double[] Model, double[] Correlation)
{
    /// <summary>
    /// CTFFIND 4.1.9's fit-resolution thresholds: the fit ends where the correlation falls below
    /// <see cref="SignificanceThreshold"/> after more than <see cref="RunBins"/> bins above <see cref="HighThreshold"/>,
    /// or below <see cref="LowThreshold"/> after more than that many bins above it (Rohou &amp; Grigorieff 2015;
    /// "tweaked criteria for fit resolution" in CTFFIND 4.1.9, which replaced a single 0.75 threshold).
    /// </summary>
    public const double HighThreshold = 0.66, SignificanceThreshold = 0.5, LowThreshold = 0.1;

    /// <summary>Bins (of the half-pixel profile) a correlation must have stayed above a threshold before falling below another ends the fit.</summary>
    public const int RunBins = 3;

    /// <summary>
    /// Profile of the centred spectrum <paramref name="spectrum"/> (<paramref name="size"/>² px of frequency step
    /// <paramref name="step"/>) under <paramref name="ctf"/>, for bins from zero to Nyquist; correlation windows start at
    /// <paramref name="lowFrequency"/> (1/Å), below which the background subtraction has flattened the spectrum.
    /// </summary>
    public static EquiphaseProfile Compute(float[] spectrum, int size, double step, CtfModel ctf, double lowFrequency)
    {
        // Pixels map to continuous equivalent frequencies, so the profile can be binned finer than the spectrum's grid;
        // half-pixel bins keep rings of 2–3 px period (high defocus near the fit limit) resolved in 1D.
        int half = size / 2, bins = 2 * half + 1;
        double pixelStep = step;
        step /= 2;
        var sums = new double[bins];
        var counts = new int[bins];
        double meanDefocus = ctf.Parameters.DefocusAverageA;
        for (int y = 0; y < size; y++)
        {
            double sy = (y - half) * pixelStep;
            for (int x = half; x < size; x++)
            {
                double sx = (x - half) * pixelStep;
                double s = EquivalentFrequency(ctf, meanDefocus, ctf.Gamma(sx, sy));
                int bin = (int)Math.Round(s / step);
                if (double.IsFinite(s) && bin < bins)
                {
                    sums[bin] += spectrum[y * size + x];
                    counts[bin]++;
                }
            }
        }
        var frequency = new double[bins];
        var data = new double[bins];
        var model = new double[bins];
        for (int b = 0; b < bins; b++)
        {
            frequency[b] = b * step;
            data[b] = counts[b] > 0 ? sums[b] / counts[b] : double.NaN;
            double gamma = IsotropicGamma(ctf, meanDefocus, frequency[b]);
            model[b] = Math.Sin(gamma) * Math.Sin(gamma);
        }
        int lowBin = Math.Max(1, (int)Math.Ceiling(lowFrequency / step));
        return new EquiphaseProfile(frequency, data, model, WindowedCorrelation(ctf, meanDefocus, frequency, data, model, pixelStep, step, lowBin));
    }

    /// <summary>
    /// CTFFIND4's fit resolution: scanning up from <paramref name="lowFrequency"/> (1/Å) and the CTF's first zero, the
    /// first frequency at which the windowed correlation falls below <see cref="SignificanceThreshold"/> after more than
    /// <see cref="RunBins"/> bins above <see cref="HighThreshold"/>, or below <see cref="LowThreshold"/> after more than
    /// that many above it, or where the rings become undersampled (NaN); as a resolution in Å, the Nyquist resolution
    /// when none of that happens, and the first scanned frequency when the correlation never rose above the significance
    /// threshold at all. A single dip (a particle's own form factor, a contamination's streak) no longer ends a fit
    /// that holds beyond it. Below the first zero sin²γ has no ring, only a rising flank that the background subtraction
    /// flattens, so the correlation there says nothing about whether the rings are fitted.
    /// </summary>
    public double FitResolutionA(double lowFrequency)
    {
        int last = FrequencyPerA.Length - 1;
        int firstZero = FirstZeroBin(), first = -1, aboveLow = 0, aboveHigh = 0, significant = 0;
        for (int b = 1; b <= last; b++)
        {
            if (FrequencyPerA[b] < lowFrequency || b < firstZero)
                continue;
            if (first < 0)
                first = b;
            double cc = Correlation[b];
            if (double.IsNaN(cc) || (aboveLow > RunBins && cc < LowThreshold) || (aboveHigh > RunBins && cc < SignificanceThreshold))
                return 1 / FrequencyPerA[significant > 0 ? b : first];
            aboveLow += cc > LowThreshold ? 1 : 0;
            aboveHigh += cc > HighThreshold ? 1 : 0;
            significant += cc > SignificanceThreshold ? 1 : 0;
        }
        return 1 / FrequencyPerA[significant > 0 || first < 0 ? last : first];
    }

    /// <summary>Bin of the first minimum of <see cref="Model"/> (sin²γ rises from ≈ 0 at the origin to 1, then falls to its first zero).</summary>
    private int FirstZeroBin()
    {
        int b = 1;
        while (b < Model.Length - 1 && Model[b] >= Model[b - 1])
            b++;
        while (b < Model.Length - 1 && Model[b + 1] < Model[b])
            b++;
        return b;
    }

    /// <summary>γ of the non-astigmatic CTF of defocus <paramref name="defocusA"/> at frequency s.</summary>
    internal static double IsotropicGamma(CtfModel ctf, double defocusA, double s)
    {
        double s2 = s * s;
        return -ctf.DefocusTermK1 * defocusA * s2 + ctf.SphericalTermK2 * s2 * s2 - ctf.ConstantPhaseRad;
    }

    /// <summary>
    /// The frequency s at which the non-astigmatic CTF of <paramref name="defocusA"/> has phase <paramref name="gamma"/>:
    /// the smaller root x = s² of K2 x² − K1 Δf x − (φ + γ) = 0, in the cancellation-free form; NaN if none.
    /// </summary>
    internal static double EquivalentFrequency(CtfModel ctf, double defocusA, double gamma)
    {
        double b = ctf.DefocusTermK1 * defocusA;
        double c = ctf.ConstantPhaseRad + gamma;
        double discriminant = b * b + 4 * ctf.SphericalTermK2 * c;
        if (discriminant < 0)
            return double.NaN;
        double denominator = b + Math.Sqrt(discriminant);
        if (denominator <= 0)
            return double.NaN;
        double x = -2 * c / denominator;
        return x >= 0 ? Math.Sqrt(x) : double.NaN;
    }

    private static double[] WindowedCorrelation(CtfModel ctf, double defocusA, double[] frequency, double[] data, double[] model, double pixelStep, double step, int lowBin)
    {
        var cc = new double[frequency.Length];
        for (int b = 0; b < frequency.Length; b++)
        {
            double s = frequency[b];
            double slope = Math.Abs(-2 * ctf.DefocusTermK1 * defocusA * s + 4 * ctf.SphericalTermK2 * s * s * s);
            // One period of sin²γ spans Δγ = π. Rings closer than 2 px of the spectrum are undersampled (aliased) there,
            // so the fit cannot be said to hold beyond that frequency.
            double period = slope > 0 ? Math.PI / slope : double.PositiveInfinity;
            double periodBins = period / step;
            if (period < 2 * pixelStep)
            {
                cc[b] = double.NaN;
                continue;
            }
            int w = (int)Math.Clamp(Math.Round(periodBins), 3, frequency.Length);
            cc[b] = b < lowBin ? double.NaN : PearsonCorrelation(data, model, Math.Max(lowBin, b - w), Math.Min(frequency.Length - 1, b + w));
        }
        return cc;
    }

    private static double PearsonCorrelation(double[] a, double[] b, int from, int to)
    {
        double sa = 0, sb = 0;
        int n = 0;
        for (int i = from; i <= to; i++)
            if (!double.IsNaN(a[i]))
            {
                sa += a[i];
                sb += b[i];
                n++;
            }
        if (n < 3)
            return double.NaN;
        double ma = sa / n, mb = sb / n, ab = 0, aa = 0, bb = 0;
        for (int i = from; i <= to; i++)
            if (!double.IsNaN(a[i]))
            {
                ab += (a[i] - ma) * (b[i] - mb);
                aa += (a[i] - ma) * (a[i] - ma);
                bb += (b[i] - mb) * (b[i] - mb);
            }
        return aa > 0 && bb > 0 ? ab / Math.Sqrt(aa * bb) : double.NaN;
    }
}
