using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Simulation.Movies;
using Concord.Simulation.Presets;

namespace Concord.Picking.Tests.Infrastructure;

/// <summary>A summed micrograph with its truth.</summary>
public sealed record TestMicrograph(Image2D Image, SimulatedMovie Truth, double DiameterA)
{
    public IReadOnlyList<(double X, double Y)> Particles => Truth.Particles.Where(p => !p.IsJunk).Select(p => (p.X, p.Y)).ToList();
    /// <summary>Particles a picker should find: not junk and centred outside the true bad-region mask (carbon, ice crystals, aggregates).</summary>
    public IReadOnlyList<(double X, double Y)> Usable => Truth.Particles.Where(p => !p.IsJunk && !OnBad(p.X, p.Y)).Select(p => (p.X, p.Y)).ToList();

    /// <summary>Whether the pixel nearest (x, y) is in the true bad-region mask.</summary>
    public bool OnBad(double x, double y)
    {
        int w = Image.Width, h = Image.Height;
        return Truth.BadRegionMask[Math.Clamp((int)Math.Round(y), 0, h - 1) * w + Math.Clamp((int)Math.Round(x), 0, w - 1)] > 0.5f;
    }

    public IReadOnlyList<(double X, double Y)> Junk => Truth.Particles.Where(p => p.IsJunk).Select(p => (p.X, p.Y)).ToList();
}

/// <summary>
/// Micrographs made the way a pipeline makes them: movies from the simulator (no drift, so frames need no alignment)
/// summed over frames, with an ideal camera. Cached per (size, seed) because several tests share them; the cache is
/// per test run and holds immutable images (tests must not modify them; they clone).
/// </summary>
public static class SimulatedMicrographs
{
    private static readonly Lazy<IReadOnlyList<Volume>> Maps = new(() => MakeMaps(inIce: false));

    /// <summary>The same molecule with the ice it displaces subtracted: its realistic, ~3× lower low-resolution contrast.</summary>
    private static readonly Lazy<IReadOnlyList<Volume>> MapsInIce = new(() => MakeMaps(inIce: true));

    private static IReadOnlyList<Volume> MakeMaps(bool inIce)
    {
        var (models, fragment) = PresetPhantoms.Models(new PhantomSpec(PhantomKind.Fold, Residues: 360, BoxSize: 64));
        return PresetPhantoms.Maps([.. models, fragment], 64, 1.5, inIce: inIce);
    }

    private static readonly Dictionary<(int, int, bool, bool, bool), TestMicrograph> Cache = [];
    private static readonly Lock Gate = new();

    /// <summary>The small preset's molecule and optics (1.5 Å/px, 80 Å particles) on a <paramref name="size"/>² field.</summary>
    /// <param name="carbon">Add a carbon edge (the simulator puts the film outside the hole's rim, over 5–35 % of the field).</param>
    public static MovieSimulationOptions Options(int size, bool contamination, bool carbon = false) => new()
    {
        Width = size,
        Height = size,
        PixelSizeA = 1.5,
        Frames = 4,
        DosePerFrameEA2 = 10,
        ParticlesPerMicrograph = size * size / 8000,
        ParticleDiameterA = 80,
        JunkFraction = 0.15,
        DriftA = 0,
        LocalMotionA = 0,
        CarbonProbability = carbon ? 1 : 0,
        MeanIceCrystals = contamination ? 1.5 : 0,
        MeanAggregates = contamination ? 1.5 : 0,
    };

    /// <param name="inIce">Particles with the ice they displace subtracted (realistic contrast); false keeps the vacuum contrast most tests were pinned on.</param>
    public static TestMicrograph Get(int size, int seed, bool contamination = false, bool carbon = false, bool inIce = false)
    {
        lock (Gate)
        {
            if (Cache.TryGetValue((size, seed, contamination, carbon, inIce), out var cached))
                return cached;
            var options = Options(size, contamination, carbon);
            using var fft = FftBackends.CreateDeterministic();
            var simulator = new MovieSimulator(options, inIce ? MapsInIce.Value : Maps.Value, lastModelIsJunk: true, fft);
            var sum = new float[size * size];
            var truth = simulator.Simulate($"mic{seed}", seed, CameraModel.Ideal(size, size), (_, frame) =>
            {
                for (int i = 0; i < sum.Length; i++)
                    sum[i] += frame[i];
            });
            var micrograph = new TestMicrograph(Image2D.FromPixels(size, size, sum, options.PixelSizeA), truth, options.ParticleDiameterA);
            Cache[(size, seed, contamination, carbon, inIce)] = micrograph;
            return micrograph;
        }
    }
}
