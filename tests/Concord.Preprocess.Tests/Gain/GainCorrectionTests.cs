using Concord.Core;
using Concord.Core.Imaging;
using Concord.Preprocess.Methods.Gain;
using Concord.Simulation.Movies;

namespace Concord.Preprocess.Tests.Gain;

public class GainCorrectionTests
{
    private static Image2D Numbered(int width, int height)
    {
        var image = new Image2D(width, height);
        for (int i = 0; i < image.Length; i++)
            image.Span[i] = i + 1;
        return image;
    }

    [Fact]
    public void Quarter_turn_is_clockwise_as_displayed_with_row_zero_on_top()
    {
        // 3×2 source:  1 2 3      one quarter turn:  4 1
        //              4 5 6                         5 2
        //                                            6 3
        using var source = Numbered(3, 2);
        using var turned = new GainOrientation(1).Apply(source);
        Assert.Equal((2, 3), (turned.Width, turned.Height));
        Assert.Equal([4f, 1f, 5f, 2f, 6f, 3f], turned.Span.ToArray());
        using var flippedY = new GainOrientation(0, GainFlip.FlipY).Apply(source);
        Assert.Equal([4f, 5f, 6f, 1f, 2f, 3f], flippedY.Span.ToArray());
        using var flippedX = new GainOrientation(0, GainFlip.FlipX).Apply(source);
        Assert.Equal([3f, 2f, 1f, 6f, 5f, 4f], flippedX.Span.ToArray());
        // Rotation comes before the flip (RELION: "flip the gain reference after rotation").
        using var rotFlip = new GainOrientation(1, GainFlip.FlipX).Apply(source);
        Assert.Equal([1f, 4f, 2f, 5f, 3f, 6f], rotFlip.Span.ToArray());
    }

    [Fact]
    public void The_eight_orientations_are_distinct_and_flip_Y_equals_flip_X_after_a_half_turn_more()
    {
        using var source = Numbered(4, 4);
        var images = GainOrientation.All.Select(o => o.Apply(source).Span.ToArray()).ToList();
        for (int a = 0; a < 8; a++)
            for (int b = a + 1; b < 8; b++)
                Assert.NotEqual(images[a], images[b]);
        for (int q = 0; q < 4; q++)
        {
            using var y = new GainOrientation(q, GainFlip.FlipY).Apply(source);
            using var x = new GainOrientation((q + 2) % 4, GainFlip.FlipX).Apply(source);
            Assert.Equal(y.Span.ToArray(), x.Span.ToArray());
        }
        Assert.Throws<InvalidParameterException>(() => new GainOrientation(4));
    }

    [Fact]
    public void Dark_is_subtracted_before_the_gain_is_multiplied_in_the_given_orientation()
    {
        using var movie = new ImageStack(3, 2, 2);
        for (int i = 0; i < movie.Span.Length; i++)
            movie.Span[i] = 10 + i;
        // The gain and dark are stored turned a quarter counter-clockwise; --gain_rot 1 brings them back.
        using var gainAsFrames = Image2D.FromPixels(3, 2, [1f, 2f, 3f, 4f, 5f, 6f]);
        using var darkAsFrames = Image2D.FromPixels(3, 2, [1f, 1f, 1f, 2f, 2f, 2f]);
        using var storedGain = new GainOrientation(3).Apply(gainAsFrames);
        using var storedDark = new GainOrientation(3).Apply(darkAsFrames);
        GainCorrection.Apply(movie, new GainCorrectionSettings(storedGain, storedDark, new GainOrientation(1)), maxDegreeOfParallelism: 1);
        for (int f = 0; f < 2; f++)
            for (int i = 0; i < 6; i++)
                Assert.Equal((10 + (f * 6) + i - darkAsFrames.Span[i]) * gainAsFrames.Span[i], movie.Slice(f)[i]);
    }

    [Fact]
    public void Dead_pixels_and_defect_columns_are_refilled_from_their_neighbours()
    {
        const int w = 20, h = 16;
        var frame = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                frame[(y * w) + x] = 100 + (2 * x) + y;
        var expected = (float[])frame.Clone();
        frame[(5 * w) + 7] = 0;       // dead
        frame[(9 * w) + 12] = 9000;   // hot
        for (int y = 0; y < h; y++)
            frame[(y * w) + 3] *= 0.3f; // defect column
        var map = DefectMap.Create(w, h, pixels: [(5 * w) + 7, (9 * w) + 12], columns: [3]);
        Assert.Equal(2 + h, map.DefectiveCount);
        foreach (var mode in new[] { DefectReplacement.NeighbourMedian, DefectReplacement.LocalMean })
        {
            var work = (float[])frame.Clone();
            map.Correct(work, mode);
            // On a linear ramp the symmetric neighbourhoods average to the true value (edges of the ramp differ by a step).
            Assert.Equal(expected[(5 * w) + 7], work[(5 * w) + 7], 1.0);
            Assert.Equal(expected[(9 * w) + 12], work[(9 * w) + 12], 1.0);
            for (int y = 1; y < h - 1; y++)
                Assert.Equal(expected[(y * w) + 3], work[(y * w) + 3], 1.0);
        }
        Assert.Throws<InvalidParameterException>(() => DefectMap.Create(w, h, columns: [w]));
    }

    [Fact]
    public void Defects_are_found_from_pixel_statistics_when_no_list_is_given()
    {
        const int w = 64, h = 64;
        var camera = CameraModel.Random(w, h, new Random(81), defectFraction: 2e-3, defectColumns: 1);
        var expected = Enumerable.Repeat(20f, w * h).ToArray();
        var sum = new float[w * h];
        var frame = new float[w * h];
        for (int f = 0; f < 20; f++)
        {
            camera.Record(expected, frame, 82 + f, 1);
            for (int i = 0; i < sum.Length; i++)
                sum[i] += frame[i];
        }
        var map = DefectDetector.Detect(sum, w, h);
        Assert.Equal(camera.DefectColumns, map.Columns);
        foreach (int i in camera.HotPixels.Concat(camera.DeadPixels).Where(i => !camera.DefectColumns.Contains(i % w)))
            Assert.True(map.IsDefective(i % w, i / w), $"pixel ({i % w}, {i / w}) was not flagged");
        // Sensitivity scatter of 5% must not be mistaken for defects.
        Assert.True(map.Pixels.Count <= camera.HotPixels.Count + camera.DeadPixels.Count + 2, $"{map.Pixels.Count} pixels flagged");
    }

    [Fact]
    public void Detected_defects_are_repaired_when_no_list_is_given()
    {
        const int w = 48, h = 48;
        var camera = CameraModel.Random(w, h, new Random(85), scatter: 0.02, defectFraction: 3e-3, defectColumns: 1);
        var expected = Enumerable.Repeat(30f, w * h).ToArray();
        using var movie = new ImageStack(w, h, 12);
        for (int f = 0; f < movie.Count; f++)
        {
            var frame = new float[w * h];
            camera.Record(expected, frame, (f + 1) << 8, 1);
            frame.CopyTo(movie.Slice(f));
        }
        GainCorrection.Apply(movie, new GainCorrectionSettings(DetectDefects: true), maxDegreeOfParallelism: 1);
        var sum = new float[w * h];
        for (int f = 0; f < movie.Count; f++)
            System.Numerics.Tensors.TensorPrimitives.Add(sum, movie.Slice(f), sum);
        // 360 counts per pixel in all: every repaired hot, dead or column pixel is back within 25% of the level.
        foreach (int i in camera.HotPixels.Concat(camera.DeadPixels).Concat(Enumerable.Range(0, h).Select(y => (y * w) + camera.DefectColumns[0])))
            Assert.InRange(sum[i], 360 * 0.75, 360 * 1.25);
    }

    [Fact]
    public void Pixels_with_zero_gain_are_treated_as_defects()
    {
        using var movie = new ImageStack(8, 8, 1);
        movie.Span.Fill(5);
        using var gain = new Image2D(8, 8);
        gain.Span.Fill(2);
        gain[3, 4] = 0;
        GainCorrection.Apply(movie, new GainCorrectionSettings(gain));
        Assert.All(movie.Span.ToArray(), v => Assert.Equal(10, v));
    }
}
