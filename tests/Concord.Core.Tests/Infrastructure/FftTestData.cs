using Concord.Core.Fourier;

namespace Concord.Core.Tests.Infrastructure;

/// <summary>Seeded signals and error measures shared by the FFT tests.</summary>
internal static class FftTestData
{
    public static float[] Random(int length, int seed)
    {
        var rng = new Random(seed);
        var data = new float[length];
        for (int i = 0; i < length; i++)
            data[i] = (float)((rng.NextDouble() * 2) - 1);
        return data;
    }

    /// <summary>‖a − b‖ / ‖b‖ over real arrays.</summary>
    public static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double num = 0, den = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = actual[i] - expected[i];
            num += d * d;
            den += (double)expected[i] * expected[i];
        }
        return Math.Sqrt(num / Math.Max(den, double.Epsilon));
    }

    /// <summary>‖a − b‖ / ‖b‖ over complex arrays.</summary>
    public static double RelativeError(ReadOnlySpan<Complex32> actual, ReadOnlySpan<Complex32> expected)
    {
        double num = 0, den = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double dr = actual[i].Re - expected[i].Re, di = actual[i].Im - expected[i].Im;
            num += (dr * dr) + (di * di);
            den += expected[i].MagnitudeSquared;
        }
        return Math.Sqrt(num / Math.Max(den, double.Epsilon));
    }

    public static IFftBackend CreateBackend(string name, int degree = 2) => name switch
    {
        "fftw" => new FftwBackend(FftwPlanRigor.Estimate, degree),
        "managed" => new ManagedFftBackend(degree),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown backend"),
    };
}
