using System.Numerics;

namespace Concord.Ctf.Methods.Parametric;

/// <summary>
/// A coarse defocus search on 1D profiles that needs no start value and no model of the envelope: a demodulation of the
/// background-subtracted profile by the CTF's own chirp. With x = s², the Thon rings are sin²γ = (1 − cos 2γ)/2 where
/// γ(x) = −K1·Δf·x + K2·x² − φ₀. Multiplying the relative excess r(s) = P(s)/B(s) − 1 (after removing its smooth trend)
/// by e^{−2iγ₀(x)} with γ₀ = −K1·Δf·x + K2·x² turns the rings of the right defocus into a constant, whose sum grows with
/// the number of samples, while every other defocus leaves a rotating phasor that cancels. The magnitude of the sum is
/// the score (it ignores the constant phase φ₀, so amplitude contrast and phase plates do not bias it) and its argument
/// is −2φ₀. This is a matched filter in x = s² rather than the 2D cross-correlation of the periodogram estimator.
/// A candidate only uses frequencies where its rings are at least <see cref="MinRingPeriodPx"/> Fourier pixels apart,
/// so aliased rings never score.
/// </summary>
internal sealed class ChirpDefocusSearch
{
    /// <summary>Ring spacing (Fourier pixels) below which the tile's sampling no longer resolves the rings.</summary>
    public const double MinRingPeriodPx = 3.0;

    private readonly double _k1;
    private readonly double _k2;
    private readonly double _binWidthPerA;

    public ChirpDefocusSearch(double k1, double k2, double binWidthPerA)
    {
        _k1 = k1;
        _k2 = k2;
        _binWidthPerA = binWidthPerA;
    }

    /// <summary>A profile prepared for the search: frequencies, detrended relative excess and weights.</summary>
    public sealed record Prepared(double[] FrequencyPerA, double[] Excess, double[] Weight);

    /// <summary>
    /// The relative excess over <paramref name="background"/>, with a quadratic trend in s removed by weighted least
    /// squares (the mean of sin² is ½ times a slowly decaying envelope, and that would leak into slow chirps).
    /// Weights are the bin counts, the inverse variance of a relative periodogram average.
    /// </summary>
    public static Prepared Prepare(PsdProfile profile, SmoothBackground background)
    {
        int n = profile.Power.Length;
        var excess = new double[n];
        var weight = new double[n];
        for (int i = 0; i < n; i++)
        {
            excess[i] = profile.Power[i] / background.Value(profile.FrequencyPerA[i]) - 1;
            weight[i] = profile.Counts[i];
        }
        var normal = new double[3, 3];
        var right = new double[3];
        Span<double> t = stackalloc double[3];
        for (int i = 0; i < n; i++)
        {
            double s = profile.FrequencyPerA[i] / background.ReferenceFrequencyPerA;
            t[0] = 1;
            t[1] = s;
            t[2] = s * s;
            for (int a = 0; a < 3; a++)
            {
                right[a] += weight[i] * t[a] * excess[i];
                for (int b = 0; b < 3; b++)
                    normal[a, b] += weight[i] * t[a] * t[b];
            }
        }
        DenseSolver.SolveInPlace(normal, right, 1e-9);
        for (int i = 0; i < n; i++)
        {
            double s = profile.FrequencyPerA[i] / background.ReferenceFrequencyPerA;
            excess[i] -= right[0] + right[1] * s + right[2] * s * s;
        }
        return new Prepared(profile.FrequencyPerA, excess, weight);
    }

    /// <summary>The demodulated sum for defocus <paramref name="defocusA"/> (its magnitude is the score).</summary>
    public Complex Demodulate(Prepared profile, double defocusA)
    {
        double sLimit = ResolvedLimitPerA(defocusA);
        double re = 0, im = 0;
        for (int i = 0; i < profile.FrequencyPerA.Length; i++)
        {
            double s = profile.FrequencyPerA[i];
            if (s > sLimit)
                break;
            double x = s * s;
            double gamma = -_k1 * defocusA * x + _k2 * x * x;
            double value = profile.Weight[i] * profile.Excess[i];
            (double sin, double cos) = Math.SinCos(2 * gamma);
            re += value * cos;
            im -= value * sin;
        }
        return new Complex(re, im);
    }

    /// <summary>
    /// Highest frequency (1/Å) where rings of <paramref name="defocusA"/> are at least <see cref="MinRingPeriodPx"/>
    /// pixels apart: the ring period in s is π / |dγ/ds| with dγ/ds = −2K1Δf·s + 4K2·s³.
    /// </summary>
    public double ResolvedLimitPerA(double defocusA)
    {
        double lo = 0, hi = 10;
        for (int iteration = 0; iteration < 60; iteration++)
        {
            double s = 0.5 * (lo + hi);
            double slope = Math.Abs(-2 * _k1 * defocusA * s + 4 * _k2 * s * s * s);
            if (Math.PI / Math.Max(slope, 1e-300) >= MinRingPeriodPx * _binWidthPerA)
                lo = s;
            else
                hi = s;
        }
        return lo;
    }

    /// <summary>
    /// Best defocus on a grid from <paramref name="minA"/> to <paramref name="maxA"/> with <paramref name="stepA"/>,
    /// refined on a ten times finer grid around the best and by a parabola through the top three; returns the defocus
    /// and the demodulated sum there.
    /// </summary>
    public (double DefocusA, Complex Sum) Search(Prepared profile, double minA, double maxA, double stepA)
    {
        double best = minA, bestScore = double.NegativeInfinity;
        for (double d = minA; d <= maxA + 1e-9; d += stepA)
        {
            double score = Demodulate(profile, d).Magnitude;
            if (score > bestScore)
                (best, bestScore) = (d, score);
        }
        double fine = stepA / 10;
        double center = best;
        for (double d = center - stepA; d <= center + stepA + 1e-9; d += fine)
        {
            double score = Demodulate(profile, d).Magnitude;
            if (score > bestScore)
                (best, bestScore) = (d, score);
        }
        double left = Demodulate(profile, best - fine).Magnitude, right = Demodulate(profile, best + fine).Magnitude;
        double curvature = left - 2 * bestScore + right;
        if (curvature < 0)
            best += 0.5 * fine * (left - right) / curvature;
        return (best, Demodulate(profile, best));
    }
}
