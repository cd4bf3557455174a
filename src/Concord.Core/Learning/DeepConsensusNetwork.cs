using Concord.Core.Learning.Layers;

namespace Concord.Core.Learning;

/// <summary>
/// The default network of Concord's deep-consensus particle classifier. Deep consensus (Sanchez-Garcia, Segura,
/// Maluenda, Carazo &amp; Sorzano 2018, "Deep Consensus, a deep learning-based approach for particle pruning in
/// cryo-electron microscopy", IUCrJ 5:854–865; Xmipp <c>deep_consensus</c>) trains a convolutional classifier on the
/// particles that several pickers agree on (positives) and on clear negatives, then scores every candidate; its network
/// stacks convolution, ReLU and max-pooling blocks with growing filter counts and ends in a dense softmax/sigmoid, and
/// it relies on rotation and flip augmentation for in-plane rotation invariance. Concord's default is a compact member of
/// that family sized to train on a CPU in about a minute for a few thousand patches:
/// <code>
/// input 1×S×S (S divisible by 8, e.g. 32 or 64 after down-sampling)
/// Conv2D 3×3, 8  → [BatchNorm2D] → ReLU → MaxPool2D 2
/// Conv2D 3×3, 16 → [BatchNorm2D] → ReLU → MaxPool2D 2
/// Conv2D 3×3, 32 → [BatchNorm2D] → ReLU → MaxPool2D 2
/// Dropout(rate) → Dense(1) → sigmoid (binary cross-entropy)
/// </code>
/// Weights are He-initialised from the seed.
/// </summary>
public static class DeepConsensusNetwork
{
    /// <summary>Builds the default network for <paramref name="patchSize"/>² single-channel patches.</summary>
    public static SequentialModel Create(int patchSize, ulong seed = 0, double dropoutRate = 0.3, bool batchNormalization = false)
    {
        if (patchSize < 8 || patchSize % 8 != 0)
            throw new InvalidParameterException(nameof(patchSize), $"must be a positive multiple of 8 (three 2× poolings), got {patchSize}.");
        var layers = new List<Layer>();
        foreach (int filters in (int[])[8, 16, 32])
        {
            layers.Add(new Conv2D(filters, 3));
            if (batchNormalization)
                layers.Add(new BatchNorm2D());
            layers.Add(new ReLU());
            layers.Add(new MaxPool2D(2));
        }
        layers.Add(new Dropout(dropoutRate));
        layers.Add(new Dense(1));
        return new SequentialModel(new TensorShape(1, patchSize, patchSize), layers, seed);
    }
}
