using Concord.Core;
using Concord.Core.Ctf;
using Concord.Ctf.Consensus;

namespace Concord.Ctf.Tests.Consensus;

public class CtfConsensusTests
{
    private static CtfEstimate Estimate(double u, double v, double angle, double score = 0.3, double resolution = 4, double ice = 1.0, string method = "periodogram") =>
        new(method, new CtfParameters { DefocusUA = u, DefocusVA = v, DefocusAngleDeg = angle }, score, resolution,
            new Dictionary<string, double> { [CtfFigures.IceRingRatio] = ice });

    private static CtfConsensusItem Judge(params CtfEstimate[] estimates) =>
        CtfConsensus.Judge(new CtfConsensusInput("m", estimates, 1.2, 512), new CtfConsensusSettings());

    [Fact]
    public void AGoodSingleEstimateIsAccepted()
    {
        var item = Judge(Estimate(15000, 14500, 30));
        Assert.True(item.IsAccepted, item.ReasonText);
        Assert.True(double.IsNaN(item.AgreementResolutionA));
    }

    [Fact]
    public void ReasonsAreReadableSentencesWithValuesAndThresholds()
    {
        var item = Judge(Estimate(46000, 41000, 0, score: 0.02, resolution: 7.23, ice: 2.31));
        Assert.Contains("max resolution 7.2 Å worse than 5 Å", item.ReasonText);
        Assert.Contains("fit correlation 0.020 below 0.1", item.ReasonText);
        Assert.Contains("astigmatism 5,000 Å above 2,000 Å", item.ReasonText);
        Assert.Contains("defocus 43,500 Å outside 3,000–40,000 Å", item.ReasonText);
        Assert.Contains("ice ring ratio 2.31 above 1.5", item.ReasonText);
        Assert.Equal(5, item.Rejections.Count);
    }

    [Fact]
    public void IdenticalEstimatesAgreeToNyquist()
    {
        var item = Judge(Estimate(15000, 14500, 30), Estimate(15000, 14500, 30, method: "other"));
        Assert.Equal(2 * 1.2, item.AgreementResolutionA, 6);
        Assert.True(item.IsAccepted);
    }

    [Fact]
    public void CoarsePixelsRaiseLimitsTheyCannotReachAndNoMore()
    {
        // 2.5 Å/px: no fit goes beyond 2.1 px = 5.25 Å and identical CTFs agree only to Nyquist, 5 Å.
        var settings = new CtfConsensusSettings();
        Assert.Equal((5.25, 5.0), (Math.Round(CtfConsensus.ReachableLimits(settings, 2.5).MaxResolutionA, 9), Math.Round(CtfConsensus.ReachableLimits(settings, 2.5).AgreementA, 6)));
        Assert.Equal((5.0, 4.0), CtfConsensus.ReachableLimits(settings, 1.2));
        var coarse = CtfConsensus.Judge(new CtfConsensusInput("m", [Estimate(15000, 14500, 30, resolution: 5.25), Estimate(15000, 14500, 30, resolution: 5.25, method: "other")], 2.5, 256), settings);
        Assert.True(coarse.IsAccepted, coarse.ReasonText);
        var blurred = CtfConsensus.Judge(new CtfConsensusInput("m", [Estimate(15000, 14500, 30, resolution: 6)], 2.5, 256), settings);
        Assert.Contains("max resolution 6.0 Å worse than 5.25 Å", blurred.ReasonText);
    }

    [Fact]
    public void DisagreeingEstimatesAreRejectedAndThePrimaryIsKept()
    {
        var item = Judge(Estimate(15000, 14500, 30), Estimate(16000, 15500, 30, method: "other"));
        Assert.Contains(item.Rejections, r => r.Kind == CtfRejectionKind.Agreement);
        Assert.True(item.AgreementResolutionA > 4);
        Assert.Equal(15000, item.Combined.DefocusUA);
    }

    [Fact]
    public void AgreeingEstimatesAreAveragedOnTheAxisCircle()
    {
        // Axes at 89° and −89° are 2° apart; their mean axis is ±90°, not 0°.
        var combined = CtfConsensus.Combine([Estimate(15000, 14000, 89), Estimate(15010, 14010, -89)]);
        Assert.Equal(15005, combined.DefocusUA, 6);
        Assert.Equal(14005, combined.DefocusVA, 6);
        Assert.Equal(90, Math.Abs(combined.DefocusAngleDeg), 6);
    }

    [Fact]
    public void CountsFollowTheReasonsAndOrderIsKept()
    {
        var inputs = new[]
        {
            new CtfConsensusInput("a", [Estimate(15000, 14500, 0)], 1.2, 512),
            new CtfConsensusInput("b", [Estimate(15000, 14500, 0, resolution: 8)], 1.2, 512),
            new CtfConsensusInput("c", [Estimate(15000, 11000, 0, resolution: 9)], 1.2, 512),
            new CtfConsensusInput("d", [Estimate(12000, 11500, 0)], 1.2, 512),
        };
        var result = CtfConsensus.Run(inputs, new CtfConsensusSettings());
        Assert.Equal(["a", "d"], result.Accepted.Select(a => a.Name));
        Assert.Equal(["b", "c"], result.Rejected.Select(a => a.Name));
        Assert.Equal(2, result.RejectionCounts[CtfRejectionKind.MaxResolution]);
        Assert.Equal(1, result.RejectionCounts[CtfRejectionKind.Astigmatism]);
        Assert.Equal(0, result.RejectionCounts[CtfRejectionKind.IceRing]);
    }

    [Fact]
    public void InvalidThresholdsAreRejectedUpFront()
    {
        Assert.Throws<InvalidParameterException>(() => new CtfConsensusSettings { MaxResolutionLimitA = 0 }.Validate());
        Assert.Throws<InvalidParameterException>(() => new CtfConsensusSettings { MinDefocusA = 5000, MaxDefocusA = 4000 }.Validate());
        Assert.Throws<InvalidParameterException>(() => CtfConsensus.Judge(new CtfConsensusInput("m", [], 1, 64), new CtfConsensusSettings()));
    }
}
