using Xunit.Abstractions;

namespace Concord.Ctf.Tests.Periodogram;

/// <summary>The acceptance criteria of estimator A on the seeded batch's good micrographs.</summary>
[Collection(SeededBatchCollection.Name)]
public class PeriodogramAccuracyTests(SeededBatch batch, ITestOutputHelper output)
{
    [Fact]
    public void MedianDefocusErrorIsWithinOnePercent()
    {
        var errors = batch.Good.Select(m => TestMicrographs.RelativeDefocusError(m.Primary.Ctf, m.Truth)).ToArray();
        double median = TestMicrographs.Median(errors);
        output.WriteLine($"median relative defocus error {100 * median:F3}% over {errors.Length} micrographs (max {100 * errors.Max():F2}%)");
        Assert.True(median <= 0.01, $"median relative defocus error {100 * median:F2}% > 1%");
    }

    [Fact]
    public void AtLeast95PercentAreWithinTwoPercent()
    {
        var errors = batch.Good.Select(m => TestMicrographs.RelativeDefocusError(m.Primary.Ctf, m.Truth)).ToArray();
        double within = errors.Count(e => e <= 0.02) / (double)errors.Length;
        output.WriteLine($"{100 * within:F1}% within 2% of the truth");
        Assert.True(within >= 0.95, $"only {100 * within:F1}% of good micrographs within 2%");
    }

    [Fact]
    public void MedianAstigmatismAngleErrorIsWithinFiveDegreesWhereAstigmatismExceeds200A()
    {
        var errors = batch.Good.Where(m => m.Truth.AstigmatismA > 200).Select(m => TestMicrographs.AngleErrorDeg(m.Primary.Ctf, m.Truth)).ToArray();
        double median = TestMicrographs.Median(errors);
        output.WriteLine($"median angle error {median:F2}° over {errors.Length} micrographs (max {errors.Max():F1}°)");
        Assert.True(errors.Length >= 20, "the batch must hold enough astigmatic micrographs to judge the angle");
        Assert.True(median <= 5, $"median astigmatism angle error {median:F2}° > 5°");
    }

    [Fact]
    public void GoodMicrographsFitBetterThanNoSignal()
    {
        double worstGood = batch.Good.Min(m => m.Primary.FitScore);
        double bestNoSignal = batch.Micrographs.Where(m => m.Defect == Simulation.Movies.MicrographDefect.NoSignal).Max(m => m.Primary.FitScore);
        output.WriteLine($"worst good fit score {worstGood:F3}, best no-signal {bestNoSignal:F3}");
        Assert.True(worstGood > 2 * bestNoSignal);
    }

    [Fact]
    public void StrongAstigmatismIsMeasured()
    {
        foreach (var m in batch.Micrographs.Where(m => m.Defect == Simulation.Movies.MicrographDefect.StrongAstigmatism))
            Assert.True(TestMicrographs.RelativeDefocusError(m.Primary.Ctf, m.Truth) < 0.02, $"{m.Name}: {m.Primary.Ctf} vs {m.Truth}");
    }
}
