using Concord.Core.Learning;
using Concord.Core.Learning.Layers;

namespace Concord.Core.Tests.Learning;

public class TrainingTests
{
    private static TrainingOptions QuickOptions(int threads) => new()
    {
        Epochs = 2,
        BatchSize = 16,
        LearningRate = 2e-3,
        Seed = 21,
        ValidationFraction = 0.25,
        MaxDegreeOfParallelism = threads,
    };

    private static float[] AllWeights(SequentialModel model) =>
        [.. model.Layers.SelectMany(l => l.Parameters.SelectMany(p => p.Value).Concat(l.State.SelectMany(s => s)))];

    [Fact]
    public void SameSeed_GivesBitIdenticalWeights_WhateverTheThreadCount()
    {
        var (patches, labels) = LearningTestData.BlobsAndRings(72, 16, seed: 3);
        float[]? reference = null;
        foreach (int threads in (int[])[2, 2, 1, 3])
        {
            var model = DeepConsensusNetwork.Create(16, seed: 9, batchNormalization: true);
            var history = model.Train(patches, labels, QuickOptions(threads));
            Assert.Equal(2, history.Epochs.Count);
            var weights = AllWeights(model);
            reference ??= weights;
            Assert.Equal(reference, weights);
        }
    }

    [Fact]
    public void DifferentSeeds_GiveDifferentWeights()
    {
        var (patches, labels) = LearningTestData.BlobsAndRings(48, 16, seed: 3);
        var first = DeepConsensusNetwork.Create(16, seed: 1);
        var second = DeepConsensusNetwork.Create(16, seed: 1);
        first.Train(patches, labels, QuickOptions(2));
        second.Train(patches, labels, QuickOptions(2) with { Seed = 22 });
        Assert.NotEqual(AllWeights(first), AllWeights(second));
    }

    [Fact]
    public void DefaultNetwork_SeparatesBlobsFromRings_OnHeldOutPatches()
    {
        var (patches, labels) = LearningTestData.BlobsAndRings(400, 16, seed: 5);
        var (test, testLabels) = LearningTestData.BlobsAndRings(200, 16, seed: 6);
        var model = DeepConsensusNetwork.Create(16, seed: 2);
        var options = new TrainingOptions { Epochs = 4, BatchSize = 16, LearningRate = 4e-3, Seed = 4, ValidationFraction = 0.1, EarlyStoppingPatience = 3, MaxDegreeOfParallelism = 2 };
        var history = model.Train(patches, labels, options);
        var probabilities = model.Predict(test, 2);
        int correct = probabilities.Zip(testLabels).Count(t => (t.First >= 0.5f) == (t.Second == 1f));
        double accuracy = (double)correct / test.Count;
        Assert.True(accuracy >= 0.95, $"held-out accuracy {accuracy:P1}; history: {string.Join("; ", history.Epochs)}");
        Assert.All(probabilities, p => Assert.InRange(p, 0f, 1f));
        Assert.True(history.Epochs[^1].TrainLoss < history.Epochs[0].TrainLoss);
        Assert.InRange(history.BestEpoch, 1, history.Epochs.Count);
    }

    [Fact]
    public void SoftmaxModel_LearnsThreeClasses()
    {
        // Class = which quadrant row holds a bright square; a small model with three softmax outputs.
        var rng = new Random(8);
        int count = 240, size = 8;
        var patches = new Tensor4(count, 1, size, size);
        var labels = new float[count];
        for (int n = 0; n < count; n++)
        {
            int label = n % 3;
            labels[n] = label;
            var sample = patches.Sample(n);
            for (int i = 0; i < sample.Length; i++)
                sample[i] = (float)(0.3 * ((rng.NextDouble() * 2) - 1));
            int y0 = label * 2 + 1, x0 = rng.Next(0, 6);
            for (int y = y0; y < y0 + 2; y++)
            {
                for (int x = x0; x < x0 + 2; x++)
                    sample[(y * size) + x] += 1f;
            }
        }
        var model = new SequentialModel(new TensorShape(1, size, size), [new Conv2D(4), new ReLU(), new MaxPool2D(), new Dense(3)], seed: 3);
        var history = model.Train(patches, labels, new TrainingOptions { Epochs = 15, BatchSize = 16, LearningRate = 1e-2, Seed = 1, ValidationFraction = 0.2, Augment = false, MaxDegreeOfParallelism = 2 });
        Assert.True(history.Epochs[^1].ValidationAccuracy >= 0.9, string.Join("; ", history.Epochs));
        var probabilities = model.Predict(patches, 1);
        Assert.Equal(count * 3, probabilities.Length);
        for (int n = 0; n < count; n++)
            Assert.Equal(1.0, probabilities.AsSpan(n * 3, 3).ToArray().Sum(p => (double)p), 1e-5);
    }

    [Fact]
    public void EarlyStopping_RestoresTheBestEpochAndReportsIt()
    {
        // Labels are noise, so validation loss soon stops improving.
        var (patches, _) = LearningTestData.BlobsAndRings(64, 16, seed: 12);
        var labels = Enumerable.Range(0, 64).Select(i => (float)((i * 7 % 5) % 2)).ToArray();
        var model = DeepConsensusNetwork.Create(16, seed: 4);
        var history = model.Train(patches, labels, QuickOptions(2) with { Epochs = 40, LearningRate = 1e-2, EarlyStoppingPatience = 2 });
        Assert.True(history.StoppedEarly);
        Assert.Equal(history.BestEpoch + 2, history.Epochs.Count);
        double best = history.Epochs.Min(e => e.ValidationLoss);
        Assert.Equal(best, history.Epochs[history.BestEpoch - 1].ValidationLoss);
    }

    [Fact]
    public void InvalidInputsAreRejectedWithTheirName()
    {
        var model = DeepConsensusNetwork.Create(16);
        var (patches, labels) = LearningTestData.BlobsAndRings(8, 16, seed: 1);
        var error = Assert.Throws<InvalidParameterException>(() => model.Train(patches, labels, new TrainingOptions { BatchSize = 0 }));
        Assert.Equal("BatchSize", error.Parameter);
        Assert.Throws<InvalidParameterException>(() => model.Train(patches, labels, new TrainingOptions { ValidationFraction = 0, EarlyStoppingPatience = 2 }));
        labels[3] = 2f;
        Assert.Throws<InvalidParameterException>(() => model.Train(patches, labels, new TrainingOptions()));
        Assert.Throws<ShapeMismatchException>(() => model.Train(patches, labels.AsSpan(1), new TrainingOptions()));
        Assert.Throws<ShapeMismatchException>(() => model.Predict(new Tensor4(2, 1, 32, 32)));
        Assert.Throws<InvalidParameterException>(() => DeepConsensusNetwork.Create(20));
        var layer = new ReLU();
        _ = new SequentialModel(new TensorShape(1, 4, 4), [layer]);
        Assert.Throws<InvalidOperationException>(() => new SequentialModel(new TensorShape(1, 4, 4), [layer]));
    }

    [Fact]
    public void AdamFirstStep_MovesEachWeightByTheLearningRateAgainstItsGradient()
    {
        // With bias correction, m̂/√v̂ = g/|g| on the first step, so every weight moves by lr (plus decay lr·λ·θ).
        var dense = new Dense(2);
        var model = new SequentialModel(new TensorShape(3, 1, 1), [dense]);
        var weights = dense.Parameters[0];
        var before = (float[])weights.Value.Clone();
        for (int i = 0; i < weights.Gradient.Length; i++)
            weights.Gradient[i] = i % 2 == 0 ? 0.5f : -2f;
        Array.Fill(dense.Parameters[1].Gradient, 1f);
        new AdamOptimizer(model.Parameters, learningRate: 0.01, weightDecay: 0.1).Step();
        for (int i = 0; i < before.Length; i++)
        {
            double expected = before[i] - (0.01 * Math.Sign(weights.Gradient[i])) - (0.01 * 0.1 * before[i]);
            Assert.Equal(expected, weights.Value[i], 1e-5);
        }
        Assert.All(dense.Parameters[1].Value, b => Assert.Equal(-0.01, b, 1e-5));
    }
}
