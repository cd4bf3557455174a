using System.Diagnostics;

using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Core.Learning;

namespace Concord.Picking.DeepConsensus;

/// <summary>
/// The deep-consensus network behind <see cref="IPickClassifier"/>: square patches of any size are Fourier-cropped to
/// <see cref="DeepConsensusOptions.PatchSize"/>, normalised, and fed to <see cref="DeepConsensusNetwork"/> (a sigmoid
/// output: the probability of being a particle). Training is seeded and bit-reproducible whatever the thread count.
/// </summary>
public sealed class DeepConsensusClassifier : IPickClassifier
{
    private readonly DeepConsensusOptions _options;
    private readonly IFftBackend _fft;

    /// <summary>An untrained classifier (call <see cref="Train"/> or <see cref="Load"/>).</summary>
    public DeepConsensusClassifier(DeepConsensusOptions options, IFftBackend fft)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fft);
        options.Validate();
        _options = options;
        _fft = fft;
    }

    /// <summary>The trained network; null before training or loading.</summary>
    public SequentialModel? Network { get; private set; }

    /// <summary>What the last <see cref="Train"/> did; null after <see cref="Load"/>.</summary>
    public TrainingHistory? History { get; private set; }

    /// <summary>Wall-clock seconds of the last <see cref="Train"/> (patch preparation included).</summary>
    public double TrainingSeconds { get; private set; }

    /// <summary>Validation accuracy at the epoch whose weights are kept (NaN without a validation split or before training).</summary>
    public double ValidationAccuracy
    {
        get
        {
            if (History is null || History.Epochs.Count == 0)
                return double.NaN;
            var best = History.Epochs.FirstOrDefault(e => e.Epoch == History.BestEpoch) ?? History.Epochs[^1];
            return best.ValidationAccuracy;
        }
    }

    /// <inheritdoc/>
    public void Train(ImageStack patches, IReadOnlyList<bool> labels, int seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patches);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != patches.Count)
            throw new ShapeMismatchException($"deep consensus: {patches.Count} patches but {labels.Count} labels.");
        var clock = Stopwatch.StartNew();
        var tensor = DeepConsensusPatches.ToTensor(patches, _options.PatchSize, _fft, _options.MaxDegreeOfParallelism);
        Train(tensor, labels, seed, cancellationToken);
        TrainingSeconds = clock.Elapsed.TotalSeconds;
    }

    /// <summary>Trains on prepared network input ([N, 1, S, S], normalised).</summary>
    public void Train(Tensor4 patches, IReadOnlyList<bool> labels, int seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patches);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != patches.Count)
            throw new ShapeMismatchException($"deep consensus: {patches.Count} patches but {labels.Count} labels.");
        int positives = labels.Count(l => l);
        int negatives = labels.Count - positives;
        if (positives < _options.MinPositives)
            throw new InvalidParameterException("positives", $"deep consensus needs at least {_options.MinPositives} positive examples (particles every picker found), got {positives}; use more micrographs or lower MinPositives.");
        if (negatives < _options.MinNegatives)
            throw new InvalidParameterException("negatives", $"deep consensus needs at least {_options.MinNegatives} negative examples (picks only one picker found, or random background), got {negatives}; add random negatives or lower MinNegatives.");
        var clock = Stopwatch.StartNew();
        ulong seed64 = unchecked((ulong)seed);
        var network = DeepConsensusNetwork.Create(_options.PatchSize, seed64);
        var values = labels.Select(l => l ? 1f : 0f).ToArray();
        History = network.Train(patches, values, _options.TrainingOptions() with { Seed = seed64 }, cancellationToken: cancellationToken);
        Network = network;
        TrainingSeconds = clock.Elapsed.TotalSeconds;
    }

    /// <inheritdoc/>
    public IReadOnlyList<double> Score(ImageStack patches, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patches);
        cancellationToken.ThrowIfCancellationRequested();
        return Score(DeepConsensusPatches.ToTensor(patches, _options.PatchSize, _fft, _options.MaxDegreeOfParallelism));
    }

    /// <summary>Probabilities for prepared network input ([N, 1, S, S], normalised).</summary>
    public double[] Score(Tensor4 patches)
    {
        ArgumentNullException.ThrowIfNull(patches);
        var network = Network ?? throw new InvalidOperationException("The deep-consensus classifier has not been trained or loaded.");
        if (patches.Count == 0)
            return [];
        return Array.ConvertAll(network.Predict(patches, _options.MaxDegreeOfParallelism), p => (double)p);
    }

    /// <summary>Writes the network (versioned model format of <see cref="SequentialModel.Save"/>).</summary>
    public void Save(Stream stream)
    {
        var network = Network ?? throw new InvalidOperationException("The deep-consensus classifier has not been trained; nothing to save.");
        network.Save(stream);
    }

    /// <summary>Reads a network written by <see cref="Save"/>; its input must be 1×S×S with S = PatchSize.</summary>
    public void Load(Stream stream)
    {
        var network = SequentialModel.Load(stream);
        var shape = network.InputShape;
        if (shape.Channels != 1 || shape.Height != _options.PatchSize || shape.Width != _options.PatchSize || network.OutputCount != 1)
            throw new ModelFormatException($"deep-consensus model expects 1×{_options.PatchSize}×{_options.PatchSize} input and one output, the file has {shape} input and {network.OutputCount} outputs.");
        Network = network;
        History = null;
    }
}
