using Concord.Ctf.Consensus;
using Concord.Simulation.Movies;
using Xunit.Abstractions;

namespace Concord.Ctf.Tests.Consensus;

/// <summary>
/// Selection on the seeded batch with the default (chapter) thresholds: micrographs made bad on purpose are rejected
/// for the reason their defect implies, good ones are kept. The second estimate comes from
/// <see cref="SeededBatch.SecondaryMethod"/>.
/// </summary>
[Collection(SeededBatchCollection.Name)]
public class CtfConsensusAcceptanceTests(SeededBatch batch, ITestOutputHelper output)
{
    /// <summary>The reasons that are right for each defect: no or blurred Thon rings fail the resolution or the fit score.</summary>
    private static readonly Dictionary<MicrographDefect, CtfRejectionKind[]> RightReasons = new()
    {
        [MicrographDefect.NoSignal] = [CtfRejectionKind.MaxResolution, CtfRejectionKind.FitScore],
        [MicrographDefect.HeavyDrift] = [CtfRejectionKind.MaxResolution, CtfRejectionKind.FitScore],
        [MicrographDefect.ThickIce] = [CtfRejectionKind.IceRing],
        [MicrographDefect.StrongAstigmatism] = [CtfRejectionKind.Astigmatism],
    };

    private CtfConsensusResult Run() => CtfConsensus.Run(
        batch.Micrographs.Select(m => new CtfConsensusInput(m.Name, [m.Primary, m.Secondary], m.PixelSizeA, 512)),
        new CtfConsensusSettings());

    [Fact]
    public void AtLeast90PercentOfBadMicrographsAreRejectedForTheRightReason()
    {
        var result = Run();
        var byName = result.Rejected.ToDictionary(r => r.Name);
        var bad = batch.Micrographs.Where(m => m.Defect != MicrographDefect.None).ToArray();
        int right = 0;
        foreach (var m in bad)
        {
            bool ok = byName.TryGetValue(m.Name, out var item) && item.Rejections.Any(r => RightReasons[m.Defect].Contains(r.Kind));
            right += ok ? 1 : 0;
            output.WriteLine($"{m.Defect,-18} {(ok ? "right" : "WRONG")}: {item?.ReasonText ?? "accepted"}");
        }
        Assert.True(right >= 0.9 * bad.Length, $"{right} of {bad.Length} bad micrographs rejected for the right reason");
    }

    [Fact]
    public void AtLeast95PercentOfGoodMicrographsAreKept()
    {
        var result = Run();
        var accepted = result.Accepted.Select(a => a.Name).ToHashSet();
        var good = batch.Good.ToArray();
        foreach (var m in good.Where(m => !accepted.Contains(m.Name)))
            output.WriteLine($"good {m.Name} (defocus {m.Truth.DefocusAverageA:F0} Å) rejected: {result.Rejected.First(r => r.Name == m.Name).ReasonText}");
        int kept = good.Count(m => accepted.Contains(m.Name));
        Assert.True(kept >= 0.95 * good.Length, $"only {kept} of {good.Length} good micrographs kept");
    }

    [Fact]
    public void CountsPerReasonAddUpToTheReasonsGiven()
    {
        var result = Run();
        Assert.Equal(result.Rejected.Sum(r => r.Rejections.Count), result.RejectionCounts.Values.Sum());
        Assert.Equal(batch.Micrographs.Count, result.Accepted.Count + result.Rejected.Count);
    }
}
