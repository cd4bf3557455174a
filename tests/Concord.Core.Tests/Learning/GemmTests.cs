using Concord.Core.Learning;

namespace Concord.Core.Tests.Learning;

public class GemmTests
{
    public static TheoryData<int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int>();
        int[] sizes = [1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33];
        foreach (int m in sizes)
        {
            foreach (int k in (int[])[1, 7, 8, 9, 33])
            {
                foreach (int n in (int[])[1, 5, 8, 16, 23, 40])
                    data.Add(m, k, n);
            }
        }
        // Shapes that cross the 256-deep and 1024-wide cache blocks and the 16-row parallel tiles.
        data.Add(5, 260, 1030);
        data.Add(8, 9, 1500);
        data.Add(20, 520, 19);
        return data;
    }

    private static double[] Naive(GemmLayout layout, float[] a, float[] b, float[] c0, int m, int k, int n, bool accumulate)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? c0[(i * n) + j] : 0;
                for (int p = 0; p < k; p++)
                {
                    double av = layout == GemmLayout.TransposedA ? a[(p * m) + i] : a[(i * k) + p];
                    double bv = layout == GemmLayout.TransposedB ? b[(j * k) + p] : b[(p * n) + j];
                    sum += av * bv;
                }
                c[(i * n) + j] = sum;
            }
        }
        return c;
    }

    private static void AssertClose(double[] expected, float[] actual, int k)
    {
        // Inputs are in [−1, 1]: a float32 sum of k products errs by at most ~k·2⁻²⁴ per term.
        double tolerance = 4e-7 * k + 1e-6;
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryLayout_MatchesNaiveLoop(int m, int k, int n)
    {
        var a = LearningTestData.Uniform(m * k, (m * 131) + k);
        var b = LearningTestData.Uniform(k * n, (n * 17) + k);
        var c0 = LearningTestData.Uniform(m * n, m + n);
        foreach (var layout in Enum.GetValues<GemmLayout>())
        {
            foreach (bool accumulate in (bool[])[false, true])
            {
                var c = (float[])c0.Clone();
                Gemm.Multiply(layout, a, b, c, m, k, n, accumulate);
                AssertClose(Naive(layout, a, b, c0, m, k, n, accumulate), c, k);
            }
        }
    }

    [Theory]
    [InlineData(37, 260, 1030)]
    [InlineData(64, 72, 2100)]
    [InlineData(5, 2048, 1)]
    public void Parallel_IsBitIdenticalToSerial_ForAnyThreadCount(int m, int k, int n)
    {
        var a = LearningTestData.Uniform(m * k, 1);
        var b = LearningTestData.Uniform(k * n, 2);
        foreach (var layout in Enum.GetValues<GemmLayout>())
        {
            var serial = new float[m * n];
            Gemm.Multiply(layout, a, b, serial, m, k, n);
            foreach (int threads in (int[])[1, 2, 3, -1])
            {
                var parallel = new float[m * n];
                Gemm.MultiplyParallel(layout, a, b, parallel, m, k, n, false, threads);
                Assert.Equal(serial, parallel);
            }
        }
    }

    [Fact]
    public void RejectsShortOperandsAndEmptyShapes()
    {
        var small = new float[5];
        Assert.Throws<ShapeMismatchException>(() => Gemm.Multiply(GemmLayout.Normal, small, new float[6], new float[6], 2, 3, 2));
        Assert.Throws<InvalidDimensionsException>(() => Gemm.Multiply(GemmLayout.Normal, small, small, small, 0, 1, 1));
    }
}
