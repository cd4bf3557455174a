using Concord.Core.Fourier;
using Concord.Picking.Cleaning;
using Concord.Picking.Methods.Log;
using Concord.Picking.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Concord.Picking.Tests.Cleaning;

public class MicrographCleanerTests(ITestOutputHelper output)
{
    [Fact]
    public void Finds_contamination_and_removes_picks_on_it_but_keeps_particles()
    {
        var mic = SimulatedMicrographs.Get(512, seed: 21, contamination: true);
        using var fft = FftBackends.Create();
        var result = new MicrographCleaner(fft).Clean(mic.Image, new CleanerOptions { DiameterA = 80 });
        double iou = result.IntersectionOverUnion(mic.Truth.BadRegionMask);
        var picks = new LogPicker(fft).Pick(mic.Image, new LogPickerOptions { DiameterA = 80 });
        bool OnBad(Pick p) => mic.Truth.BadRegionMask[(int)Math.Round(p.YPx) * 512 + (int)Math.Round(p.XPx)] > 0.5f;
        int badPicks = picks.Count(OnBad), badRemoved = picks.Count(p => OnBad(p) && result.IsBad(p.XPx, p.YPx));
        var good = mic.Particles.Where(p => mic.Truth.BadRegionMask[(int)p.Y * 512 + (int)p.X] < 0.5f).ToList();
        int goodKept = good.Count(p => !result.IsBad(p.X, p.Y));
        output.WriteLine($"IoU {iou:F3}, bad fraction {result.BadFraction:F3} (true {mic.Truth.BadRegionMask.Average(v => (double)v):F3}); " +
            $"picks on contamination removed {badRemoved}/{badPicks}; clean particles kept {goodKept}/{good.Count}; regions {string.Join(",", mic.Truth.Regions.Select(r => r.Kind))}");
        Assert.True(iou >= 0.3, $"IoU {iou:F3}");
        Assert.True(badRemoved >= 0.6 * badPicks, $"{badRemoved}/{badPicks}");
        Assert.True(goodKept >= 0.75 * good.Count, $"{goodKept}/{good.Count}");
    }

    /// <summary>
    /// A carbon edge: the simulator lays the film outside the hole's rim over 5–35 % of the field (the exposure placed
    /// near the hole's edge), and the cleaner must find it as the darker level beside the hole's ice. LoG picks
    /// on the film must go and the particles in the hole stay.
    /// </summary>
    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public void Finds_a_carbon_film_at_the_hole_edge(int seed)
    {
        const int size = 1024;
        var mic = SimulatedMicrographs.Get(size, seed, carbon: true);
        Assert.Contains(mic.Truth.Regions, r => r.Kind == Concord.Simulation.Movies.ContaminationKind.CarbonEdge);
        using var fft = FftBackends.Create();
        var result = new MicrographCleaner(fft).Clean(mic.Image, new CleanerOptions { DiameterA = 80 });
        double iou = result.IntersectionOverUnion(mic.Truth.BadRegionMask);
        var picks = new LogPicker(fft).Pick(mic.Image, new LogPickerOptions { DiameterA = 80 });
        var onBad = picks.Where(p => mic.OnBad(p.XPx, p.YPx)).ToList();
        int removed = onBad.Count(p => result.IsBad(p.XPx, p.YPx));
        var usable = mic.Usable;
        int kept = usable.Count(p => !result.IsBad(p.X, p.Y));
        output.WriteLine($"seed {seed}: IoU {iou:F3}, bad fraction {result.BadFraction:F3} (true {mic.Truth.BadRegionMask.Average(v => (double)v):F3}); " +
            $"LoG picks on carbon removed {removed}/{onBad.Count}; usable particles kept {kept}/{usable.Count}");
        Assert.True(onBad.Count >= 10, $"only {onBad.Count} picks on the film: the test needs carbon under particles");
        Assert.True(removed >= 0.9 * onBad.Count, $"{removed}/{onBad.Count}");
        Assert.True(iou >= 0.8, $"IoU {iou:F3}");
        Assert.True(usable.Count >= 3, $"{usable.Count} particles in the hole");
        Assert.True(kept >= 0.6 * usable.Count, $"{kept}/{usable.Count}");
    }
}
