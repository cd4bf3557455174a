using Concord.Core.Learning;

namespace Concord.Core.Tests.Learning;

/// <summary>Seeded inputs and two synthetic "particle" classes for the network tests.</summary>
internal static class LearningTestData
{
    public static float[] Uniform(int length, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var data = new float[length];
        for (int i = 0; i < length; i++)
            data[i] = (float)((rng.NextDouble() * 2) - 1) * scale;
        return data;
    }

    public static Tensor4 RandomTensor(int count, TensorShape shape, int seed) =>
        Tensor4.Wrap(Uniform(count * shape.Size, seed), count, shape);

    /// <summary>
    /// Two classes of noisy <paramref name="size"/>² patches at random positions (±size/8 px) and orientations: label 1
    /// is an elongated Gaussian blob (σ size/7 × size/12, a "particle"), label 0 a thin ring of radius size/4 and the
    /// same peak height (a "contaminant"); white noise of standard deviation <paramref name="noise"/> on both. Classes alternate.
    /// </summary>
    public static (Tensor4 Patches, float[] Labels) BlobsAndRings(int count, int size, int seed, double noise = 0.6)
    {
        var rng = new Random(seed);
        var patches = new Tensor4(count, 1, size, size);
        var labels = new float[count];
        for (int n = 0; n < count; n++)
        {
            bool blob = n % 2 == 0;
            labels[n] = blob ? 1f : 0f;
            double shift = size / 8.0, sigmaLong = size / 7.0, sigmaShort = size / 12.0, radius = size / 4.0;
            double cx = ((size - 1) / 2.0) + ((rng.NextDouble() * 2 * shift) - shift);
            double cy = ((size - 1) / 2.0) + ((rng.NextDouble() * 2 * shift) - shift);
            double angle = rng.NextDouble() * Math.PI;
            double cos = Math.Cos(angle), sin = Math.Sin(angle);
            var sample = patches.Sample(n);
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    double dx = x - cx, dy = y - cy;
                    double u = (cos * dx) + (sin * dy), v = (-sin * dx) + (cos * dy);
                    double signal = blob
                        ? Math.Exp(-0.5 * (((u * u) / (sigmaLong * sigmaLong)) + ((v * v) / (sigmaShort * sigmaShort))))
                        : Math.Exp(-0.5 * Math.Pow(Math.Sqrt((dx * dx) + (dy * dy)) - radius, 2));
                    sample[(y * size) + x] = (float)(signal + (noise * Gaussian(rng)));
                }
            }
        }
        return (patches, labels);
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>‖a − b‖ / max(‖a‖, ‖b‖, floor): the usual relative error of a gradient check (the floor keeps gradients that are exactly zero, such as a bias before batch normalisation, from dividing noise by noise).</summary>
    public static double RelativeError(ReadOnlySpan<double> analytic, ReadOnlySpan<double> numeric, double floor = 1e-12)
    {
        double diff = 0, a = 0, b = 0;
        for (int i = 0; i < analytic.Length; i++)
        {
            diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
            a += analytic[i] * analytic[i];
            b += numeric[i] * numeric[i];
        }
        return Math.Sqrt(diff) / Math.Max(Math.Sqrt(Math.Max(a, b)), floor);
    }
}
