using Concord.Core;
using Concord.Core.Ctf;
using Concord.Core.Imaging;
using Concord.Picking.DeepConsensus;
using Concord.Picking.Methods.Learned;
using Concord.Picking.Methods.Log;
using Concord.Picking.Methods.Template;

namespace Concord.Picking.Chain;

/// <summary>Settings of <see cref="PickingChain"/>; each picker runs at its own defaults unless a setting here changes it.</summary>
public sealed record PickingChainOptions
{
    /// <summary>Particle diameter in Å.</summary>
    public required double DiameterA { get; init; }

    public bool UseLog { get; init; } = true;

    /// <summary>Template stack (protein bright); null or empty: no template picker.</summary>
    public IReadOnlyList<Image2D>? Templates { get; init; }

    /// <summary>Run the learned picker (self-trained from LoG and template agreement unless <see cref="LearnedModel"/> is given).</summary>
    public bool UseLearned { get; init; } = true;

    /// <summary>A saved learned-picker model to use instead of self-training.</summary>
    public LearnedPickerModel? LearnedModel { get; init; }

    /// <summary>
    /// A coordinate is kept when at least this many pickers found it (capped at the number of pickers). Null (the
    /// default): 1 with deep consensus, which then decides over every candidate (the union, as Scipion applies it), and
    /// 2 without it (found by 2 of 3).
    /// </summary>
    public int? MinVotes { get; init; }

    /// <summary>The vote threshold in force: <see cref="MinVotes"/>, or its default.</summary>
    public int Votes => MinVotes ?? (Deep ? 1 : 2);

    /// <summary>Consensus matching radius as a fraction of the diameter (¼: two picks of one particle are rarely further apart).</summary>
    public double MatchRadiusFraction { get; init; } = 0.25;

    public bool Deep { get; init; } = true;

    /// <summary>
    /// Deep-consensus settings. The chain's default trains on the all-agree picks against 30 random background positions
    /// per micrograph, not against the single-picker picks: when one picker is much weaker than the others (a blob
    /// picker at a realistic SNR finds half the particles), most single picks are particles and training them as
    /// negatives collapses the recall (bench pick-accuracy in ice, seed 1: 0.27 at the 0.95 threshold, against 0.92). Two
    /// self-training rounds (<see cref="DeepConsensusOptions.SelfTrainingRounds"/>): after one, the network's seed still
    /// moved the chain's F1 by 0.04 (0.913–0.955 over seeds 0–3); after two by 0.007 (0.950–0.957).
    /// </summary>
    public DeepConsensusOptions DeepOptions { get; init; } = DefaultDeepOptions;

    /// <summary>The chain's deep-consensus defaults (see <see cref="DeepOptions"/>), which the CLI and the protocol offer too.</summary>
    public static DeepConsensusOptions DefaultDeepOptions { get; } = new() { RandomNegativesPerMicrograph = 30, SingleVoteNegatives = false, SelfTrainingRounds = 2 };

    public bool Clean { get; init; } = true;

    /// <summary>Overrides of the single pickers' thresholds (null: each picker's default).</summary>
    public double? LogThresholdSigmas { get; init; }

    public double? TemplateThresholdSigmas { get; init; }

    public double? LearnedScoreThreshold { get; init; }

    /// <summary>Template picker in-plane step.</summary>
    public double TemplateAngularStepDeg { get; init; } = 10;

    /// <summary>Seeds the learned picker's random negatives.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Micrographs picked at once in stage 1 (−1: all cores); results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    public void Validate()
    {
        if (!(DiameterA > 0) || !double.IsFinite(DiameterA))
            throw new InvalidParameterException("diameter", $"must be a positive number of Å, got {DiameterA}.");
        if (MinVotes < 1)
            throw new InvalidParameterException("min-votes", $"must be at least 1, got {MinVotes}.");
        if (!(MatchRadiusFraction > 0 && MatchRadiusFraction <= 1))
            throw new InvalidParameterException("match-radius", $"must be 0–1 diameters, got {MatchRadiusFraction}.");
        if (!UseLog && Templates is not { Count: > 0 } && LearnedModel is null)
            throw new InvalidParameterException("pickers", "no picker: enable LoG, give templates or a learned model.");
        DeepOptions.Validate();
        LogOptions().Validate();
        LearnedOptions().Validate();
    }

    internal LogPickerOptions LogOptions() => LogThresholdSigmas is { } t
        ? new LogPickerOptions { DiameterA = DiameterA, ThresholdSigmas = t }
        : new LogPickerOptions { DiameterA = DiameterA };

    internal TemplatePickerOptions TemplateOptions(CtfParameters? ctf)
    {
        var o = new TemplatePickerOptions { DiameterA = DiameterA, Ctf = ctf, AngularStepDeg = TemplateAngularStepDeg, MaxDegreeOfParallelism = 1 };
        return TemplateThresholdSigmas is { } t ? o with { ThresholdSigmas = t } : o;
    }

    /// <summary>Self-training: the given negatives replace blob-candidate negatives (which would include unconfirmed particles).</summary>
    internal LearnedPickerOptions LearnedOptions()
    {
        var o = new LearnedPickerOptions { DiameterA = DiameterA, CandidateNegatives = false, MaxDegreeOfParallelism = 1 };
        return LearnedScoreThreshold is { } t ? o with { ScoreThreshold = t } : o;
    }
}
