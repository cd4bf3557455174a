using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Picking.DeepConsensus;

namespace Concord.Picking.Tests.DeepConsensus;

public sealed class DeepConsensusTrainingTests
{
    private static readonly DeepConsensusOptions Quick = new()
    {
        PatchSize = 16,
        Epochs = 2,
        MaxTrainingExamples = 80,
        MinPositives = 10,
        MinNegatives = 10,
        Seed = 3,
        RandomNegativesPerMicrograph = 10,
    };

    [Fact]
    public void SameSeedGivesIdenticalScoresWhateverTheThreadCount()
    {
        using var fft = new ManagedFftBackend(2);
        var field = SyntheticPickingData.Make(11);
        var data = SyntheticPickingData.Training([field]);
        var candidates = field.Truth.Select(t => new Pick(t.X, t.Y, 0)).ToList();
        var a = DeepConsensusTraining.Train(data, SyntheticPickingData.DiameterA, Quick with { MaxDegreeOfParallelism = 1 }, fft);
        var b = DeepConsensusTraining.Train(data, SyntheticPickingData.DiameterA, Quick with { MaxDegreeOfParallelism = 2 }, fft);
        var c = DeepConsensusTraining.Train(data, SyntheticPickingData.DiameterA, Quick with { Seed = 4 }, fft);
        var scoresA = a.Score(field.Image, candidates, fft);
        Assert.Equal(scoresA, b.Score(field.Image, candidates, fft));
        Assert.NotEqual(scoresA, c.Score(field.Image, candidates, fft));
        Assert.All(scoresA, s => Assert.InRange(s, 0.0, 1.0));
        Assert.Equal(80, a.Training!.Positives + a.Training.Negatives + a.Training.RandomNegatives);
        Assert.InRange(a.Training.RandomNegatives, 1, 10);
    }

    [Fact]
    public void TooFewPositivesOrNegativesOrPickersAreClearErrors()
    {
        using var fft = new ManagedFftBackend(1);
        var field = SyntheticPickingData.Make(12);
        var data = SyntheticPickingData.Training([field]);
        var positives = Assert.Throws<InvalidParameterException>(() =>
            DeepConsensusTraining.Train(data, SyntheticPickingData.DiameterA, Quick with { MinPositives = 60, MaxTrainingExamples = 5000 }, fft));
        Assert.Contains("at least 60 positive examples", positives.Message);
        var negatives = Assert.Throws<InvalidParameterException>(() =>
            DeepConsensusTraining.Train(data, SyntheticPickingData.DiameterA, Quick with { MinNegatives = 500, MaxTrainingExamples = 5000, RandomNegativesPerMicrograph = 0 }, fft));
        Assert.Contains("at least 500 negative examples", negatives.Message);
        var onePicker = new DeepConsensusMicrograph(field.Image, Concord.Picking.Consensus.CoordinateConsensus.Run([field.Picks[0]], 10, 1));
        var pickers = Assert.Throws<InvalidParameterException>(() =>
            DeepConsensusTraining.Train([onePicker], SyntheticPickingData.DiameterA, Quick, fft));
        Assert.Contains("at least two pickers", pickers.Message);
        Assert.Throws<InvalidParameterException>(() => DeepConsensusTraining.Train([], SyntheticPickingData.DiameterA, Quick, fft));
        Assert.Throws<InvalidParameterException>(() => (Quick with { PatchSize = 20 }).Validate());
        Assert.Throws<InvalidParameterException>(() => (Quick with { Threshold = 1.5 }).Validate());
    }

    [Fact]
    public void PositivesAreAllPickerCoordinatesAndNegativesSinglePickerOnes()
    {
        var field = SyntheticPickingData.Make(13);
        var data = SyntheticPickingData.Training([field]);
        var examples = DeepConsensusTraining.Collect(data, SyntheticPickingData.DiameterA, Quick with { RandomNegativesPerMicrograph = 0 });
        var consensus = data[0].Consensus;
        Assert.Equal(consensus.All.Count(c => c.Votes == 3), examples.Count(e => e.Label));
        Assert.Equal(consensus.All.Count(c => c.Votes == 1), examples.Count(e => !e.Label));
        // The simulated pickers agree on particles: nearly all positives sit on a true particle.
        var particles = field.Truth.Where(t => t.Kind == CandidateKind.Particle).ToList();
        int onParticle = examples.Where(e => e.Label).Count(e => particles.Any(p => Math.Abs(p.X - e.X) < 4 && Math.Abs(p.Y - e.Y) < 4));
        Assert.Equal(examples.Count(e => e.Label), onParticle);
    }

    [Fact]
    public void RandomNegativesStayADiameterAwayFromEveryCandidateAndFromEachOther()
    {
        var field = SyntheticPickingData.Make(14);
        var consensus = SyntheticPickingData.Training([field])[0].Consensus;
        double diameterPx = SyntheticPickingData.DiameterA / SyntheticPickingData.PixelSizeA;
        var points = DeepConsensusTraining.RandomBackground(field.Image, consensus.All, diameterPx, 15, 99);
        Assert.NotEmpty(points);
        foreach (var (x, y) in points)
        {
            Assert.All(consensus.All, c => Assert.True(Math.Sqrt((c.XPx - x) * (c.XPx - x) + (c.YPx - y) * (c.YPx - y)) >= diameterPx));
            Assert.InRange(x, diameterPx / 2, field.Image.Width - diameterPx / 2);
        }
        Assert.Equal(points, DeepConsensusTraining.RandomBackground(field.Image, consensus.All, diameterPx, 15, 99));
    }

    [Fact]
    public void SubsampleCapsEachClassAtHalfAndLetsTheOtherFillTheRest()
    {
        var examples = Enumerable.Range(0, 100).Select(i => new DeepConsensusTraining.Example(0, i, 0, i < 90, false)).ToList();
        var capped = DeepConsensusTraining.Subsample(examples, Quick with { MaxTrainingExamples = 40 });
        Assert.Equal(40, capped.Count);
        Assert.Equal(10, capped.Count(e => !e.Label));
        Assert.Equal(30, capped.Count(e => e.Label));
        Assert.Equal(capped, DeepConsensusTraining.Subsample(examples, Quick with { MaxTrainingExamples = 40 }));
    }

    [Fact]
    public void MirrorReflectsAboutTheEdgePixels()
    {
        Assert.Equal([2, 1, 0, 1, 2, 3, 4, 3, 2], Enumerable.Range(-2, 9).Select(i => DeepConsensusPatches.Mirror(i, 5)));
        Assert.Equal(0, DeepConsensusPatches.Mirror(7, 1));
    }

    [Fact]
    public void CropCentresTheBoxAndMirrorsOutsideTheMicrograph()
    {
        using var image = new Image2D(20, 10);
        for (int y = 0; y < 10; y++)
            for (int x = 0; x < 20; x++)
                image[x, y] = 100 * y + x;
        using var boxes = DeepConsensusPatches.Crop(image, [(10.2, 5.4), (0, 0)], 4);
        var inside = boxes.GetImage(0);
        Assert.Equal(100 * 5 + 10, inside[2, 2]);
        Assert.Equal(100 * 3 + 8, inside[0, 0]);
        var corner = boxes.GetImage(1);
        Assert.Equal(100 * 2 + 2, corner[0, 0]);
        Assert.Equal(100 * 1 + 1, corner[3, 3]);
    }

    [Fact]
    public void TensorPatchesAreFourierCroppedAndNormalised()
    {
        using var fft = new ManagedFftBackend(1);
        var field = SyntheticPickingData.Make(15);
        var tensor = DeepConsensusPatches.Extract(field.Image, field.Truth.Take(5).Select(t => (t.X, t.Y)).ToList(), 26, 16, fft);
        Assert.Equal(5, tensor.Count);
        Assert.Equal(new Core.Learning.TensorShape(1, 16, 16), tensor.Shape);
        for (int i = 0; i < tensor.Count; i++)
        {
            var patch = tensor.Sample(i).ToArray();
            double mean = patch.Average(v => (double)v);
            double sd = Math.Sqrt(patch.Average(v => (v - mean) * (v - mean)));
            Assert.Equal(0, mean, 5);
            Assert.Equal(1, sd, 4);
        }
        using var flat = new ImageStack(16, 16, 1);
        Assert.All(DeepConsensusPatches.ToTensor(flat, 16, fft).Sample(0).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void TrainsAndScoresThroughThePickClassifierSeamAndRoundTripsThroughAFile()
    {
        using var fft = new ManagedFftBackend(2);
        var field = SyntheticPickingData.Make(16);
        using var boxes = DeepConsensusPatches.Crop(field.Image, field.Truth.Select(t => (t.X, t.Y)).ToList(), 26);
        var labels = field.Truth.Select(t => t.Kind == CandidateKind.Particle).ToList();
        var classifier = new DeepConsensusClassifier(Quick, fft);
        IPickClassifier seam = classifier;
        Assert.Throws<InvalidOperationException>(() => seam.Score(boxes));
        Assert.Throws<ShapeMismatchException>(() => seam.Train(boxes, labels.Skip(1).ToList(), 5));
        seam.Train(boxes, labels, 5);
        var scores = seam.Score(boxes);
        Assert.Equal(boxes.Count, scores.Count);
        Assert.All(scores, s => Assert.InRange(s, 0.0, 1.0));
        Assert.NotNull(classifier.History);
        Assert.True(classifier.TrainingSeconds > 0);

        var model = DeepConsensusTraining.Train(SyntheticPickingData.Training([field]), SyntheticPickingData.DiameterA, Quick, fft);
        string path = Path.Combine(Path.GetTempPath(), $"concord-dc-{Guid.NewGuid():N}", DeepConsensusModel.DefaultFileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            model.Save(path);
            var loaded = DeepConsensusModel.Load(path, fft, Quick with { Threshold = 0.5 });
            var candidates = field.Truth.Select(t => new Pick(t.X, t.Y, 0)).ToList();
            Assert.Equal(model.Score(field.Image, candidates, fft), loaded.Score(field.Image, candidates, fft));
            Assert.Equal(0.5, loaded.Options.Threshold);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
