using Concord.Core.Ctf;

namespace Concord.Core.Tests.Ctf;

public class CtfModelTests
{
    private static readonly CtfParameters Astigmatic = new()
    {
        VoltageKv = 300,
        SphericalAberrationMm = 2.7,
        AmplitudeContrast = 0.1,
        DefocusUA = 20000,
        DefocusVA = 15000,
        DefocusAngleDeg = 30,
    };

    [Theory]
    [InlineData(300, 0.019687)]
    [InlineData(200, 0.025079)]
    public void Wavelength_IsRelativistic(double kv, double expectedA)
    {
        Assert.Equal(expectedA, CtfParameters.ElectronWavelengthA(kv), 1e-6);
        Assert.Equal(expectedA, new CtfParameters { VoltageKv = kv }.WavelengthA, 1e-6);
    }

    [Fact]
    public void DerivedDefocus_AverageAndAstigmatism()
    {
        var p = Astigmatic with { DefocusUA = 14000, DefocusVA = 15500 };
        Assert.Equal(14750, p.DefocusAverageA, 9);
        Assert.Equal(1500, p.AstigmatismA, 9);
    }

    // Expected values computed independently from RELION 3.1's CTF::initialise/getCTF (atan2 + cos form of getDeltaF).
    [Theory]
    [InlineData(300, 2.7, 0.1, 20000, 15000, 30, 0, 0, 1, 0.05, 0.02, -0.5011628501062113, -3.6665346941097194)]
    [InlineData(300, 2.7, 0.1, 20000, 15000, 30, 0, 0, 1, -0.11, 0.07, -0.9297095479414862, -16.901586682997095)]
    [InlineData(200, 2.0, 0.07, 12000, 11000, -45, 60, 50, 0.8, 0.13, -0.2, 0.11225915033402872, -53.11726041034711)]
    [InlineData(300, 0.01, 0.0, 5000, 5000, 0, 90, 0, 1, 0.3, 0.0, -0.8998666373822682, -29.393797539051363)]
    [InlineData(300, 2.7, 0.1, 20000, 15000, 30, 0, 0, 1, 0.0, 0.0, 0.1, -0.1001674211615598)]
    public void Value_MatchesRelionFormula(double kv, double cs, double q0, double u, double v, double angle, double phase,
        double bFactor, double scale, double sx, double sy, double expectedCtf, double expectedGamma)
    {
        var ctf = new CtfModel(new CtfParameters
        {
            VoltageKv = kv,
            SphericalAberrationMm = cs,
            AmplitudeContrast = q0,
            DefocusUA = u,
            DefocusVA = v,
            DefocusAngleDeg = angle,
            PhaseShiftDeg = phase,
            BFactorA2 = bFactor,
            Scale = scale,
        });
        Assert.Equal(expectedGamma, ctf.Gamma(sx, sy), 1e-9);
        Assert.Equal(expectedCtf, ctf.Value(sx, sy), 1e-9);
    }

    [Fact]
    public void Value_IsPositiveAtLowFrequencyForUnderfocus()
    {
        var ctf = new CtfModel(Astigmatic);
        Assert.Equal(0.1, ctf.Value(0, 0), 12);
        double firstZero = CtfZeros.NthZero(ctf, 1, 0.3);
        for (int i = 1; i < 50; i++)
            Assert.True(ctf.ValueAt(firstZero * i / 50.0, 0.3) > 0);
    }

    [Theory]
    [InlineData(30)]
    [InlineData(-72.5)]
    [InlineData(135)]
    public void AstigmatismAngle_RotatesThePattern(double angleDeg)
    {
        var ctf = new CtfModel(Astigmatic with { DefocusAngleDeg = angleDeg });
        var alongU = new CtfModel(Astigmatic with { DefocusVA = Astigmatic.DefocusUA, DefocusAngleDeg = 0 });
        var alongV = new CtfModel(Astigmatic with { DefocusUA = Astigmatic.DefocusVA, DefocusAngleDeg = 0 });
        double uAxis = angleDeg * Math.PI / 180, vAxis = uAxis + Math.PI / 2;
        Assert.Equal(Astigmatic.DefocusUA, ctf.DefocusAlongA(uAxis), 6);
        Assert.Equal(Astigmatic.DefocusVA, ctf.DefocusAlongA(vAxis), 6);
        for (double s = 0.01; s < 0.4; s += 0.0123)
        {
            Assert.Equal(alongU.ValueAt(s, 1.234), ctf.ValueAt(s, uAxis), 9);
            Assert.Equal(alongV.ValueAt(s, -0.5), ctf.ValueAt(s, vAxis), 9);
        }
    }

    [Fact]
    public void BFactor_DampsAsGaussian()
    {
        var sharp = new CtfModel(Astigmatic);
        var damped = new CtfModel(Astigmatic with { BFactorA2 = 80, Scale = 0.5 });
        double sx = 0.12, sy = -0.05, s2 = sx * sx + sy * sy;
        Assert.Equal(0.5 * sharp.Value(sx, sy) * Math.Exp(-80 * s2 / 4), damped.Value(sx, sy), 12);
    }

    public static TheoryData<CtfParameters, string> AbsurdParameters => new()
    {
        { Astigmatic with { VoltageKv = -300 }, nameof(CtfParameters.VoltageKv) },
        { Astigmatic with { VoltageKv = 300000 }, nameof(CtfParameters.VoltageKv) },
        { Astigmatic with { VoltageKv = double.NaN }, nameof(CtfParameters.VoltageKv) },
        { Astigmatic with { AmplitudeContrast = 1.0 }, nameof(CtfParameters.AmplitudeContrast) },
        { Astigmatic with { AmplitudeContrast = -0.01 }, nameof(CtfParameters.AmplitudeContrast) },
        { Astigmatic with { SphericalAberrationMm = double.PositiveInfinity }, nameof(CtfParameters.SphericalAberrationMm) },
        { Astigmatic with { SphericalAberrationMm = 2700 }, nameof(CtfParameters.SphericalAberrationMm) },
        { Astigmatic with { DefocusUA = double.NaN }, nameof(CtfParameters.DefocusUA) },
        { Astigmatic with { DefocusVA = 2e7 }, nameof(CtfParameters.DefocusVA) },
        { Astigmatic with { DefocusAngleDeg = double.NaN }, nameof(CtfParameters.DefocusAngleDeg) },
        { Astigmatic with { PhaseShiftDeg = double.NegativeInfinity }, nameof(CtfParameters.PhaseShiftDeg) },
        { Astigmatic with { BFactorA2 = double.NaN }, nameof(CtfParameters.BFactorA2) },
        { Astigmatic with { Scale = 0 }, nameof(CtfParameters.Scale) },
    };

    [Theory]
    [MemberData(nameof(AbsurdParameters))]
    public void Validate_RejectsAbsurdValuesNamingTheParameter(CtfParameters parameters, string name)
    {
        var error = Assert.Throws<InvalidParameterException>(() => parameters.Validate());
        Assert.Equal(name, error.Parameter);
        Assert.StartsWith(name + ":", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidParameterException>(() => new CtfModel(parameters));
    }

    [Fact]
    public void Validate_AcceptsOverfocusNegativeCsAndPhasePlate()
    {
        var p = Astigmatic with { DefocusUA = -3000, DefocusVA = -2000, SphericalAberrationMm = -0.01, PhaseShiftDeg = 90 };
        Assert.Same(p, p.Validate());
    }
}
