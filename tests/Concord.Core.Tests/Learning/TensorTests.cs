using Concord.Core.Imaging;
using Concord.Core.Learning;

namespace Concord.Core.Tests.Learning;

public class TensorTests
{
    [Fact]
    public void FromImages_PacksSamplesInOrder_AndRejectsMixedSizes()
    {
        using var first = Image2D.FromPixels(3, 2, [1, 2, 3, 4, 5, 6]);
        using var second = Image2D.FromPixels(3, 2, [7, 8, 9, 10, 11, 12]);
        var batch = Tensor4.FromImages([first, second]);
        Assert.Equal(new TensorShape(1, 2, 3), batch.Shape);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (float)i), batch.Span.ToArray());
        using var odd = new Image2D(2, 2);
        Assert.Throws<ShapeMismatchException>(() => Tensor4.FromImages([first, odd]));
        Assert.Throws<ShapeMismatchException>(() => Tensor4.Wrap(new float[11], 2, new TensorShape(1, 2, 3)));
    }

    [Fact]
    public void Predict_FromSeveralThreadsAtOnce_MatchesSerialPrediction()
    {
        var model = DeepConsensusNetwork.Create(16, seed: 6, batchNormalization: true);
        var (patches, labels) = LearningTestData.BlobsAndRings(40, 16, seed: 2);
        model.Train(patches, labels, new TrainingOptions { Epochs = 1, BatchSize = 8, Seed = 1, MaxDegreeOfParallelism = 2 });
        var expected = model.Predict(patches, 1);
        var results = new float[6][];
        Parallel.For(0, results.Length, i => results[i] = model.Predict(patches, 2));
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void SplitMix64_IsReproducibleAndRoughlyUniform()
    {
        var a = new SplitMix64(5);
        var b = new SplitMix64(5);
        var counts = new int[6];
        for (int i = 0; i < 6000; i++)
        {
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
            int k = a.NextInt(6);
            Assert.Equal(k, b.NextInt(6));
            counts[k]++;
            float u = a.NextSingle();
            Assert.Equal(u, b.NextSingle());
            Assert.InRange(u, 0f, 0.99999995f);
        }
        Assert.All(counts, c => Assert.InRange(c, 850, 1150));
        Assert.NotEqual(SplitMix64.Derive(1, 0), SplitMix64.Derive(1, 1));
    }
}
