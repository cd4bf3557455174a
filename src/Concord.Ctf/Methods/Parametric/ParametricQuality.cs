using Concord.Core.Fourier;

namespace Concord.Ctf.Methods.Parametric;

/// <summary>
/// The quality criteria of the parametric estimator (in the spirit of Xmipp's CTF criteria, Sorzano et al. 2007 and
/// Vargas et al., J. Struct. Biol. 2013), computed from the fitted model and the PSD. Every correlation compares the
/// relative excess over the fitted background, x = (P − B)/B, with the model's x̂ = E²·sin²γ/B, so that each
/// frequency counts alike whatever the background's fall-off.
/// </summary>
internal static class ParametricQuality
{
    /// <summary>Fewest samples a correlation window must hold to count.</summary>
    private const int MinWindowSamples = 16;

    public const string FitScoreKey = "FitCorrelation";
    public const string EnvelopeKey = "EnvelopeToBackgroundAtMaxRes";
    public const string ContrastKey = "ThonRingContrast";
    public const string Psd90Key = "Psd90Correlation";
    public const string Zeros13Key = "FitCorrelationZeros1To3";
    public const string BFactorKey = "EnvelopeBFactorA2";
    public const string FitBandKey = "FitBandLimitA";
    public const string TilesKey = "Tiles";

    /// <summary>Running sums of a Pearson correlation.</summary>
    private struct Correlation
    {
        private double _n, _x, _y, _xx, _yy, _xy;

        public readonly int Count => (int)_n;

        public void Add(double x, double y)
        {
            _n++;
            _x += x;
            _y += y;
            _xx += x * x;
            _yy += y * y;
            _xy += x * y;
        }

        public void Add(Correlation other)
        {
            _n += other._n;
            _x += other._x;
            _y += other._y;
            _xx += other._xx;
            _yy += other._yy;
            _xy += other._xy;
        }

        public readonly double Value
        {
            get
            {
                if (_n < 2)
                    return 0;
                double cov = _xy - _x * _y / _n, vx = _xx - _x * _x / _n, vy = _yy - _y * _y / _n;
                return vx > 0 && vy > 0 ? cov / Math.Sqrt(vx * vy) : 0;
            }
        }
    }

    /// <summary>
    /// The estimate's FitScore: the correlation of x and x̂ within windows of two consecutive rings (zero to zero to
    /// zero; see <see cref="RingSums"/>), averaged over the non-overlapping windows of the fit band with their sample
    /// counts as weights. Inside a window a smooth misfit of the background is nearly constant while the model
    /// oscillates, so the score rewards rings and not a model that merely follows the spectrum's overall shape.
    /// </summary>
    public static double FitCorrelation(PsdModel model, double[] p, PsdSamples samples, double[] weights)
    {
        var rings = RingSums(model, p, samples, weights);
        if (rings.Count == 0)
            return 0;
        double sum = 0, count = 0;
        for (int n = rings.Keys.Min(); n <= rings.Keys.Max(); n += 2)
        {
            var window = Window(rings, n);
            if (window.Count < MinWindowSamples)
                continue;
            sum += window.Count * window.Value;
            count += window.Count;
        }
        return count > 0 ? sum / count : 0;
    }

    /// <summary>Correlation of x and x̂ between the first and third zeros (−3π ≤ γ ≤ −π), where the rings are strongest.</summary>
    public static double ZerosOneToThree(PsdModel model, double[] p, PsdSamples samples, double[] weights)
    {
        var correlation = new Correlation();
        for (int i = 0; i < samples.Count; i++)
        {
            if (weights[i] == 0)
                continue;
            double gamma = model.Gamma(p, samples.Sx[i], samples.Sy[i]);
            if (gamma < -3 * Math.PI || gamma > -Math.PI)
                continue;
            (double x, double y) = Excess(model, p, samples, i, gamma);
            correlation.Add(x, y);
        }
        return correlation.Count >= MinWindowSamples ? correlation.Value : 0;
    }

    private static (double Observed, double Predicted) Excess(PsdModel model, double[] p, PsdSamples samples, int i, double gamma)
    {
        double s = Math.Sqrt(samples.Sx[i] * samples.Sx[i] + samples.Sy[i] * samples.Sy[i]);
        double background = model.BackgroundValue(p, s);
        double sin = Math.Sin(gamma);
        return ((samples.Power[i] - background) / background, model.EnvelopeSquared(p, s) * sin * sin / background);
    }

    /// <summary>
    /// Per ring n — the samples with −(n+1)π &lt; γ ≤ −nπ, from one zero to the next — the correlation sums of x and x̂
    /// and the largest equiphase frequency (<see cref="DefocusForm.EquivalentFrequency"/>) among its samples.
    /// </summary>
    private static Dictionary<int, (Correlation Sums, double MaxFrequency)> RingSums(PsdModel model, double[] p, PsdSamples samples, double[] weights)
    {
        var form = PsdModel.Defocus(p);
        var rings = new Dictionary<int, (Correlation Sums, double MaxFrequency)>();
        for (int i = 0; i < samples.Count; i++)
        {
            if (weights[i] == 0)
                continue;
            double gamma = model.Gamma(p, samples.Sx[i], samples.Sy[i]);
            if (gamma > 0)
                continue;
            int ring = (int)Math.Floor(-gamma / Math.PI);
            (double x, double y) = Excess(model, p, samples, i, gamma);
            rings.TryGetValue(ring, out var entry);
            entry.Sums.Add(x, y);
            double frequency = form.EquivalentFrequency(samples.Sx[i], samples.Sy[i], model.K1, model.K2);
            rings[ring] = (entry.Sums, Math.Max(entry.MaxFrequency, frequency));
        }
        return rings;
    }

    /// <summary>The correlation sums of rings n and n + 1 together.</summary>
    private static Correlation Window(Dictionary<int, (Correlation Sums, double MaxFrequency)> rings, int n)
    {
        var window = new Correlation();
        if (rings.TryGetValue(n, out var inner))
            window.Add(inner.Sums);
        if (rings.TryGetValue(n + 1, out var outer))
            window.Add(outer.Sums);
        return window;
    }

    /// <summary>
    /// The highest frequency (1/Å) up to which the model follows the rings: windows of two consecutive rings are scored
    /// by the correlation of x and x̂ from the innermost outwards, and the scan stops at the first window that scores
    /// below <paramref name="threshold"/> or holds fewer than 16 samples. The limit is the largest equiphase frequency
    /// of the outer ring of the last passing window; <paramref name="noFitFrequency"/> when none passes.
    /// </summary>
    public static double MaxResolutionFrequency(PsdModel model, double[] p, PsdSamples samples, double[] weights,
        double threshold, double noFitFrequency)
    {
        var rings = RingSums(model, p, samples, weights);
        if (rings.Count == 0)
            return noFitFrequency;
        double limit = noFitFrequency;
        for (int n = rings.Keys.Min(); n < rings.Keys.Max(); n++)
        {
            var window = Window(rings, n);
            if (window.Count < MinWindowSamples || window.Value < threshold)
                break;
            limit = Math.Max(limit, rings.TryGetValue(n + 1, out var outer) ? outer.MaxFrequency : limit);
        }
        return limit;
    }

    /// <summary>
    /// Thon-ring visibility: the Michelson contrast (hi − lo)/(hi + lo) of P/B between the samples where the model
    /// predicts maxima (sin²γ ≥ ¾) and minima (sin²γ ≤ ¼). Near 0 when no rings are seen.
    /// </summary>
    public static double ThonRingContrast(PsdModel model, double[] p, PsdSamples samples, double[] weights)
    {
        double hi = 0, lo = 0;
        int nHi = 0, nLo = 0;
        for (int i = 0; i < samples.Count; i++)
        {
            if (weights[i] == 0)
                continue;
            double sin = Math.Sin(model.Gamma(p, samples.Sx[i], samples.Sy[i]));
            double s = Math.Sqrt(samples.Sx[i] * samples.Sx[i] + samples.Sy[i] * samples.Sy[i]);
            double relative = samples.Power[i] / model.BackgroundValue(p, s);
            if (sin * sin >= 0.75)
            {
                hi += relative;
                nHi++;
            }
            else if (sin * sin <= 0.25)
            {
                lo += relative;
                nLo++;
            }
        }
        if (nHi == 0 || nLo == 0)
            return 0;
        hi /= nHi;
        lo /= nLo;
        return hi + lo > 0 ? (hi - lo) / (hi + lo) : 0;
    }

    /// <summary>
    /// Correlation of the PSD with itself rotated by 90° (Xmipp's PSD-correlation-at-90° criterion), over the band
    /// [<paramref name="sMinPerA"/>, <paramref name="sMaxPerA"/>] and relative to the fitted background. Round rings give
    /// values near 1 for a good micrograph; astigmatism, drift (which fades the rings along one direction) and a PSD
    /// without rings lower it.
    /// </summary>
    public static double Psd90Correlation(double[] psd, int tile, double pixelSizeA, PsdModel model, double[] p,
        double sMinPerA, double sMaxPerA)
    {
        int half = tile / 2 + 1;
        double step = 1.0 / (tile * pixelSizeA);
        var correlation = new Correlation();
        for (int y = 0; y < tile; y++)
        {
            int ky = FourierLayout.FrequencyOfIndex(y, tile);
            if (Math.Abs(ky) <= 1 || ky == tile / 2)
                continue;
            for (int kx = 2; kx < half - 1; kx++)
            {
                double s = Math.Sqrt((double)kx * kx + (double)ky * ky) * step;
                if (s < sMinPerA || s > sMaxPerA)
                    continue;
                // (kx, ky) rotated by 90° is (−ky, kx); the PSD is centrosymmetric, so use (ky, −kx) when −ky < 0.
                (int rx, int ry) = -ky >= 0 ? (-ky, kx) : (ky, -kx);
                double background = model.BackgroundValue(p, s);
                double here = psd[y * half + kx] / background;
                double rotated = psd[FourierLayout.IndexOfFrequency(ry, tile) * half + rx] / background;
                correlation.Add(here, rotated);
            }
        }
        return correlation.Value;
    }
}
