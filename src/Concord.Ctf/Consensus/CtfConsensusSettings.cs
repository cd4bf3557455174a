using Concord.Core;

namespace Concord.Ctf.Consensus;

/// <summary>
/// Thresholds of the CTF-based micrograph selection. The resolution and agreement defaults are those of the worked
/// example in Sorzano et al.'s cryo-EM workflow chapter (rejected: estimated maximum resolution worse than 5 Å, two
/// estimates not coinciding up to 4 Å after Marabini et al. 2015, too much astigmatism, too low a fit correlation).
/// The chapter's correlation threshold (0.03) is on Xmipp's model-to-data scale; this one applies to the primary
/// (first) estimate's own fit score, CTFFIND4's cross-correlation for the periodogram method, where good Thon rings
/// score 0.2–0.6 and noise about 0.03, so the default is 0.1.
/// </summary>
public sealed record CtfConsensusSettings
{
    /// <summary>Reject when the primary estimate's maximum resolution is worse (larger) than this (Å).</summary>
    public double MaxResolutionLimitA { get; init; } = 5;

    /// <summary>Reject when the primary estimate's fit score is below this.</summary>
    public double MinFitScore { get; init; } = 0.1;

    /// <summary>Reject when two estimates agree (90° phase criterion) only to a resolution worse than this (Å).</summary>
    public double AgreementLimitA { get; init; } = 4;

    /// <summary>Reject when |U − V| of the combined CTF exceeds this (Å).</summary>
    public double MaxAstigmatismA { get; init; } = 2000;

    /// <summary>Accepted range of the combined mean defocus (Å).</summary>
    public double MinDefocusA { get; init; } = 3000;
    public double MaxDefocusA { get; init; } = 40000;

    /// <summary>Reject when the ice-ring band ratio (an estimate's "IceRingRatio" figure) exceeds this; vitreous ice gives about 1.</summary>
    public double MaxIceRingRatio { get; init; } = 1.5;

    /// <summary>Throws <see cref="InvalidParameterException"/> naming the first threshold that cannot be used.</summary>
    public CtfConsensusSettings Validate()
    {
        Positive(MaxResolutionLimitA, nameof(MaxResolutionLimitA));
        Positive(AgreementLimitA, nameof(AgreementLimitA));
        Positive(MaxAstigmatismA, nameof(MaxAstigmatismA));
        Positive(MaxIceRingRatio, nameof(MaxIceRingRatio));
        if (!double.IsFinite(MinFitScore))
            throw new InvalidParameterException(nameof(MinFitScore), $"must be a number, got {MinFitScore}.");
        if (!(MinDefocusA >= 0) || !(MaxDefocusA > MinDefocusA))
            throw new InvalidParameterException(nameof(MinDefocusA), $"defocus range must satisfy 0 ≤ min < max, got {MinDefocusA}–{MaxDefocusA} Å.");
        return this;
    }

    private static void Positive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new InvalidParameterException(name, $"must be a positive number, got {value}.");
    }
}
