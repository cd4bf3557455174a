using Xunit.Abstractions;

namespace Concord.Ctf.Tests.Parametric;

/// <summary>
/// Estimator B's quality figures move the right way: each defective micrograph is compared with the good micrograph of
/// the same index (same mean defocus and angle draws), and the figures that the defect should spoil must drop.
/// </summary>
[Collection(ParametricMicrographFixture.Collection)]
public sealed class ParametricCtfQualityTests(ParametricMicrographFixture data, ITestOutputHelper output)
{
    private const string Fit = "FitCorrelation", Contrast = "ThonRingContrast", Psd90 = "Psd90Correlation", Zeros = "FitCorrelationZeros1To3";

    [Fact]
    public void Figures_separate_bad_micrographs_from_good_ones()
    {
        for (int i = 0; i < data.Bad.Length; i++)
        {
            var good = data.GoodEstimates[i];
            var bad = data.Estimator.Estimate(data.Bad[i].Micrograph, data.Settings);
            output.WriteLine($"{data.Bad[i].Defect}: good {Describe(good)}");
            output.WriteLine($"{data.Bad[i].Defect}: bad  {Describe(bad)}");
            Assert.True(good.FitScore >= 0.2, $"good micrograph {i}: fit {good.FitScore:F3}");
            Assert.True(good.MaxResolutionA <= 9, $"good micrograph {i}: max resolution {good.MaxResolutionA:F1} Å");
            if (data.Bad[i].Defect == Simulation.Movies.MicrographDefect.StrongAstigmatism)
            {
                // The rings are still there and fitted; only their roundness suffers.
                Assert.True(bad.Figures[Psd90] < good.Figures[Psd90] - 0.05, "PSD-90° correlation must drop with strong astigmatism");
                Assert.True(bad.Ctf.AstigmatismA > 3000);
                continue;
            }
            // No signal, heavy drift and thick ice all wash the rings out of the band.
            Assert.True(bad.FitScore < 0.7 * good.FitScore, $"{data.Bad[i].Defect}: fit {bad.FitScore:F3}");
            Assert.True(bad.MaxResolutionA > 2 * good.MaxResolutionA, $"{data.Bad[i].Defect}: max resolution {bad.MaxResolutionA:F1} Å");
            Assert.True(bad.Figures[Contrast] < good.Figures[Contrast] / 3, $"{data.Bad[i].Defect}: contrast {bad.Figures[Contrast]:F3}");
            Assert.True(bad.Figures[Zeros] < good.Figures[Zeros] - 0.2, $"{data.Bad[i].Defect}: zeros 1-3 correlation {bad.Figures[Zeros]:F3}");
            Assert.True(bad.Figures[Psd90] < good.Figures[Psd90] - 0.1, $"{data.Bad[i].Defect}: PSD-90° correlation {bad.Figures[Psd90]:F3}");
        }
    }

    private static string Describe(CtfEstimate e) =>
        $"{e.Ctf.DefocusUA:F0}/{e.Ctf.DefocusVA:F0}/{e.Ctf.DefocusAngleDeg:F1}° fit {e.FitScore:F3} res {e.MaxResolutionA:F1} Å " +
        string.Join(" ", e.Figures.Select(kv => $"{kv.Key}={kv.Value:G3}"));
}
