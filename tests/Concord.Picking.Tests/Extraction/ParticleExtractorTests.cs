using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Picking.Extraction;
using Concord.Picking.Tests.Infrastructure;

namespace Concord.Picking.Tests.Extraction;

public class ParticleExtractorTests
{
    [Fact]
    public void Boxes_are_binned_inverted_and_background_normalised_with_the_particle_at_the_centre()
    {
        var mic = SimulatedMicrographs.Get(512, seed: 3);
        using var fft = FftBackends.Create();
        var picks = mic.Particles.Select(p => new Pick(p.X, p.Y, 1)).ToList();
        using var result = new ParticleExtractor(fft).Extract(mic.Image, picks,
            new ExtractionOptions { BoxSizePx = 96, RescaledBoxSizePx = 48, PhaseFlipCtf = mic.Truth.Ctf, MaxDegreeOfParallelism = 2 });
        Assert.Equal(48, result.Particles.Width);
        Assert.Equal(3.0, result.Particles.PixelSizeA, 9);
        Assert.Equal(picks.Count, result.Kept.Count + result.DroppedAtEdges);
        Assert.True(result.Kept.Count >= picks.Count / 2);
        var first = result.Particles.Slice(0);
        var ring = Normalization.BackgroundStatistics(first, new FftShape(48, 48), 18);
        Assert.Equal(0, ring.Mean, 3);
        Assert.True(Math.Abs(ring.Std - 1) < 0.05 || ring.Max >= 5 || ring.Min <= -5, $"ring σ {ring.Std}");
        // Averaged particles are bright (inverted) in the middle compared with the ring.
        double centre = 0, edge = 0;
        for (int i = 0; i < result.Particles.Count; i++)
        {
            var image = result.Particles.Slice(i);
            centre += Mean(image, 48, 0, 8);
            edge += Mean(image, 48, 20, 24);
        }
        Assert.True(centre > edge + 0.2 * result.Particles.Count, $"centre {centre / result.Particles.Count:F3}, ring {edge / result.Particles.Count:F3}");
    }

    [Fact]
    public void Duplicates_keep_the_best_pick_and_edge_boxes_are_dropped()
    {
        using var micrograph = new Image2D(128, 128, 2);
        var random = new Random(4);
        for (int i = 0; i < micrograph.Length; i++)
            micrograph.Span[i] = (float)random.NextDouble();
        var picks = new List<Pick> { new(64, 64, 1), new(66, 64, 3), new(10, 64, 5), new(100, 100, 2) };
        using var fft = FftBackends.Create();
        using var result = new ParticleExtractor(fft).Extract(micrograph, picks, new ExtractionOptions { BoxSizePx = 32, DuplicateDistancePx = 5, DustSigmas = 3 });
        Assert.Equal(1, result.DroppedAsDuplicates);
        Assert.Equal(1, result.DroppedAtEdges);
        Assert.Equal([new Pick(66, 64, 3), new Pick(100, 100, 2)], result.Kept);
        // Indices into the input, so per-pick data (half-sets kept on re-extraction) follow the kept picks.
        Assert.Equal([1, 3], result.KeptIndices);
        Assert.True(result.Particles.Span.ToArray().Max() <= 3f);
    }

    private static double Mean(Span<float> image, int n, double r0, double r1)
    {
        double sum = 0;
        int count = 0;
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                double r = Math.Sqrt((x - n / 2) * (x - n / 2) + (y - n / 2) * (y - n / 2));
                if (r >= r0 && r < r1)
                {
                    sum += image[y * n + x];
                    count++;
                }
            }
        return sum / count;
    }
}
