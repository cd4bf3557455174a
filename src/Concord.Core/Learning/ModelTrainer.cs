using System.Diagnostics;

namespace Concord.Core.Learning;

/// <summary>
/// Mini-batch training of a <see cref="SequentialModel"/> with Adam. The random stream (validation split, shuffles,
/// augmentation and dropout seeds) is drawn from one <see cref="SplitMix64"/> in a fixed order on the calling thread,
/// and every parallel reduction inside the layers has a fixed order, so the same seed gives bit-identical weights.
/// </summary>
internal static class ModelTrainer
{
    public static TrainingHistory Train(SequentialModel model, Tensor4 patches, float[] labels, TrainingOptions options, IProgress<EpochMetrics>? progress, CancellationToken cancellationToken)
    {
        options.Validate();
        model.RequireInputShape(patches);
        ShapeMismatchException.ThrowIfLengthDiffers(labels.Length, patches.Count, "training labels (one per patch)");
        if (patches.Count < 2)
            throw new InvalidDimensionsException($"training needs at least 2 patches, got {patches.Count}.");
        CheckLabels(model, labels);
        if (options.Augment && model.InputShape.Height != model.InputShape.Width)
            throw new InvalidParameterException(nameof(options.Augment), $"rotation augmentation needs square patches, got {model.InputShape}.");

        var rng = new SplitMix64(options.Seed);
        int[] order = [.. Enumerable.Range(0, patches.Count)];
        Shuffle(order, ref rng);
        int validationCount = options.ValidationFraction > 0
            ? Math.Clamp((int)Math.Round(patches.Count * options.ValidationFraction), 1, patches.Count - 1)
            : 0;
        int[] validation = order[..validationCount];
        int[] training = order[validationCount..];

        var optimizer = new AdamOptimizer(model.Parameters, options.LearningRate, options.WeightDecay);
        var run = new EpochRunner(model, patches, labels, options);
        var epochs = new List<EpochMetrics>();
        var clock = Stopwatch.StartNew();
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0, sinceBest = 0;
        float[][]? bestWeights = null;
        bool stoppedEarly = false;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Shuffle(training, ref rng);
            var (trainLoss, trainAccuracy) = run.TrainEpoch(training, optimizer, ref rng, cancellationToken);
            var (validationLoss, validationAccuracy) = validationCount > 0 ? run.Evaluate(validation) : (double.NaN, double.NaN);
            var metrics = new EpochMetrics(epoch, trainLoss, trainAccuracy, validationLoss, validationAccuracy, clock.Elapsed.TotalSeconds);
            epochs.Add(metrics);
            progress?.Report(metrics);
            if (options.EarlyStoppingPatience == 0)
            {
                bestEpoch = epoch;
                continue;
            }
            if (validationLoss < bestLoss)
            {
                bestLoss = validationLoss;
                bestEpoch = epoch;
                sinceBest = 0;
                bestWeights = Snapshot(model);
            }
            else if (++sinceBest >= options.EarlyStoppingPatience)
            {
                stoppedEarly = epoch < options.Epochs;
                break;
            }
        }
        if (bestWeights is not null)
            Restore(model, bestWeights);
        double seconds = clock.Elapsed.TotalSeconds;
        double throughput = seconds > 0 ? (double)training.Length * epochs.Count / seconds : double.PositiveInfinity;
        return new TrainingHistory(epochs, bestEpoch, stoppedEarly, training.Length, validationCount, throughput);
    }

    private static void CheckLabels(SequentialModel model, float[] labels)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            float y = labels[i];
            bool valid = model.OutputCount == 1
                ? y >= 0 && y <= 1
                : y >= 0 && y < model.OutputCount && y == MathF.Floor(y);
            if (!valid)
            {
                string expected = model.OutputCount == 1 ? "a probability in [0, 1]" : $"a class index in 0..{model.OutputCount - 1}";
                throw new InvalidParameterException("labels", $"label {y} of patch {i} is not {expected}.");
            }
        }
    }

    internal static void Shuffle(int[] values, ref SplitMix64 rng)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    private static float[][] Snapshot(SequentialModel model) =>
        [.. model.Layers.SelectMany(l => l.Parameters.Select(p => p.Value).Concat(l.State)).Select(a => (float[])a.Clone())];

    private static void Restore(SequentialModel model, float[][] saved)
    {
        var targets = model.Layers.SelectMany(l => l.Parameters.Select(p => p.Value).Concat(l.State)).ToArray();
        for (int i = 0; i < targets.Length; i++)
            saved[i].CopyTo(targets[i], 0);
    }

    /// <summary>Batch buffers for one training run.</summary>
    private sealed class EpochRunner(SequentialModel model, Tensor4 patches, float[] labels, TrainingOptions options)
    {
        private readonly SequentialModel.Activations _buffers = new(model.Layers.Count);
        private readonly Tensor4 _batch = new(Math.Min(options.BatchSize, patches.Count), model.InputShape);
        private readonly Tensor4 _outputGradient = new(Math.Min(options.BatchSize, patches.Count), new TensorShape(model.OutputCount, 1, 1));
        private readonly float[] _batchLabels = new float[Math.Min(options.BatchSize, patches.Count)];

        public (double Loss, double Accuracy) TrainEpoch(int[] indices, AdamOptimizer optimizer, ref SplitMix64 rng, CancellationToken cancellationToken)
        {
            double lossSum = 0;
            int correct = 0;
            for (int start = 0; start < indices.Length; start += _batchLabels.Length)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(_batchLabels.Length, indices.Length - start);
                Gather(indices.AsSpan(start, count));
                if (options.Augment)
                    PatchAugmentation.RandomDihedral(_batch, rng.NextUInt64(), options.MaxDegreeOfParallelism);
                var context = new Layers.PassContext(true, options.MaxDegreeOfParallelism, rng.NextUInt64());
                var logits = model.Forward(_batch, _buffers, context);
                _outputGradient.Resize(count);
                var batchLabels = _batchLabels.AsSpan(0, count);
                lossSum += model.Loss(logits.Span, batchLabels, _outputGradient.Span) * count;
                correct += model.CountCorrect(logits.Span, batchLabels);
                model.Backward(_batch, _buffers, _outputGradient, context);
                optimizer.Step();
            }
            return (lossSum / indices.Length, (double)correct / indices.Length);
        }

        public (double Loss, double Accuracy) Evaluate(int[] indices)
        {
            double lossSum = 0;
            int correct = 0;
            var context = new Layers.PassContext(false, options.MaxDegreeOfParallelism, 0);
            for (int start = 0; start < indices.Length; start += _batchLabels.Length)
            {
                int count = Math.Min(_batchLabels.Length, indices.Length - start);
                Gather(indices.AsSpan(start, count));
                var logits = model.Forward(_batch, _buffers, context);
                var batchLabels = _batchLabels.AsSpan(0, count);
                lossSum += model.Loss(logits.Span, batchLabels, []) * count;
                correct += model.CountCorrect(logits.Span, batchLabels);
            }
            return (lossSum / indices.Length, (double)correct / indices.Length);
        }

        private void Gather(ReadOnlySpan<int> indices)
        {
            _batch.Resize(indices.Length);
            for (int i = 0; i < indices.Length; i++)
            {
                patches.Sample(indices[i]).CopyTo(_batch.Sample(i));
                _batchLabels[i] = labels[indices[i]];
            }
        }
    }
}
