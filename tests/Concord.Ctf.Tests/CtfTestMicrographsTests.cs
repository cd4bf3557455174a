using Concord.Core.Fourier;
using Concord.Simulation.Micrographs;
using Concord.Simulation.Movies;

namespace Concord.Ctf.Tests;

public class CtfTestMicrographsTests
{
    private static readonly CtfTestMicrographOptions Small = new() { Width = 256, Height = 256 };

    [Fact]
    public void TheSameSeedGivesTheSameMicrographAndAnotherSeedAnother()
    {
        using var fft = FftBackends.CreateDeterministic();
        var generator = new CtfTestMicrographs(Small, fft);
        using var a = generator.Generate(3, 9);
        using var b = generator.Generate(3, 9);
        using var c = generator.Generate(3, 10);
        Assert.Equal(a.Ctf, b.Ctf);
        Assert.True(a.Micrograph.Span.SequenceEqual(b.Micrograph.Span));
        Assert.False(a.Micrograph.Span.SequenceEqual(c.Micrograph.Span));
    }

    [Fact]
    public void DefectsChangeWhatTheyPromise()
    {
        using var fft = FftBackends.CreateDeterministic();
        var generator = new CtfTestMicrographs(Small, fft);
        using var good = generator.Generate(0, 1, MicrographDefect.None);
        using var astigmatic = generator.Generate(0, 1, MicrographDefect.StrongAstigmatism);
        using var drift = generator.Generate(0, 1, MicrographDefect.HeavyDrift);
        using var empty = generator.Generate(0, 1, MicrographDefect.NoSignal);
        Assert.InRange(good.Ctf.AstigmatismA, 0, Small.AstigmatismMaxA);
        Assert.InRange(astigmatic.Ctf.AstigmatismA, Small.StrongAstigmatismMinA, Small.StrongAstigmatismMaxA);
        Assert.InRange(drift.DriftA, Small.HeavyDriftMinA, Small.HeavyDriftMaxA);
        Assert.Equal(0, good.DriftA);
        double goodDose = good.Micrograph.Span.ToArray().Average(), emptyDose = empty.Micrograph.Span.ToArray().Average();
        double expected = Small.DoseEA2 * Small.PixelSizeA * Small.PixelSizeA;
        Assert.InRange(goodDose / expected, 0.97, 1.03);
        Assert.InRange(emptyDose / expected, 0.09, 0.11);
    }

    [Fact]
    public void TheBadFractionDrawsDefects()
    {
        using var fft = FftBackends.CreateDeterministic();
        var generator = new CtfTestMicrographs(Small with { Width = 64, Height = 64, BadMicrographFraction = 0.5 }, fft);
        var defects = Enumerable.Range(0, 40).Select(i => { using var m = generator.Generate(i, 4); return m.Defect; }).ToArray();
        Assert.InRange(defects.Count(d => d != MicrographDefect.None), 10, 30);
        Assert.True(defects.Distinct().Count() >= 4);
    }
}
