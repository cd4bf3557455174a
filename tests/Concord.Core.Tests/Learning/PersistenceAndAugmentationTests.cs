using Concord.Core.Learning;

namespace Concord.Core.Tests.Learning;

public class PersistenceAndAugmentationTests
{
    private static SequentialModel TrainedSmallModel()
    {
        var (patches, labels) = LearningTestData.BlobsAndRings(48, 16, seed: 7);
        var model = DeepConsensusNetwork.Create(16, seed: 3, batchNormalization: true);
        model.Train(patches, labels, new TrainingOptions { Epochs = 1, BatchSize = 16, Seed = 2, MaxDegreeOfParallelism = 2 });
        return model;
    }

    [Fact]
    public void SaveThenLoad_ReproducesArchitectureAndPredictionsExactly()
    {
        var model = TrainedSmallModel();
        var (probe, _) = LearningTestData.BlobsAndRings(10, 16, seed: 8);
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        var loaded = SequentialModel.Load(stream);
        Assert.Equal(model.Architecture, loaded.Architecture);
        Assert.Equal(model.Predict(probe), loaded.Predict(probe));

        stream.Position = 0;
        var fresh = DeepConsensusNetwork.Create(16, seed: 99, batchNormalization: true);
        Assert.NotEqual(model.Predict(probe), fresh.Predict(probe));
        fresh.LoadWeights(stream);
        Assert.Equal(model.Predict(probe), fresh.Predict(probe));
    }

    [Fact]
    public void LoadingIntoAnotherArchitecture_FailsNamingBoth()
    {
        var model = TrainedSmallModel();
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        var other = DeepConsensusNetwork.Create(32);
        var error = Assert.Throws<ModelFormatException>(() => other.LoadWeights(stream));
        Assert.Contains(model.Architecture, error.Message);
        Assert.Contains(other.Architecture, error.Message);
    }

    [Fact]
    public void CorruptOrForeignFiles_FailWithModelFormatException()
    {
        using var foreign = new MemoryStream("not a model at all"u8.ToArray());
        Assert.Contains("magic", Assert.Throws<ModelFormatException>(() => SequentialModel.Load(foreign)).Message);

        var model = TrainedSmallModel();
        using var full = new MemoryStream();
        model.Save(full);
        var bytes = full.ToArray();
        using var truncated = new MemoryStream(bytes[..(bytes.Length - 10)]);
        Assert.Contains("truncated", Assert.Throws<ModelFormatException>(() => SequentialModel.Load(truncated)).Message);

        bytes[8] = 7;
        using var future = new MemoryStream(bytes);
        Assert.Contains("version 7", Assert.Throws<ModelFormatException>(() => SequentialModel.Load(future)).Message);
    }

    [Fact]
    public void ArchitectureStrings_ParseBackToTheSameModel()
    {
        string text = "Input(2x12x12)|Conv2D(5,5)|BatchNorm2D|ReLU|MaxPool2D(3)|Dropout(0.25)|Dense(4)";
        var model = ModelSerializer.Parse(text);
        Assert.Equal(text, model.Architecture);
        Assert.Equal(4, model.OutputCount);
        Assert.Throws<ModelFormatException>(() => ModelSerializer.Parse("Input(1x8x8)|Conv3D(2)"));
        Assert.Throws<ModelFormatException>(() => ModelSerializer.Parse("Conv2D(2,3)"));
    }

    [Fact]
    public void DihedralTransforms_FormTheEightSymmetriesOfTheSquare()
    {
        int size = 5;
        var source = LearningTestData.Uniform(size * size, 3);
        var images = new List<float[]>();
        for (int t = 0; t < PatchAugmentation.TransformCount; t++)
        {
            var result = new float[size * size];
            PatchAugmentation.Dihedral(source, result, size, t);
            Assert.Equal(source.Order(), result.Order());
            images.Add(result);
        }
        Assert.Equal(source, images[0]);
        for (int i = 0; i < images.Count; i++)
        {
            for (int j = i + 1; j < images.Count; j++)
                Assert.NotEqual(images[i], images[j]);
        }
        // Four quarter turns and two mirrors are the identity; a quarter turn moves (x, y) = (4, 0) to a corner.
        var turned = (float[])source.Clone();
        var scratch = new float[size * size];
        for (int k = 0; k < 4; k++)
        {
            PatchAugmentation.Dihedral(turned, scratch, size, 1);
            scratch.CopyTo(turned, 0);
        }
        Assert.Equal(source, turned);
        var mirrored = new float[size * size];
        PatchAugmentation.Dihedral(images[4], mirrored, size, 4);
        Assert.Equal(source, mirrored);
    }

    [Fact]
    public void RandomDihedral_UsesAllTransformsAndDependsOnlyOnTheSeed()
    {
        var batch = LearningTestData.RandomTensor(64, new TensorShape(2, 6, 6), 4);
        var original = (float[])batch.Data.Clone();
        var again = Tensor4.Wrap((float[])original.Clone(), 64, batch.Shape);
        PatchAugmentation.RandomDihedral(batch, 17, 2);
        PatchAugmentation.RandomDihedral(again, 17, 1);
        Assert.Equal(batch.Data, again.Data);
        var seen = new HashSet<int>();
        var scratch = new float[36];
        for (int n = 0; n < 64; n++)
        {
            var before = original.AsSpan(n * 72, 36);
            for (int t = 0; t < PatchAugmentation.TransformCount; t++)
            {
                PatchAugmentation.Dihedral(before, scratch, 6, t);
                if (scratch.AsSpan().SequenceEqual(batch.Sample(n)[..36]))
                {
                    seen.Add(t);
                    var secondChannel = new float[36];
                    PatchAugmentation.Dihedral(original.AsSpan((n * 72) + 36, 36), secondChannel, 6, t);
                    Assert.Equal(secondChannel, batch.Sample(n)[36..].ToArray());
                }
            }
        }
        Assert.Equal(8, seen.Count);
    }
}
