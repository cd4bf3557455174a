using Concord.Core;

namespace Concord.Picking.DeepConsensus;

/// <summary>
/// Settings of deep consensus (Sanchez-Garcia et al. 2018, IUCrJ 5:854). Defaults follow the paper and Xmipp where they
/// apply (keep candidates whose score is at least 0.95) and are sized for CPU training otherwise.
/// </summary>
public sealed record DeepConsensusOptions
{
    /// <summary>Network input edge S after Fourier cropping (a multiple of 8: three 2× poolings).</summary>
    public int PatchSize { get; init; } = 32;

    /// <summary>Box edge cut around each coordinate, in particle diameters (1.2–1.5 keeps the particle and some background).</summary>
    public double BoxDiameters { get; init; } = 1.3;

    /// <summary>Candidates scoring at least this are kept (0.95 as in the chapter and Xmipp's default).</summary>
    public double Threshold { get; init; } = 0.95;

    /// <summary>
    /// Passes over the training set. 40: with a few hundred examples 20 epochs left the network under-confident, and
    /// which particles cleared 0.95 depended even more on the seed (bench pick-accuracy in ice, deep-consensus seeds 0–3,
    /// cleaner mask not grown: chain F1 0.85–0.95 at 20 epochs, 0.95–0.98 at 40; 60 gave no more).
    /// </summary>
    public int Epochs { get; init; } = 40;

    public int BatchSize { get; init; } = 32;

    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Seeds the network weights, the validation split, shuffles, augmentation and random negatives.</summary>
    public ulong Seed { get; init; }

    /// <summary>Fraction of the training examples held out to report validation accuracy.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Fewest positives (found by every picker) training accepts.</summary>
    public int MinPositives { get; init; } = 20;

    /// <summary>Fewest negatives (found by one picker, plus random background) training accepts.</summary>
    public int MinNegatives { get; init; } = 20;

    /// <summary>
    /// Background negatives drawn per micrograph at random positions at least one particle diameter from every
    /// candidate (a second source of negatives, as Xmipp's "random" negative set; 0 to use only single-picker picks).
    /// </summary>
    public int RandomNegativesPerMicrograph { get; init; }

    /// <summary>
    /// Train on the coordinates a single picker found as negatives (the paper's consensus-OR-not-AND set). When one
    /// picker finds far fewer particles than the others (a blob picker at low SNR), many of those picks are particles;
    /// false then trains on random background alone.
    /// </summary>
    public bool SingleVoteNegatives { get; init; } = true;

    /// <summary>
    /// Self-training rounds after the first training: each retrains (from the same seed) with the candidates the last
    /// network scored at or above <see cref="Threshold"/> added to the positives, so the network also learns the
    /// particles only some pickers saw; the all-agree set is biased to the easiest, most contrasted views and a network
    /// trained on it alone scores harder views of the same particle below the threshold. 0: the paper's single training.
    /// </summary>
    public int SelfTrainingRounds { get; init; }

    /// <summary>At most this many examples are used; each class is sub-sampled (seeded) to at most half, the other filling the rest.</summary>
    public int MaxTrainingExamples { get; init; } = 20000;

    /// <summary>Threads for extraction, training and scoring (−1: all cores). Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Throws <see cref="InvalidParameterException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (PatchSize < 8 || PatchSize % 8 != 0)
            throw new InvalidParameterException(nameof(PatchSize), $"must be a positive multiple of 8, got {PatchSize}.");
        if (!(BoxDiameters >= 1 && BoxDiameters <= 3))
            throw new InvalidParameterException(nameof(BoxDiameters), $"must be 1–3 particle diameters, got {BoxDiameters}.");
        if (!(Threshold >= 0 && Threshold <= 1))
            throw new InvalidParameterException(nameof(Threshold), $"must be in [0, 1], got {Threshold}.");
        if (MinPositives < 1 || MinNegatives < 1)
            throw new InvalidParameterException(MinPositives < 1 ? nameof(MinPositives) : nameof(MinNegatives), "must be at least 1.");
        if (RandomNegativesPerMicrograph < 0)
            throw new InvalidParameterException(nameof(RandomNegativesPerMicrograph), $"must not be negative, got {RandomNegativesPerMicrograph}.");
        if (!SingleVoteNegatives && RandomNegativesPerMicrograph == 0)
            throw new InvalidParameterException(nameof(RandomNegativesPerMicrograph), "is 0 and single-picker negatives are off: there would be no negatives to train on.");
        if (SelfTrainingRounds is < 0 or > 10)
            throw new InvalidParameterException(nameof(SelfTrainingRounds), $"must be 0–10, got {SelfTrainingRounds}.");
        if (MaxTrainingExamples < MinPositives + MinNegatives)
            throw new InvalidParameterException(nameof(MaxTrainingExamples), $"must be at least MinPositives + MinNegatives ({MinPositives + MinNegatives}), got {MaxTrainingExamples}.");
        TrainingOptions().Validate();
    }

    /// <summary>The network trainer's options these settings imply.</summary>
    internal Core.Learning.TrainingOptions TrainingOptions() => new()
    {
        Epochs = Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        Seed = Seed,
        ValidationFraction = ValidationFraction,
        Augment = true,
        MaxDegreeOfParallelism = MaxDegreeOfParallelism,
    };
}
