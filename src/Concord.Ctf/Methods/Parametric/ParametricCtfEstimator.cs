using Concord.Core;
using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Imaging;

namespace Concord.Ctf.Methods.Parametric;

/// <summary>Tuning of <see cref="ParametricCtfEstimator"/>; the defaults are what the accuracy tests pin.</summary>
public sealed record ParametricCtfOptions
{
    /// <summary>Angular sectors (over 180°) whose own defocus gives the starting astigmatism when there is no start value.</summary>
    public int AstigmatismSectors { get; init; } = 12;

    /// <summary>Ring-window correlation below which the model is said to stop fitting (defines MaxResolutionA).</summary>
    public double MaxResolutionCorrelation { get; init; } = 0.3;

    /// <summary>Levenberg–Marquardt iterations per stage.</summary>
    public int IterationsPerStage { get; init; } = 40;
}

/// <summary>
/// CTF estimator B ("parametric"): a weighted least-squares fit of a full parametric model of the 2D power spectrum, in
/// the manner of Xmipp (Sorzano et al., "Fast and robust estimation of the contrast transfer function", J. Struct.
/// Biol. 2007). The PSD is the Welch average of half-overlapping tiles (<see cref="WelchPsd"/>); the model
/// (<see cref="PsdModel"/>) is background + envelope² · sin²γ with an astigmatic defocus and an optional phase shift.
/// Stages:
/// <list type="number">
/// <item>Start: <see cref="CtfEstimationSettings.Start"/> when given; otherwise a 1D chirp demodulation of the
/// rotational average (<see cref="ChirpDefocusSearch"/>) gives the mean defocus and the same search on angular sectors
/// gives the astigmatism (a least-squares fit of Δf(α) = M + C cos 2α + S sin 2α to the sector defoci).</item>
/// <item>Background: the lower envelope of the equiphase (astigmatism-corrected) 1D average, in log space
/// (<see cref="SmoothBackground.FitLowerEnvelope"/>).</item>
/// <item>Envelope: E² = A·exp(−b t²) on the same profile, A in closed form for each b of a grid.</item>
/// <item>Defocus with CTF² in 2D (envelope free too), first on the inner half of the band, then on all of it.</item>
/// <item>Everything together.</item>
/// </list>
/// Weights are 1/B₀² (B₀ the stage-2 background), so residuals are relative, as a periodogram's variance is; the fit
/// band ends where the rings of the largest defocus come closer than <see cref="ChirpDefocusSearch.MinRingPeriodPx"/>
/// Fourier pixels. Quality figures: see <see cref="ParametricQuality"/> and docs/conventions.md ("CTF estimator B").
/// </summary>
public sealed class ParametricCtfEstimator : ICtfEstimator
{
    private readonly IFftBackend _fft;
    private readonly ParametricCtfOptions _options;

    public ParametricCtfEstimator(IFftBackend fft, ParametricCtfOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fft);
        _fft = fft;
        _options = options ?? new ParametricCtfOptions();
        if (_options.AstigmatismSectors < 4)
            throw new InvalidParameterException(nameof(ParametricCtfOptions.AstigmatismSectors), $"need at least 4 sectors, got {_options.AstigmatismSectors}.");
        if (_options.IterationsPerStage < 1)
            throw new InvalidParameterException(nameof(ParametricCtfOptions.IterationsPerStage), $"must be positive, got {_options.IterationsPerStage}.");
    }

    /// <summary>The name written to files and reasons.</summary>
    public const string MethodName = "parametric";

    public string Name => MethodName;

    public CtfEstimate Estimate(Image2D micrograph, CtfEstimationSettings settings, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(micrograph);
        ArgumentNullException.ThrowIfNull(settings);
        Validate(settings);
        double pixelA = micrograph.PixelSizeA;
        int tile = Math.Min(settings.TileSizePx, Math.Min(micrograph.Width, micrograph.Height)) & ~1;
        (double[] psd, int tiles) = WelchPsd.Compute(micrograph, tile, _fft, settings.MaxDegreeOfParallelism, cancellation);
        double sMin = 1 / settings.MinResolutionA;
        double sMax = 1 / Math.Max(settings.MaxResolutionA, CtfEstimationSettings.FinestFitResolutionPx * pixelA);
        var samples = PsdSamples.FromHalfComplex(psd, tile, pixelA, sMin, sMax);
        if (samples.Count < 200)
            throw new InvalidParameterException(nameof(settings.MinResolutionA),
                $"the band {settings.MinResolutionA}–{Math.Max(settings.MaxResolutionA, CtfEstimationSettings.FinestFitResolutionPx * pixelA):G4} Å holds only {samples.Count} PSD samples " +
                $"of a {tile}-px tile at {pixelA} Å/px; widen it or use larger tiles.");
        var reference = new CtfModel(new CtfParameters
        {
            VoltageKv = settings.VoltageKv,
            SphericalAberrationMm = settings.SphericalAberrationMm,
            AmplitudeContrast = settings.AmplitudeContrast,
            DefocusUA = 10000,
            DefocusVA = 10000,
        });
        var model = new PsdModel(reference.DefocusTermK1, reference.SphericalTermK2, reference.AmplitudeContrastPhaseRad, sMax);
        var chirp = new ChirpDefocusSearch(model.K1, model.K2, samples.BinWidthPerA);
        (DefocusForm start, double phaseRad) = settings.Start is { } given
            ? (DefocusForm.FromUVAngle(given.DefocusUA, given.DefocusVA, given.DefocusAngleDeg), given.PhaseShiftDeg * Math.PI / 180)
            : InitialSearch(samples, model, chirp, settings, sMax);
        if (!settings.FitPhaseShift)
            phaseRad = 0;

        double[] p = InitialModel(samples, model, start, phaseRad);
        double sFit = Math.Min(sMax, chirp.ResolvedLimitPerA(start.DefocusUA));
        double[] weights = Weights(samples, model, p, sFit);
        FitInStages(samples, model, p, weights, sMin, sFit, settings, cancellation);
        return Report(model, p, samples, weights, psd, tile, tiles, pixelA, sMin, sFit, settings);
    }

    private static void Validate(CtfEstimationSettings settings)
    {
        if (!(settings.MinResolutionA > settings.MaxResolutionA) || settings.MaxResolutionA <= 0)
            throw new InvalidParameterException(nameof(settings.MinResolutionA),
                $"the fit band needs MinResolutionA > MaxResolutionA > 0, got {settings.MinResolutionA} and {settings.MaxResolutionA} Å.");
        if (!(settings.MaxDefocusA > settings.MinDefocusA) || settings.DefocusStepA <= 0)
            throw new InvalidParameterException(nameof(settings.MaxDefocusA),
                $"the defocus search needs MaxDefocusA > MinDefocusA and a positive step, got {settings.MinDefocusA}–{settings.MaxDefocusA} step {settings.DefocusStepA} Å.");
    }

    /// <summary>
    /// The start without a given value: mean defocus from the chirp demodulation of the rotational average, then one
    /// defocus per angular sector near it, fitted by Δf(α) = M + C cos 2α + S sin 2α (weights: the sectors' scores²).
    /// Returns the form and the phase shift implied by the demodulation's argument.
    /// </summary>
    private (DefocusForm Form, double PhaseRad) InitialSearch(PsdSamples samples, PsdModel model, ChirpDefocusSearch chirp,
        CtfEstimationSettings settings, double sMax)
    {
        var rotational = samples.RotationalProfile();
        var background = SmoothBackground.FitLowerEnvelope(rotational, sMax);
        var prepared = ChirpDefocusSearch.Prepare(rotational, background);
        (double mean, var sum) = chirp.Search(prepared, settings.MinDefocusA, settings.MaxDefocusA, Math.Min(settings.DefocusStepA, 200));
        // The sum is ≈ −(E²/4)·e^{−2iφ₀}·Σw, so φ₀ = −arg(−sum)/2; the phase shift is φ₀ less the amplitude contrast's.
        double phase = Wrap(-0.5 * Math.Atan2(-sum.Imaginary, -sum.Real) - model.ConstantPhaseRad);

        int sectors = _options.AstigmatismSectors;
        double reach = Math.Max(1.5 * settings.ExpectedAstigmatismA, 1000);
        var normal = new double[3, 3];
        var right = new double[3];
        for (int k = 0; k < sectors; k++)
        {
            double from = -Math.PI / 2 + Math.PI * k / sectors, to = from + Math.PI / sectors;
            var sector = ChirpDefocusSearch.Prepare(samples.SectorProfile(from, to), background);
            (double defocus, var sectorSum) = chirp.Search(sector, Math.Max(mean - reach, 0.5 * settings.MinDefocusA), mean + reach, 100);
            double angle = 2 * (from + to) / 2, w = sectorSum.Magnitude * sectorSum.Magnitude;
            double[] terms = [1, Math.Cos(angle), Math.Sin(angle)];
            for (int a = 0; a < 3; a++)
            {
                right[a] += w * terms[a] * defocus;
                for (int b = 0; b < 3; b++)
                    normal[a, b] += w * terms[a] * terms[b];
            }
        }
        if (!DenseSolver.SolveInPlace(normal, right, 1e-9))
            return (new DefocusForm(mean, 0, 0), phase);
        return (new DefocusForm(right[0], right[1], right[2]), phase);
    }

    private static double Wrap(double phaseRad)
    {
        double wrapped = phaseRad % Math.PI;
        return wrapped < 0 ? wrapped + Math.PI : wrapped;
    }

    /// <summary>
    /// Stages 2 and 3 on the equiphase profile of the start: the background as its lower envelope, then the envelope
    /// E² = A·exp(−b t²), b on a grid, A in closed form by weighted least squares.
    /// </summary>
    private static double[] InitialModel(PsdSamples samples, PsdModel model, DefocusForm start, double phaseRad)
    {
        var profile = samples.EquiphaseProfile(start, model.K1, model.K2);
        var background = SmoothBackground.FitLowerEnvelope(profile, model.ReferenceFrequencyPerA);
        var p = new double[PsdModel.ParameterCount];
        background.Coefficients.CopyTo(p, PsdModel.Background);
        p[PsdModel.Mean] = start.MeanA;
        p[PsdModel.Cos2] = start.Cos2A;
        p[PsdModel.Sin2] = start.Sin2A;
        p[PsdModel.PhaseShift] = phaseRad;
        double bestCost = double.PositiveInfinity, bestA = 1e-3, bestB = 0;
        for (double b = 0; b <= 16; b += 0.5)
        {
            double fr = 0, ff = 0, rr = 0;
            for (int i = 0; i < profile.Power.Length; i++)
            {
                double s = profile.FrequencyPerA[i], t = s / model.ReferenceFrequencyPerA, bg = background.Value(s);
                double sin = Math.Sin(-model.K1 * start.MeanA * s * s + model.K2 * s * s * s * s - model.ConstantPhaseRad - phaseRad);
                double f = Math.Exp(-b * t * t) * sin * sin, r = profile.Power[i] - bg, w = profile.Counts[i] / (bg * bg);
                fr += w * f * r;
                ff += w * f * f;
                rr += w * r * r;
            }
            if (ff <= 0 || fr <= 0)
                continue;
            double cost = rr - fr * fr / ff;
            if (cost < bestCost)
                (bestCost, bestA, bestB) = (cost, fr / ff, b);
        }
        p[PsdModel.Envelope] = Math.Log(bestA);
        p[PsdModel.Envelope + 2] = -bestB;
        return p;
    }

    /// <summary>
    /// 1/B₀(s)² inside the fit band, 0 outside it and 0 for outliers: samples more than <see cref="OutlierFactor"/>
    /// times the starting model. An averaged periodogram scatters as χ² with twice the tiles' degrees of freedom
    /// around the model, so a legitimate sample is never that far above it; a straight edge (a carbon film's rim, a
    /// crystal's facet) puts a streak of such samples through the origin, which would otherwise pull the fit.
    /// </summary>
    private static double[] Weights(PsdSamples samples, PsdModel model, double[] p, double sFit)
    {
        var weights = new double[samples.Count];
        for (int i = 0; i < samples.Count; i++)
        {
            double s = Math.Sqrt(samples.Sx[i] * samples.Sx[i] + samples.Sy[i] * samples.Sy[i]);
            double background = model.BackgroundValue(p, s);
            bool outlier = samples.Power[i] > OutlierFactor * model.Evaluate(p, samples, i, Span<double>.Empty);
            weights[i] = s <= sFit && !outlier ? 1 / (background * background) : 0;
        }
        return weights;
    }

    /// <summary>How far above the starting model a PSD sample must lie to be left out of the fit (see <see cref="Weights"/>).</summary>
    private const double OutlierFactor = 5;

    private void FitInStages(PsdSamples samples, PsdModel model, double[] p, double[] weights, double sMin, double sFit,
        CtfEstimationSettings settings, CancellationToken cancellation)
    {
        int dop = settings.MaxDegreeOfParallelism, iterations = _options.IterationsPerStage;
        var ringParameters = new List<int> { PsdModel.Envelope, PsdModel.Envelope + 1, PsdModel.Envelope + 2, PsdModel.Mean, PsdModel.Cos2, PsdModel.Sin2 };
        if (settings.FitPhaseShift)
            ringParameters.Add(PsdModel.PhaseShift);
        int[] rings = [.. ringParameters];
        int[] all = [.. Enumerable.Range(0, SmoothBackground.TermCount), .. rings];

        double sInner = sMin + 0.5 * (sFit - sMin);
        var inner = (double[])weights.Clone();
        for (int i = 0; i < samples.Count; i++)
        {
            double s = Math.Sqrt(samples.Sx[i] * samples.Sx[i] + samples.Sy[i] * samples.Sy[i]);
            if (s > sInner)
                inner[i] = 0;
        }
        var project = DefocusBounds(settings);
        project(p);
        // Each stage only lowers its own least-squares cost, which a free background can lower by swallowing the
        // rings while the defocus drifts to a bound (seen on micrographs with a carbon rim). So the stage whose
        // parameters explain the rings best, by the estimate's own fit score, is kept (the start too); a stage that
        // ended on a bound of the defocus is no minimum but a fit stopped by the projection, and is passed over
        // unless nothing else is left.
        double[]? best = null;
        double bestScore = double.NegativeInfinity;
        void Consider()
        {
            double score = ParametricQuality.FitCorrelation(model, p, samples, weights);
            if (!OnDefocusBound(p, settings) && score > bestScore)
                (bestScore, best) = (score, (double[])p.Clone());
        }
        Consider();
        foreach (var (stageWeights, free) in new[] { (inner, rings), (weights, rings), (weights, all) })
        {
            LevenbergMarquardt.Fit(model, samples, stageWeights, p, free, iterations, project, dop, cancellation);
            Consider();
        }
        best?.CopyTo(p, 0);
    }

    /// <summary>Whether <see cref="DefocusBounds"/> holds <paramref name="p"/> on a bound: mean defocus at an end of the search range, or V at MinDefocusA / 2.</summary>
    private static bool OnDefocusBound(double[] p, CtfEstimationSettings settings)
    {
        const double tolerance = 1e-6;
        double mean = p[PsdModel.Mean];
        double half = Math.Sqrt(p[PsdModel.Cos2] * p[PsdModel.Cos2] + p[PsdModel.Sin2] * p[PsdModel.Sin2]);
        return mean <= settings.MinDefocusA * (1 + tolerance) || mean >= settings.MaxDefocusA * (1 - tolerance)
            || half >= (mean - 0.5 * settings.MinDefocusA) * (1 - tolerance);
    }

    /// <summary>
    /// Keeps the fit inside the search range: the mean defocus in [MinDefocusA, MaxDefocusA] and V ≥ MinDefocusA / 2.
    /// Without it a spectrum without rings is "fitted" by a near-zero defocus whose one broad ring mimics a background bump.
    /// </summary>
    private static Action<double[]> DefocusBounds(CtfEstimationSettings settings) => p =>
    {
        p[PsdModel.Mean] = Math.Clamp(p[PsdModel.Mean], settings.MinDefocusA, settings.MaxDefocusA);
        double half = Math.Sqrt(p[PsdModel.Cos2] * p[PsdModel.Cos2] + p[PsdModel.Sin2] * p[PsdModel.Sin2]);
        double largest = p[PsdModel.Mean] - 0.5 * settings.MinDefocusA;
        if (half > largest)
        {
            p[PsdModel.Cos2] *= largest / half;
            p[PsdModel.Sin2] *= largest / half;
        }
    };

    private CtfEstimate Report(PsdModel model, double[] p, PsdSamples samples, double[] weights, double[] psd, int tile,
        int tiles, double pixelA, double sMin, double sFit, CtfEstimationSettings settings)
    {
        var form = PsdModel.Defocus(p);
        double phaseDeg = settings.FitPhaseShift ? Wrap(p[PsdModel.PhaseShift]) * 180 / Math.PI : 0;
        var ctf = new CtfParameters
        {
            VoltageKv = settings.VoltageKv,
            SphericalAberrationMm = settings.SphericalAberrationMm,
            AmplitudeContrast = settings.AmplitudeContrast,
            DefocusUA = Math.Clamp(form.DefocusUA, -CtfParameters.MaxAbsDefocusA, CtfParameters.MaxAbsDefocusA),
            DefocusVA = Math.Clamp(form.DefocusVA, -CtfParameters.MaxAbsDefocusA, CtfParameters.MaxAbsDefocusA),
            DefocusAngleDeg = double.IsFinite(form.AngleDeg) ? form.AngleDeg : 0,
            PhaseShiftDeg = phaseDeg,
        };
        double fitScore = ParametricQuality.FitCorrelation(model, p, samples, weights);
        double sRes = ParametricQuality.MaxResolutionFrequency(model, p, samples, weights, _options.MaxResolutionCorrelation, sMin);
        var figures = new Dictionary<string, double>
        {
            [ParametricQuality.FitScoreKey] = fitScore,
            [ParametricQuality.EnvelopeKey] = model.EnvelopeSquared(p, sRes) / model.BackgroundValue(p, sRes),
            [ParametricQuality.ContrastKey] = ParametricQuality.ThonRingContrast(model, p, samples, weights),
            [ParametricQuality.Psd90Key] = ParametricQuality.Psd90Correlation(psd, tile, pixelA, model, p, sMin, sFit),
            [ParametricQuality.Zeros13Key] = ParametricQuality.ZerosOneToThree(model, p, samples, weights),
            [ParametricQuality.BFactorKey] = -2 * p[PsdModel.Envelope + 2] / (model.ReferenceFrequencyPerA * model.ReferenceFrequencyPerA),
            [ParametricQuality.FitBandKey] = 1 / sFit,
            [ParametricQuality.TilesKey] = tiles,
        };
        return new CtfEstimate(Name, ctf, fitScore, 1 / sRes, figures);
    }
}
