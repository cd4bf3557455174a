using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Simulation.Movies;
using Concord.Simulation.Phantoms;

namespace Concord.Simulation.Tests.Movies;

public class MovieSimulatorTests
{
    private static readonly ReferenceDftBackend Fft = new();

    private static MovieSimulationOptions Small => new()
    {
        Width = 96,
        Height = 80,
        PixelSizeA = 4,
        Frames = 4,
        DosePerFrameEA2 = 5,
        ParticlesPerMicrograph = 6,
        ParticleDiameterA = 48,
        MeanAggregates = 0,
        MeanIceCrystals = 0,
        CarbonProbability = 0,
    };

    private static Volume Phantom() => AtomicDensity.Compute(ProteinFold.Build(residues: 120, seed: 3), boxSize: 16, pixelSizeA: 4);

    [Fact]
    public void Particles_do_not_overlap_and_stay_inside_the_field()
    {
        using var phantom = Phantom();
        var sim = new MovieSimulator(Small, [phantom], lastModelIsJunk: false, Fft);
        var frames = 0;
        var movie = sim.Simulate("m1", seed: 5, CameraModel.Ideal(96, 80), (_, _) => frames++);
        Assert.Equal(4, frames);
        Assert.Equal(6, movie.Particles.Count);
        double radius = Small.ParticleRadiusPx;
        foreach (var p in movie.Particles)
        {
            Assert.InRange(p.X, radius, 96 - radius);
            Assert.InRange(p.Y, radius, 80 - radius);
            foreach (var q in movie.Particles.Where(q => q.Index != p.Index))
                Assert.True(Math.Sqrt((p.X - q.X) * (p.X - q.X) + (p.Y - q.Y) * (p.Y - q.Y)) >= 2 * radius - 1e-9);
        }
        Assert.InRange(movie.Ctf.DefocusAverageA, Small.DefocusMinA, Small.DefocusMaxA);
        Assert.True(movie.Ctf.AstigmatismA <= Small.AstigmatismMaxA + 1e-9);
    }

    [Fact]
    public void Protein_appears_dark_in_raw_frames_at_low_frequency()
    {
        // RELION's CTF is positive at low frequency and intensity = 1 − 2·IFFT(CTF·Φ): particles darken the image.
        using var phantom = Phantom();
        var options = Small with { DosePerFrameEA2 = 500, IceStructureScale = 0, RadiationDamage = false, DefocusMinA = 20000, DefocusMaxA = 25000 };
        var sim = new MovieSimulator(options, [phantom], lastModelIsJunk: false, Fft);
        var movie = sim.Simulate("m2", seed: 6, CameraModel.Ideal(96, 80), (_, _) => { });
        double inside = 0, all = movie.TruthImage.Average();
        foreach (var p in movie.Particles)
            inside += movie.TruthImage[(int)p.Y * 96 + (int)p.X];
        Assert.True(inside / movie.Particles.Count < all, $"particle centres {inside / movie.Particles.Count:F2} vs mean {all:F2}");
    }

    [Fact]
    public void Bad_micrographs_carry_their_defect()
    {
        using var phantom = Phantom();
        var sim = new MovieSimulator(Small with { BadMicrographFraction = 1 }, [phantom], lastModelIsJunk: false, Fft);
        var seen = new HashSet<MicrographDefect>();
        for (int seed = 0; seed < 12; seed++)
        {
            var movie = sim.Simulate($"m{seed}", seed, CameraModel.Ideal(96, 80), (_, _) => { });
            seen.Add(movie.Defect);
            if (movie.Defect == MicrographDefect.StrongAstigmatism)
                Assert.True(movie.Ctf.AstigmatismA >= 4000);
            if (movie.Defect == MicrographDefect.NoSignal)
                Assert.Empty(movie.Particles);
        }
        Assert.DoesNotContain(MicrographDefect.None, seen);
        Assert.True(seen.Count >= 3);
    }

    [Fact]
    public void Same_seed_is_bit_identical()
    {
        using var phantom = Phantom();
        var sim = new MovieSimulator(Small, [phantom], lastModelIsJunk: false, Fft);
        var a = new List<float[]>();
        var b = new List<float[]>();
        sim.Simulate("a", 9, CameraModel.Ideal(96, 80), (_, f) => a.Add(f.ToArray()), maxDegreeOfParallelism: 1);
        sim.Simulate("b", 9, CameraModel.Ideal(96, 80), (_, f) => b.Add(f.ToArray()), maxDegreeOfParallelism: 2);
        for (int i = 0; i < a.Count; i++)
            Assert.Equal(a[i], b[i]);
    }
}

public class ParticleStackSimulatorTests
{
    [Fact]
    public void Junk_of_every_kind_is_simulated_and_labelled()
    {
        var fft = new ReferenceDftBackend();
        using var phantom = AtomicDensity.Compute(ProteinFold.Build(residues: 80, seed: 2), boxSize: 16, pixelSizeA: 4);
        using var fragment = AtomicDensity.Compute(ProteinFold.Build(residues: 30, seed: 2), boxSize: 16, pixelSizeA: 4);
        var options = new Stacks.ParticleStackOptions { Count = 60, BoxSize = 16, PixelSizeA = 4, Snr = 0, JunkFraction = 0.5 };
        var (images, truth) = Stacks.ParticleStackSimulator.Simulate(options, [phantom], fragment, seed: 3, fft);
        using (images)
        {
            Assert.Contains(truth, t => t.Junk == Stacks.JunkKind.Empty);
            Assert.Contains(truth, t => t.Junk == Stacks.JunkKind.Fragment);
            Assert.Contains(truth, t => t.Junk == Stacks.JunkKind.OffCentre);
            foreach (var t in truth.Where(t => t.Junk == Stacks.JunkKind.Empty))
                Assert.All(images.Slice(t.Index).ToArray(), v => Assert.Equal(0f, v));
            Assert.All(truth.Where(t => t.Junk is Stacks.JunkKind.None or Stacks.JunkKind.OffCentre), t => Assert.Equal(0, t.Conformation));
        }
    }
}
