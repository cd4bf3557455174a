using Concord.Core.Fourier;
using Concord.Picking.Evaluation;
using Concord.Picking.Methods.Log;
using Concord.Picking.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Concord.Picking.Tests.Methods;

public class LogPickerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(BlobFilter.LaplacianOfGaussian)]
    [InlineData(BlobFilter.DifferenceOfGaussians)]
    public void Finds_most_particles_with_few_false_picks(BlobFilter filter)
    {
        var mic = SimulatedMicrographs.Get(512, seed: 3);
        using var fft = FftBackends.Create();
        var picks = new LogPicker(fft).Pick(mic.Image, new LogPickerOptions { DiameterA = 80, Filter = filter });
        var all = mic.Truth.Particles.Select(p => (p.X, p.Y)).ToList();
        var score = PickingScore.Compute(picks, all, radiusPx: 0.25 * 80 / 1.5);
        output.WriteLine($"{filter}: {score}");
        Assert.True(score.Recall >= 0.8, score.ToString());
        Assert.True(score.Precision >= 0.7, score.ToString());
    }
}
