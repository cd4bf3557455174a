using System.Globalization;

using Concord.Core;
using Concord.Core.Ctf;

namespace Concord.Ctf.Consensus;

/// <summary>Why a micrograph was rejected (one kind per rule).</summary>
public enum CtfRejectionKind
{
    MaxResolution,
    FitScore,
    Agreement,
    Astigmatism,
    DefocusRange,
    IceRing,
}

/// <summary>One failed rule with a sentence a user can read ("max resolution 7.2 Å worse than 5 Å").</summary>
public sealed record CtfRejection(CtfRejectionKind Kind, string Reason);

/// <summary>
/// The CTF estimates of one micrograph: the first is the primary (its fit score and maximum resolution are judged);
/// <paramref name="PixelSizeA"/> and <paramref name="BoxSize"/> (px, the spectrum's tile side) set where the agreement
/// resolution is sampled.
/// </summary>
public sealed record CtfConsensusInput(string Name, IReadOnlyList<CtfEstimate> Estimates, double PixelSizeA, int BoxSize);

/// <summary>
/// The outcome for one micrograph. <see cref="Combined"/> is the mean of the estimates' U, V and axis angle where they
/// agree (the primary estimate otherwise); <see cref="AgreementResolutionA"/> is NaN with a single estimate.
/// <see cref="Rejections"/> is empty for accepted micrographs.
/// </summary>
public sealed record CtfConsensusItem(
    string Name,
    CtfParameters Combined,
    IReadOnlyList<CtfEstimate> Estimates,
    double AgreementResolutionA,
    IReadOnlyList<CtfRejection> Rejections)
{
    public bool IsAccepted => Rejections.Count == 0;

    /// <summary>All reasons joined by "; " (empty when accepted).</summary>
    public string ReasonText => string.Join("; ", Rejections.Select(r => r.Reason));
}

/// <summary>Accepted and rejected micrographs and, per rule, how many rejected micrographs failed it.</summary>
public sealed record CtfConsensusResult(
    IReadOnlyList<CtfConsensusItem> Accepted,
    IReadOnlyList<CtfConsensusItem> Rejected,
    IReadOnlyDictionary<CtfRejectionKind, int> RejectionCounts);

/// <summary>
/// CTF consensus and quality selection, pure (no I/O): for each micrograph, the agreement resolution of its estimates
/// (Marabini et al. 2015's 90° phase criterion, <see cref="CtfAgreement.ResolutionA"/>; the worst pair decides), a
/// combined CTF, and the rules of <see cref="CtfConsensusSettings"/>. Every failed rule gives a reason; a micrograph is
/// accepted only when none fails. The output keeps the input order.
/// </summary>
public static class CtfConsensus
{
    public static CtfConsensusResult Run(IEnumerable<CtfConsensusInput> micrographs, CtfConsensusSettings settings)
    {
        ArgumentNullException.ThrowIfNull(micrographs);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var accepted = new List<CtfConsensusItem>();
        var rejected = new List<CtfConsensusItem>();
        var counts = Enum.GetValues<CtfRejectionKind>().ToDictionary(k => k, _ => 0);
        foreach (var input in micrographs)
        {
            var item = Judge(input, settings);
            (item.IsAccepted ? accepted : rejected).Add(item);
            foreach (var rejection in item.Rejections)
                counts[rejection.Kind]++;
        }
        return new CtfConsensusResult(accepted, rejected, counts);
    }

    /// <summary>The consensus of one micrograph.</summary>
    public static CtfConsensusItem Judge(CtfConsensusInput input, CtfConsensusSettings settings)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(settings);
        if (input.Estimates.Count == 0)
            throw new InvalidParameterException("estimates", $"micrograph '{input.Name}' has no CTF estimate.");
        double agreement = AgreementResolutionA(input);
        var (resolutionLimit, agreementLimit) = ReachableLimits(settings, input.PixelSizeA);
        bool agrees = input.Estimates.Count == 1 || agreement <= agreementLimit;
        var combined = agrees ? Combine(input.Estimates) : input.Estimates[0].Ctf;
        var reasons = new List<CtfRejection>();
        var primary = input.Estimates[0];
        if (!(primary.MaxResolutionA <= resolutionLimit))
            reasons.Add(new(CtfRejectionKind.MaxResolution, Format($"max resolution {primary.MaxResolutionA:0.0} Å worse than {resolutionLimit:0.##} Å")));
        if (!(primary.FitScore >= settings.MinFitScore))
            reasons.Add(new(CtfRejectionKind.FitScore, Format($"fit correlation {primary.FitScore:0.000} below {settings.MinFitScore:0.0##}")));
        if (!agrees)
            reasons.Add(new(CtfRejectionKind.Agreement, Format($"estimates agree only to {agreement:0.0} Å, worse than {agreementLimit:0.##} Å")));
        if (combined.AstigmatismA > settings.MaxAstigmatismA)
            reasons.Add(new(CtfRejectionKind.Astigmatism, Format($"astigmatism {combined.AstigmatismA:#,0} Å above {settings.MaxAstigmatismA:#,0} Å")));
        if (combined.DefocusAverageA < settings.MinDefocusA || combined.DefocusAverageA > settings.MaxDefocusA)
            reasons.Add(new(CtfRejectionKind.DefocusRange, Format($"defocus {combined.DefocusAverageA:#,0} Å outside {settings.MinDefocusA:#,0}–{settings.MaxDefocusA:#,0} Å")));
        if (IceRingRatio(input.Estimates) is double ice && ice > settings.MaxIceRingRatio)
            reasons.Add(new(CtfRejectionKind.IceRing, Format($"ice ring ratio {ice:0.00} above {settings.MaxIceRingRatio:0.0#}")));
        return new CtfConsensusItem(input.Name, combined, input.Estimates, agreement, reasons);
    }

    /// <summary>
    /// The resolution limits a micrograph of <paramref name="pixelSizeA"/> Å/px can meet: no fit reaches beyond
    /// <see cref="CtfEstimationSettings.FinestFitResolutionPx"/> px and no agreement beyond Nyquist (2 px, where
    /// <see cref="CtfAgreement.ResolutionA"/> reports full agreement), so a limit finer than that is raised to it;
    /// otherwise coarsely sampled micrographs (2.5 Å/px against a 5 Å limit) would all be rejected however good.
    /// </summary>
    public static (double MaxResolutionA, double AgreementA) ReachableLimits(CtfConsensusSettings settings, double pixelSizeA)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!(pixelSizeA > 0))
            return (settings.MaxResolutionLimitA, settings.AgreementLimitA);
        return (Math.Max(settings.MaxResolutionLimitA, CtfEstimationSettings.FinestFitResolutionPx * pixelSizeA),
            // The tolerance absorbs the rounding of 1 / Nyquist, which full agreement reports.
            Math.Max(settings.AgreementLimitA, 2 * pixelSizeA * (1 + 1e-9)));
    }

    /// <summary>Worst (largest) agreement resolution over all pairs of estimates; NaN for a single estimate.</summary>
    public static double AgreementResolutionA(CtfConsensusInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        double worst = double.NaN;
        for (int i = 0; i < input.Estimates.Count; i++)
            for (int j = i + 1; j < input.Estimates.Count; j++)
            {
                double r = CtfAgreement.ResolutionA(new CtfModel(input.Estimates[i].Ctf), new CtfModel(input.Estimates[j].Ctf), input.PixelSizeA, input.BoxSize);
                worst = double.IsNaN(worst) ? r : Math.Max(worst, r);
            }
        return worst;
    }

    /// <summary>
    /// Mean U and V and the mean astigmatism axis (angles doubled, so that θ and θ + 180° count as one axis, and weighted
    /// by each estimate's astigmatism, so an estimate without astigmatism does not pull the axis). U ≥ V is kept.
    /// </summary>
    public static CtfParameters Combine(IReadOnlyList<CtfEstimate> estimates)
    {
        ArgumentNullException.ThrowIfNull(estimates);
        if (estimates.Count == 0)
            throw new InvalidParameterException(nameof(estimates), "at least one estimate is needed.");
        double u = 0, v = 0, c = 0, s = 0, phase = 0;
        foreach (var e in estimates)
        {
            u += e.Ctf.DefocusUA;
            v += e.Ctf.DefocusVA;
            phase += e.Ctf.PhaseShiftDeg;
            double doubled = 2 * e.Ctf.DefocusAngleDeg * Math.PI / 180, weight = e.Ctf.AstigmatismA;
            c += weight * Math.Cos(doubled);
            s += weight * Math.Sin(doubled);
        }
        int n = estimates.Count;
        double angle = c == 0 && s == 0 ? estimates[0].Ctf.DefocusAngleDeg : 0.5 * Math.Atan2(s, c) * 180 / Math.PI;
        return estimates[0].Ctf with { DefocusUA = u / n, DefocusVA = v / n, DefocusAngleDeg = angle, PhaseShiftDeg = phase / n };
    }

    /// <summary>The estimate's ice-ring figure, or null when its method does not measure one (or measured no number).</summary>
    public static double? IceRingRatio(CtfEstimate estimate) =>
        estimate.Figures.TryGetValue(CtfFigures.IceRingRatio, out double ratio) && double.IsFinite(ratio) ? ratio : null;

    /// <summary>The ratio the ice-ring rule judges: the first estimate's that has one; null when none has.</summary>
    public static double? IceRingRatio(IReadOnlyList<CtfEstimate> estimates) => estimates.Select(IceRingRatio).FirstOrDefault(r => r is not null);

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
