using Concord.Core.Ctf;

namespace Concord.Ctf.Methods.Periodogram;

/// <summary>
/// The three stages of the periodogram search (after CTFFIND4): an exhaustive 1D scan of mean defocus (and phase shift)
/// against the rotational average, an exhaustive 2D grid of mean defocus, astigmatism and angle around it on a
/// subsampled spectrum, and a Nelder–Mead refinement of the best grid points on the full band.
/// </summary>
internal sealed class DefocusSearch
{
    /// <summary>Grid points refined; more than one guards against a noise peak winning the coarse grid.</summary>
    private const int RefinedStarts = 3;
    private const double AngleStepDeg = 10;

    private readonly CtfEstimationSettings _settings;
    private readonly CtfModel _base;

    public DefocusSearch(CtfEstimationSettings settings)
    {
        _settings = settings;
        _base = new CtfModel(Parameters(settings.MinDefocusA, settings.MinDefocusA, 0, 0));
    }

    /// <summary>Largest astigmatism the 2D grid visits (Å): four times the expected one; refinement may go beyond.</summary>
    public double GridAstigmatismMaxA => 4 * Math.Max(_settings.ExpectedAstigmatismA, _settings.DefocusStepA);

    /// <summary>Best (mean defocus Å, phase shift °) of the rotational average <paramref name="profile"/> (1-px rings).</summary>
    public (double DefocusA, double PhaseShiftDeg) Radial(double[] profile, double step, FitBand band)
    {
        int first = (int)Math.Ceiling(band.LowRadiusPx), last = Math.Min(profile.Length - 1, (int)Math.Floor(band.HighRadiusPx));
        var data = profile[first..(last + 1)];
        double mean = data.Average();
        for (int i = 0; i < data.Length; i++)
            data[i] -= mean;
        var model = new double[data.Length];
        double bestScore = double.NegativeInfinity, bestDefocus = _settings.MinDefocusA, bestPhase = 0;
        double defocusStep = _settings.DefocusStepA / 5;
        foreach (double phase in PhaseShifts(15))
            for (double defocus = _settings.MinDefocusA; defocus <= _settings.MaxDefocusA; defocus += defocusStep)
            {
                double constant = _base.AmplitudeContrastPhaseRad + phase * Math.PI / 180;
                for (int i = 0; i < model.Length; i++)
                {
                    double s = (first + i) * step, s2 = s * s;
                    double sin = Math.Sin(-_base.DefocusTermK1 * defocus * s2 + _base.SphericalTermK2 * s2 * s2 - constant);
                    model[i] = sin * sin;
                }
                double score = CenteredCorrelation(data, model);
                if (score > bestScore)
                    (bestScore, bestDefocus, bestPhase) = (score, defocus, phase);
            }
        return (bestDefocus, bestPhase);
    }

    /// <summary>
    /// Scores mean defocus (±3 half-steps around <paramref name="defocusA"/>), astigmatism (0 … <see cref="GridAstigmatismMaxA"/>)
    /// and angle (every 10°) on <paramref name="target"/>; returns the best few distinct points, best first.
    /// </summary>
    public IReadOnlyList<CtfParameters> Grid(SpectrumFitTarget target, double defocusA, double phaseShiftDeg, int maxDegreeOfParallelism)
    {
        double step = _settings.DefocusStepA / 2;
        double astigmatismStep = GridAstigmatismMaxA / 10;
        var means = Enumerable.Range(-3, 7).Select(k => defocusA + k * step).Where(d => d > 0).ToArray();
        var results = new List<(double Score, CtfParameters Ctf)>[means.Length];
        Parallel.For(0, means.Length, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, m =>
        {
            var local = target.Clone();
            var found = new List<(double, CtfParameters)>();
            for (int a = 0; a <= 10; a++)
            {
                double astigmatism = a * astigmatismStep;
                if (means[m] - astigmatism / 2 <= 0)
                    break;
                for (double angle = -90; angle < 90; angle += AngleStepDeg)
                {
                    var ctf = Parameters(means[m] + astigmatism / 2, means[m] - astigmatism / 2, angle, phaseShiftDeg);
                    found.Add((local.Score(new CtfModel(ctf)), ctf));
                    if (a == 0)
                        break;
                }
            }
            results[m] = found;
        });
        var ranked = results.SelectMany(r => r).OrderByDescending(r => r.Score).Select(r => r.Ctf).ToList();
        var starts = new List<CtfParameters>();
        foreach (var candidate in ranked)
        {
            if (starts.All(s => Distinct(s, candidate, step)))
                starts.Add(candidate);
            if (starts.Count == RefinedStarts)
                break;
        }
        if (_settings.Start is { } start)
            starts.Add(Parameters(start.DefocusUA, start.DefocusVA, start.DefocusAngleDeg, start.PhaseShiftDeg));
        return starts;
    }

    /// <summary>Nelder–Mead from each start over (U, V, angle[, phase shift]); returns the best fit, U ≥ V, and its score.</summary>
    public (CtfParameters Ctf, double Score) Refine(SpectrumFitTarget target, IReadOnlyList<CtfParameters> starts)
    {
        CtfParameters best = starts[0];
        double bestScore = double.NegativeInfinity;
        int dimensions = _settings.FitPhaseShift ? 4 : 3;
        var steps = new[] { _settings.DefocusStepA / 2, _settings.DefocusStepA / 2, AngleStepDeg, 10 }[..dimensions];
        foreach (var start in starts)
        {
            var x0 = new[] { start.DefocusUA, start.DefocusVA, start.DefocusAngleDeg, start.PhaseShiftDeg }[..dimensions];
            var (point, value) = NelderMead.Minimise(p => -ScoreOf(target, p), x0, steps, maxEvaluations: 300, tolerance: 1e-6);
            if (-value > bestScore)
                (bestScore, best) = (-value, FromPoint(point));
        }
        return (Normalise(best), bestScore);
    }

    private double ScoreOf(SpectrumFitTarget target, double[] p)
    {
        // Defocus outside a generous window around the search range is no CTF this search may return.
        double low = 0.5 * _settings.MinDefocusA, high = 1.5 * _settings.MaxDefocusA;
        if (p[0] < low || p[1] < low || p[0] > high || p[1] > high)
            return -1;
        return target.Score(new CtfModel(FromPoint(p)));
    }

    private CtfParameters FromPoint(double[] p) => Parameters(p[0], p[1], p[2], p.Length > 3 ? p[3] : _settings.Start?.PhaseShiftDeg ?? 0);

    private CtfParameters Parameters(double u, double v, double angleDeg, double phaseShiftDeg) => new()
    {
        VoltageKv = _settings.VoltageKv,
        SphericalAberrationMm = _settings.SphericalAberrationMm,
        AmplitudeContrast = _settings.AmplitudeContrast,
        DefocusUA = u,
        DefocusVA = v,
        DefocusAngleDeg = angleDeg,
        PhaseShiftDeg = phaseShiftDeg,
    };

    private IEnumerable<double> PhaseShifts(double stepDeg)
    {
        if (!_settings.FitPhaseShift)
        {
            yield return _settings.Start?.PhaseShiftDeg ?? 0;
            yield break;
        }
        for (double phase = 0; phase < 180; phase += stepDeg)
            yield return phase;
    }

    /// <summary>U ≥ V (swapping the axes turns the angle by 90°), angle in [−90°, 90°), phase shift in [0°, 180°).</summary>
    internal static CtfParameters Normalise(CtfParameters ctf)
    {
        double u = ctf.DefocusUA, v = ctf.DefocusVA, angle = ctf.DefocusAngleDeg;
        if (u < v)
            (u, v, angle) = (v, u, angle + 90);
        angle -= 180 * Math.Floor((angle + 90) / 180);
        double phase = ctf.PhaseShiftDeg - 180 * Math.Floor(ctf.PhaseShiftDeg / 180);
        return ctf with { DefocusUA = u, DefocusVA = v, DefocusAngleDeg = angle, PhaseShiftDeg = phase };
    }

    private static bool Distinct(CtfParameters a, CtfParameters b, double defocusStep) =>
        Math.Abs(a.DefocusAverageA - b.DefocusAverageA) > defocusStep || Math.Abs(a.AstigmatismA - b.AstigmatismA) > defocusStep
        || AngleDifferenceDeg(a.DefocusAngleDeg, b.DefocusAngleDeg) > 2 * AngleStepDeg;

    /// <summary>Difference of two axis angles modulo 180°, in [0°, 90°].</summary>
    internal static double AngleDifferenceDeg(double a, double b)
    {
        double d = Math.Abs(a - b) % 180;
        return Math.Min(d, 180 - d);
    }

    private static double CenteredCorrelation(double[] centredData, double[] model)
    {
        double mean = model.Average(), dot = 0, mm = 0, dd = 0;
        for (int i = 0; i < model.Length; i++)
        {
            double m = model[i] - mean;
            dot += centredData[i] * m;
            mm += m * m;
            dd += centredData[i] * centredData[i];
        }
        return mm > 0 && dd > 0 ? dot / Math.Sqrt(mm * dd) : 0;
    }
}
