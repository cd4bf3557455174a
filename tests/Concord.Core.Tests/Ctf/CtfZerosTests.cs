using Concord.Core.Ctf;

namespace Concord.Core.Tests.Ctf;

public class CtfZerosTests
{
    public static TheoryData<CtfParameters, double> Cases => new()
    {
        { new CtfParameters { VoltageKv = 300, SphericalAberrationMm = 2.7, AmplitudeContrast = 0.1, DefocusUA = 20000, DefocusVA = 15000, DefocusAngleDeg = 30 }, 10 },
        { new CtfParameters { VoltageKv = 200, SphericalAberrationMm = 2.0, AmplitudeContrast = 0.07, DefocusUA = 8000, DefocusVA = 12000, DefocusAngleDeg = -60 }, 75 },
        { new CtfParameters { VoltageKv = 300, SphericalAberrationMm = 0.01, AmplitudeContrast = 0.1, DefocusUA = 5000, DefocusVA = 5000, PhaseShiftDeg = 90 }, 0 },
        { new CtfParameters { VoltageKv = 100, SphericalAberrationMm = 4.0, AmplitudeContrast = 0.2, DefocusUA = 30000, DefocusVA = 29000, DefocusAngleDeg = 5, BFactorA2 = 100 }, 140 },
        { new CtfParameters { VoltageKv = 300, SphericalAberrationMm = 2.7, AmplitudeContrast = 0.1, DefocusUA = -4000, DefocusVA = -3000 }, 45 },
        { new CtfParameters { VoltageKv = 300, SphericalAberrationMm = 0, AmplitudeContrast = 0.05, DefocusUA = 10000, DefocusVA = 9000, PhaseShiftDeg = 30 }, 200 },
        { new CtfParameters { VoltageKv = 300, SphericalAberrationMm = 2.7, AmplitudeContrast = 0.1, DefocusUA = 300, DefocusVA = 300 }, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AnalyticZeros_MatchSignChangesAlongTheRing(CtfParameters parameters, double directionDeg)
    {
        var ctf = new CtfModel(parameters);
        double angle = directionDeg * Math.PI / 180;
        const double maxFrequency = 0.5;
        double[] analytic = CtfZeros.FrequenciesUpTo(ctf, angle, maxFrequency);
        double[] numeric = ScanForSignChanges(ctf, angle, maxFrequency);
        Assert.NotEmpty(analytic);
        Assert.Equal(numeric.Length, analytic.Length);
        for (int i = 0; i < analytic.Length; i++)
            Assert.True(Math.Abs(analytic[i] - numeric[i]) <= 0.005 * numeric[i], $"zero {i + 1}: analytic {analytic[i]}, scanned {numeric[i]}");
        for (int i = 0; i < analytic.Length; i++)
            Assert.Equal(0, Math.Sin(ctf.GammaAt(analytic[i], angle)), 1e-8);
    }

    [Fact]
    public void NthZero_FirstZeroOfIsotropicCtfWithoutCsOrContrast()
    {
        // Q0 = 0, Cs = 0: γ = −π λ Δf s², so the n-th zero is at s = √(n / (λ Δf)).
        var ctf = new CtfModel(new CtfParameters { VoltageKv = 300, SphericalAberrationMm = 0, AmplitudeContrast = 0, DefocusUA = 10000, DefocusVA = 10000 });
        for (int n = 1; n <= 5; n++)
            Assert.Equal(Math.Sqrt(n / (ctf.WavelengthA * 10000)), CtfZeros.NthZero(ctf, n, 0.7), 12);
        Assert.True(double.IsNaN(CtfZeros.NthZero(ctf, 1000, 0.7, maxFrequency: 0.2)));
    }

    [Fact]
    public void NthZero_RejectsZeroIndexAndBadRange()
    {
        var ctf = new CtfModel(new CtfParameters { DefocusUA = 10000, DefocusVA = 10000 });
        Assert.Throws<InvalidParameterException>(() => CtfZeros.NthZero(ctf, 0, 0));
        Assert.Throws<InvalidParameterException>(() => CtfZeros.FrequenciesUpTo(ctf, 0, -1));
    }

    private static double[] ScanForSignChanges(CtfModel ctf, double angle, double maxFrequency)
    {
        const int samples = 200_000;
        var zeros = new List<double>();
        double previousS = 0, previous = ctf.ValueAt(0, angle);
        for (int i = 1; i <= samples; i++)
        {
            double s = maxFrequency * i / samples;
            double value = ctf.ValueAt(s, angle);
            if (previous == 0 && i > 1)
                zeros.Add(previousS);
            else if (previous * value < 0)
                zeros.Add(Bisect(ctf, angle, previousS, s));
            previousS = s;
            previous = value;
        }
        return zeros.ToArray();
    }

    private static double Bisect(CtfModel ctf, double angle, double low, double high)
    {
        double lowValue = ctf.ValueAt(low, angle);
        for (int i = 0; i < 60; i++)
        {
            double mid = 0.5 * (low + high);
            double value = ctf.ValueAt(mid, angle);
            if (lowValue * value <= 0)
                high = mid;
            else
            {
                low = mid;
                lowValue = value;
            }
        }
        return 0.5 * (low + high);
    }
}
