using Concord.Core.Imaging;

using FsCheck.Xunit;

namespace Concord.Core.Tests.Imaging;

public class ImageStatisticsTests
{
    private static float[] RandomPixels(int seed, int n, double offset = 0)
    {
        var rng = new Random(seed);
        var pixels = new float[n];
        for (int i = 0; i < n; i++)
            pixels[i] = (float)(offset + (rng.NextDouble() * 10) - 3);
        return pixels;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(255)]
    [InlineData(4097)]
    [InlineData(100_003)]
    public void Compute_MatchesPlainDoubleLoop(int n)
    {
        var pixels = RandomPixels(n, n, offset: 1000);
        double sum = 0, min = double.MaxValue, max = double.MinValue;
        foreach (float v in pixels)
        {
            sum += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        double mean = sum / n, squares = 0;
        foreach (float v in pixels)
            squares += (v - mean) * (v - mean);
        var stats = ImageStatistics.Compute(pixels);
        Assert.Equal(n, stats.Count);
        Assert.Equal(mean, stats.Mean, 1e-9 * Math.Abs(mean));
        Assert.Equal(Math.Sqrt(squares / n), stats.Std, 1e-6);
        Assert.Equal((float)min, stats.Min);
        Assert.Equal((float)max, stats.Max);
    }

    [Fact]
    public void Compute_OfConstantPixels_HasZeroStd()
    {
        var stats = ImageStatistics.Compute(Enumerable.Repeat(0.1f, 1000).ToArray());
        Assert.Equal(0.1f, stats.Mean, 1e-7);
        Assert.Equal(0, stats.Std, 1e-7);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(17)]
    [InlineData(1000)]
    [InlineData(10_001)]
    public void Percentiles_MatchSortingWithLinearInterpolation(int n)
    {
        var pixels = RandomPixels(n + 3, n);
        var original = (float[])pixels.Clone();
        double[] percents = [0, 1, 12.5, 50, 63.7, 99, 100];
        var result = ImageStatistics.Percentiles(pixels, percents);
        Assert.Equal(original, pixels);
        for (int i = 0; i < percents.Length; i++)
            Assert.Equal(SortedPercentile(pixels, percents[i]), result[i], 1e-9);
    }

    [Fact]
    public void Percentile_HandlesDuplicatesAndSortedRuns()
    {
        var sorted = Enumerable.Range(0, 500).Select(i => (float)(i / 7)).ToArray();
        var reversed = sorted.Reverse().ToArray();
        foreach (var data in new[] { sorted, reversed, Enumerable.Repeat(3f, 300).ToArray() })
        {
            foreach (double p in new[] { 5.0, 33.3, 50, 97.5 })
                Assert.Equal(SortedPercentile(data, p), ImageStatistics.Percentile(data, p), 1e-9);
        }
        Assert.Equal(SortedPercentile(sorted, 50), ImageStatistics.Median(sorted), 1e-9);
    }

    [Property(MaxTest = 200)]
    public bool Percentile_AgreesWithSort(float[] values, byte percentByte)
    {
        var finite = values.Where(float.IsFinite).ToArray();
        if (finite.Length == 0)
            return true;
        double percent = percentByte * 100.0 / 255;
        double expected = SortedPercentile(finite, percent);
        double actual = ImageStatistics.Percentile(finite, percent);
        return Math.Abs(expected - actual) <= 1e-6 * Math.Max(1, Math.Abs(expected));
    }

    [Fact]
    public void BadInput_ThrowsSpecificExceptions()
    {
        Assert.Throws<InvalidDimensionsException>(() => ImageStatistics.Compute([]));
        Assert.Throws<InvalidDimensionsException>(() => ImageStatistics.Percentile([], 50));
        Assert.Throws<InvalidParameterException>(() => ImageStatistics.Percentile([1f, 2f], 101));
        Assert.Throws<InvalidParameterException>(() => ImageStatistics.Percentile([1f, 2f], double.NaN));
        Assert.Throws<InvalidParameterException>(() => ImageStatistics.Percentile([1f, float.NaN, 2f], 50));
    }

    private static double SortedPercentile(float[] data, double percent)
    {
        var sorted = data.Select(v => (double)v).OrderBy(v => v).ToArray();
        double position = (sorted.Length - 1) * percent / 100;
        int lower = (int)Math.Floor(position);
        if (lower + 1 >= sorted.Length)
            return sorted[lower];
        return sorted[lower] + ((position - lower) * (sorted[lower + 1] - sorted[lower]));
    }
}
