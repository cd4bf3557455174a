using Concord.Core.Fourier;
using Concord.Picking.Evaluation;
using Concord.Picking.Methods.Template;
using Concord.Picking.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Concord.Picking.Tests.Methods;

public class TemplatePickerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Finds_most_particles_with_few_false_picks(bool withCtf)
    {
        var mic = SimulatedMicrographs.Get(512, seed: 3);
        using var fft = FftBackends.Create();
        var templates = Templates.Projections(4, seed: 9);
        var options = new TemplatePickerOptions { DiameterA = 80, Ctf = withCtf ? mic.Truth.Ctf : null, AngularStepDeg = 15 };
        var picks = new TemplatePicker(fft).Pick(mic.Image, templates, options);
        var score = PickingScore.Compute(picks, mic.Particles, radiusPx: 0.25 * 80 / 1.5);
        var junk = PickingScore.Compute(picks, mic.Junk, radiusPx: 0.25 * 80 / 1.5);
        output.WriteLine($"CTF {withCtf}: {score}; junk picked {junk.Matched}/{junk.Truth}");
        Assert.True(score.Recall >= 0.8, score.ToString());
        Assert.True(score.Precision >= 0.7, score.ToString());
    }

    [Fact]
    public void Correlation_of_a_template_with_itself_is_one_at_its_centre()
    {
        using var fft = FftBackends.Create();
        var template = Templates.Projections(1, seed: 2)[0];
        using var micrograph = new Core.Imaging.Image2D(256, 256, 1.5);
        var random = new Random(1);
        for (int i = 0; i < micrograph.Length; i++)
            micrograph.Span[i] = (float)(0.001 * (random.NextDouble() - 0.5));
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++)
                micrograph[100 - 32 + x, 140 - 32 + y] -= template[x, y];
        using var work = WorkingMicrograph.Create(micrograph, 80, fft, targetRadiusPx: 1e9);
        var match = new TemplatePicker(fft).Match(work, [template], new TemplatePickerOptions { DiameterA = 80, AngularStepDeg = 90 });
        Assert.Equal(1.0, match.Correlation[140 * 256 + 100], 2);
        Assert.Equal(0f, match.AngleDeg[140 * 256 + 100]);
    }
}
