using Concord.Core.Ctf;

namespace Concord.Core.Tests.Ctf;

public class CtfAgreementTests
{
    private const double PixelSizeA = 1.0;
    private const int BoxSize = 512;
    private static readonly CtfParameters Reference = new()
    {
        VoltageKv = 300,
        SphericalAberrationMm = 2.7,
        AmplitudeContrast = 0.1,
        DefocusUA = 15000,
        DefocusVA = 15000,
    };

    [Fact]
    public void IdenticalCtfs_AgreeToNyquist()
    {
        var astigmatic = new CtfModel(Reference with { DefocusVA = 12000, DefocusAngleDeg = 17 });
        Assert.Equal(2 * PixelSizeA, CtfAgreement.ResolutionA(astigmatic, astigmatic, PixelSizeA, BoxSize), 12);
    }

    [Fact]
    public void DefocusDifference_GivesAnalyticResolution()
    {
        // Isotropic, same optics: |Δγ| = π λ ΔΔf s², which reaches π/2 at s = 1/√(2 λ ΔΔf) — 6.27 Å for 1000 Å at 300 kV.
        var a = new CtfModel(Reference);
        var b = new CtfModel(Reference with { DefocusUA = 16000, DefocusVA = 16000 });
        double expected = Math.Sqrt(2 * a.WavelengthA * 1000);
        double resolution = CtfAgreement.ResolutionA(a, b, PixelSizeA, BoxSize);
        Assert.True(double.IsFinite(resolution));
        Assert.Equal(expected, resolution, expected * 0.005);
    }

    [Fact]
    public void Resolution_WorsensAsDefocusDifferenceGrows()
    {
        var a = new CtfModel(Reference with { DefocusVA = 14000, DefocusAngleDeg = 40 });
        double previous = 2 * PixelSizeA;
        foreach (double difference in new[] { 250.0, 500, 1000, 2000, 4000 })
        {
            var b = new CtfModel(Reference with { DefocusUA = 15000 + difference, DefocusVA = 14000 + difference, DefocusAngleDeg = 40 });
            double resolution = CtfAgreement.ResolutionA(a, b, PixelSizeA, BoxSize);
            Assert.True(resolution > previous, $"ΔΔf {difference} Å: {resolution} Å should be worse than {previous} Å");
            previous = resolution;
        }
    }

    [Fact]
    public void AstigmatismDifference_IsDecidedByTheWorstDirection()
    {
        // Only V differs, by 2000 Å: along V the phases part like a 2000 Å defocus error, along U not at all.
        var a = new CtfModel(Reference with { DefocusAngleDeg = 25 });
        var b = new CtfModel(Reference with { DefocusVA = 17000, DefocusAngleDeg = 25 });
        double expected = Math.Sqrt(2 * a.WavelengthA * 2000);
        Assert.Equal(expected, CtfAgreement.ResolutionA(a, b, PixelSizeA, BoxSize), expected * 0.005);
    }

    [Fact]
    public void PhaseShiftDifferenceOf90Degrees_NeverAgrees()
    {
        var a = new CtfModel(Reference);
        var b = new CtfModel(Reference with { PhaseShiftDeg = 95 });
        Assert.Equal(double.PositiveInfinity, CtfAgreement.ResolutionA(a, b, PixelSizeA, BoxSize));
        Assert.Equal(95 * Math.PI / 180, CtfAgreement.PhaseDifferenceRad(a, b, 0, 0), 12);
    }
}
