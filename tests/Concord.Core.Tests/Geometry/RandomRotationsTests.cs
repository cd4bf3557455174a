using Concord.Core.Geometry;

namespace Concord.Core.Tests.Geometry;

public class RandomRotationsTests
{
    [Fact]
    public void UniformRotations_HaveZeroMeanMatrix_AndFlatCosTilt()
    {
        const int n = 40_000;
        const int bins = 20;
        var random = new Random(12345);
        var sum = new double[9];
        var histogram = new int[bins];
        var rotHistogram = new int[bins];
        for (int i = 0; i < n; i++)
        {
            var m = RandomRotations.NextMatrix(random);
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 3; c++)
                    sum[r * 3 + c] += m[r, c];
            var e = EulerAngles.FromMatrix(m);
            double cosTilt = Math.Cos(e.Tilt * Math.PI / 180);
            histogram[Math.Min(bins - 1, (int)((cosTilt + 1) / 2 * bins))]++;
            rotHistogram[Math.Min(bins - 1, (int)((e.Rot + 180) / 360 * bins))]++;
        }

        // Each element has variance 1/3, so the mean's standard error is 0.0029; 5 sigma is 0.015.
        foreach (double s in sum)
            Assert.InRange(s / n, -0.015, 0.015);
        // 19 degrees of freedom: the 0.999 quantile of chi-square is 43.8.
        Assert.InRange(ChiSquare(histogram, n), 0, 43.8);
        Assert.InRange(ChiSquare(rotHistogram, n), 0, 43.8);
    }

    [Fact]
    public void SameSeed_GivesSameRotations()
    {
        var a = RandomRotations.NextEulerAngles(new Random(3));
        var b = RandomRotations.NextEulerAngles(new Random(3));
        Assert.Equal(a, b);
    }

    private static double ChiSquare(int[] histogram, int n)
    {
        double expected = (double)n / histogram.Length;
        return histogram.Sum(count => (count - expected) * (count - expected) / expected);
    }
}
