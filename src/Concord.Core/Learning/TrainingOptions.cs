namespace Concord.Core.Learning;

/// <summary>How <see cref="SequentialModel.Train"/> runs. Same options (seed included) and data ⇒ bit-identical weights, whatever the thread count.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training samples.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Samples per Adam step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam step size.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Decoupled weight decay λ (AdamW), applied to weights, not biases.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Seeds the validation split, the shuffles, dropout and augmentation (initial weights come from the model's own seed).</summary>
    public ulong Seed { get; init; }

    /// <summary>Fraction of the samples held out (chosen at random) to measure validation loss and accuracy; 0 for none.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Stop after this many epochs without a lower validation loss and restore the best weights; 0 disables early stopping.</summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>Apply a random 90° rotation and flip to every training patch (square patches only).</summary>
    public bool Augment { get; init; } = true;

    /// <summary>Threads for each pass (−1: all cores). Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Throws <see cref="InvalidParameterException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (Epochs <= 0)
            throw new InvalidParameterException(nameof(Epochs), $"must be positive, got {Epochs}.");
        if (BatchSize <= 0)
            throw new InvalidParameterException(nameof(BatchSize), $"must be positive, got {BatchSize}.");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new InvalidParameterException(nameof(LearningRate), $"must be positive and finite, got {LearningRate}.");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay))
            throw new InvalidParameterException(nameof(WeightDecay), $"must be non-negative and finite, got {WeightDecay}.");
        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
            throw new InvalidParameterException(nameof(ValidationFraction), $"must be in [0, 1), got {ValidationFraction}.");
        if (EarlyStoppingPatience < 0)
            throw new InvalidParameterException(nameof(EarlyStoppingPatience), $"must not be negative, got {EarlyStoppingPatience}.");
        if (EarlyStoppingPatience > 0 && ValidationFraction == 0)
            throw new InvalidParameterException(nameof(EarlyStoppingPatience), "early stopping needs a validation set (ValidationFraction > 0).");
        if (MaxDegreeOfParallelism == 0 || MaxDegreeOfParallelism < -1)
            throw new InvalidParameterException(nameof(MaxDegreeOfParallelism), $"must be −1 (all cores) or positive, got {MaxDegreeOfParallelism}.");
    }
}

/// <summary>Figures of one epoch. Validation values are NaN when no samples were held out.</summary>
public sealed record EpochMetrics(int Epoch, double TrainLoss, double TrainAccuracy, double ValidationLoss, double ValidationAccuracy, double ElapsedSeconds);

/// <summary>
/// What training did: one entry per epoch run, the epoch whose weights the model holds at the end (the best validation
/// loss when early stopping is on, else the last), whether it stopped early, the split sizes, and the throughput:
/// training patches × epochs run per wall-clock second, validation passes included.
/// </summary>
public sealed record TrainingHistory(IReadOnlyList<EpochMetrics> Epochs, int BestEpoch, bool StoppedEarly, int TrainingCount, int ValidationCount, double PatchesPerSecond);
