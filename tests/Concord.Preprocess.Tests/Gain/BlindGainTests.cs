using Concord.Core.Imaging;
using Concord.Preprocess.Methods.Gain;
using Concord.Simulation.Movies;

using Xunit.Abstractions;

namespace Concord.Preprocess.Tests.Gain;

/// <summary>
/// 20 raw movies of 10 frames, 64×64 px at 1 Å/px, 25 e/Å² per frame (5,000 counts per pixel in all), each with its
/// own low-contrast specimen (blobs of 0.02 rad) and drift, recorded by one camera with 5% pixel scatter, a defect
/// column and hot and dead pixels. Rendered once for the class.
/// Movie seeds are multiples of 256: SeedMixer.Derive XORs the seed with the frame index before mixing, so seeds
/// 300 + m would give movie m frame 1 the same counting noise as movie m + 1 frame 0.
/// </summary>
public sealed class BlindGainFixture : IDisposable
{
    public const int Size = 64;

    public BlindGainFixture()
    {
        Camera = CameraModel.Random(Size, Size, new Random(91), scatter: 0.05, defectFraction: 2e-3, defectColumns: 1);
        var estimator = new BlindGainEstimator(Size, Size);
        for (int m = 0; m < 20; m++)
        {
            var motion = MotionModel.Random(10, Size, Size, totalDriftPx: 4, localAmplitudePx: 0, new Random(100 + m));
            using var movie = SimulatedMovies.Render(Size, Size, 1.0, motion, Camera, new ExposureModel(25, 10),
                SimulatedMovies.BlobPhase(Size, Size, 200 + m, blobs: 40, amplitude: 0.02), seed: (m + 1) << 8, ice: new IceModel(), fft: SimulatedMovies.FastFft);
            estimator.Add(movie.Frames);
        }
        Estimate = estimator.Estimate();
        TrueGain = Camera.GainReference(1.0);
    }

    public CameraModel Camera { get; }
    public BlindGainEstimate Estimate { get; }
    public Image2D TrueGain { get; }

    public void Dispose()
    {
        Estimate.Gain.Dispose();
        Estimate.Sensitivity.Dispose();
        TrueGain.Dispose();
    }
}

public class BlindGainTests(BlindGainFixture fixture, ITestOutputHelper output) : IClassFixture<BlindGainFixture>
{
    [Fact]
    public void Blind_estimate_correlates_with_the_true_gain()
    {
        double all = GainOrientationCheck.Pearson(fixture.Estimate.Gain.Span, fixture.TrueGain.Span);
        var camera = fixture.Camera;
        var ordinary = Enumerable.Range(0, BlindGainFixture.Size * BlindGainFixture.Size)
            .Where(i => !camera.HotPixels.Contains(i) && !camera.DeadPixels.Contains(i) && !camera.DefectColumns.Contains(i % BlindGainFixture.Size)).ToArray();
        double scatterOnly = GainOrientationCheck.Pearson(ordinary.Select(i => fixture.Estimate.Gain.Span[i]).ToArray(), ordinary.Select(i => fixture.TrueGain.Span[i]).ToArray());
        output.WriteLine($"blind gain vs truth: r = {all:F4} over all pixels, r = {scatterOnly:F4} over ordinary pixels (5% scatter only); " +
            $"{fixture.Estimate.Frames} frames, {fixture.Estimate.MeanCountsPerPixel:F0} counts/px, Poisson limit {fixture.Estimate.PoissonNoise:P1}");
        Assert.True(all >= 0.95, $"correlation {all:F4} < 0.95");
        Assert.True(scatterOnly >= 0.85, $"correlation on ordinary pixels {scatterOnly:F4} < 0.85");
        foreach (int dead in camera.DeadPixels)
            Assert.Equal(0, fixture.Estimate.Gain.Span[dead]);
    }

    [Fact]
    public void Correct_gain_is_confirmed_and_a_rotated_one_is_detected_with_the_right_orientation_named()
    {
        var right = GainOrientationCheck.Check(fixture.Estimate.Gain, fixture.TrueGain);
        output.WriteLine(right.Message);
        Assert.True(right.SuppliedIsCorrect);
        Assert.Equal(8, right.Scores.Count);
        Assert.Equal(GainOrientation.Identity, right.Best.Orientation);

        // The gain file was stored turned a quarter clockwise, so the movies need --gain_rot 3 to undo it.
        using var storedTurned = new GainOrientation(1).Apply(fixture.TrueGain);
        var wrong = GainOrientationCheck.Check(fixture.Estimate.Gain, storedTurned);
        output.WriteLine(wrong.Message);
        output.WriteLine(string.Join("; ", wrong.Scores.Select(s => $"{s.Orientation}: {s.Correlation:F3}")));
        Assert.False(wrong.SuppliedIsCorrect);
        Assert.Equal(new GainOrientation(3), wrong.Best.Orientation);
        Assert.Contains("--gain_rot 3 --gain_flip 0", wrong.Message);
        Assert.True(wrong.Best.Correlation > 0.85);
        Assert.All(wrong.Scores.Where(s => s != wrong.Best), s => Assert.True(s.Correlation < 0.3));

        // Mirrored upside down: the check names an equivalent orientation and accepts RELION's own spelling.
        using var storedFlipped = new GainOrientation(0, GainFlip.FlipY).Apply(fixture.TrueGain);
        var flipped = GainOrientationCheck.Check(fixture.Estimate.Gain, storedFlipped, new GainOrientation(0, GainFlip.FlipY));
        Assert.True(flipped.SuppliedIsCorrect);
        Assert.Equal(new GainOrientation(2, GainFlip.FlipX), flipped.Best.Orientation);
    }

    [Fact]
    public void Frames_of_the_wrong_size_and_an_empty_estimator_are_refused()
    {
        var estimator = new BlindGainEstimator(16, 16);
        Assert.Throws<Core.InvalidDimensionsException>(() => estimator.Estimate());
        var error = Assert.Throws<Core.ShapeMismatchException>(() => estimator.Add(new float[15 * 16]));
        Assert.Contains("16×16", error.Message);
    }
}
