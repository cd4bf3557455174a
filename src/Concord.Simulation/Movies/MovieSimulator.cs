using Concord.Core;
using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Geometry;
using Concord.Core.Imaging;
using Concord.Core.Projection;

namespace Concord.Simulation.Movies;

/// <summary>Ways a micrograph can be bad on purpose, so quality control can be scored against known reasons.</summary>
public enum MicrographDefect
{
    None,

    /// <summary>No particles and a tiny dose: Thon rings drown in noise.</summary>
    NoSignal,

    /// <summary>Drift inside the exposure far beyond what alignment can follow (frames blur along a line).</summary>
    HeavyDrift,

    /// <summary>Ice several times thicker than usual: strong inelastic loss and structural noise.</summary>
    ThickIce,

    /// <summary>Astigmatism far above the normal range.</summary>
    StrongAstigmatism,
}

/// <summary>One particle as placed in a simulated micrograph (pixels of the micrograph; RELION Euler angles).</summary>
public sealed record SimulatedParticle(int Index, double X, double Y, EulerAngles Angles, int Conformation, bool IsJunk);

/// <summary>Ground truth of one simulated movie.</summary>
public sealed record SimulatedMovie(
    string Name,
    CtfParameters Ctf,
    double IceThicknessA,
    MicrographDefect Defect,
    IReadOnlyList<ContaminationRegion> Regions,
    IReadOnlyList<SimulatedParticle> Particles,
    MotionModel Motion,
    float[] TruthImage,
    float[] BadRegionMask);

/// <summary>Everything that describes how a data set of movies is simulated (sizes in px, lengths in Å, dose in e/Å²).</summary>
public sealed record MovieSimulationOptions
{
    public int Width { get; init; } = 1024;
    public int Height { get; init; } = 1024;
    public double PixelSizeA { get; init; } = 1.5;
    public int Frames { get; init; } = 20;
    public double DosePerFrameEA2 { get; init; } = 2.0;
    public double VoltageKv { get; init; } = 300;
    public double SphericalAberrationMm { get; init; } = 2.7;
    public double AmplitudeContrast { get; init; } = 0.1;
    public double DefocusMinA { get; init; } = 8000;
    public double DefocusMaxA { get; init; } = 25000;
    public double AstigmatismMaxA { get; init; } = 800;
    public int ParticlesPerMicrograph { get; init; } = 40;
    public double ParticleDiameterA { get; init; } = 120;
    public double JunkFraction { get; init; } = 0.1;

    /// <summary>Fraction of particles drawn near the top view (tilt &lt; 20°) instead of uniformly.</summary>
    public double PreferredOrientationFraction { get; init; }

    public double IceThicknessMinA { get; init; } = 250;
    public double IceThicknessMaxA { get; init; } = 450;
    public double IceGradientFraction { get; init; } = 0.2;

    /// <summary>Structural phase noise of the ice relative to amorphous water (<see cref="AmorphousIce"/>; 1 physical, 0 none).</summary>
    public double IceStructureScale { get; init; } = 1.0;

    /// <summary>
    /// Draw the particles against the ice they displace (<see cref="Phantoms.AtomicDensity"/>): about a third of the
    /// vacuum contrast at low resolution, as in real micrographs. Read by <see cref="Output.SimulationWriter"/>, which
    /// builds the maps; a <see cref="MovieSimulator"/> draws the maps it is given.
    /// </summary>
    public bool ParticlesInIce { get; init; } = true;

    public double CarbonProbability { get; init; } = 0.25;

    /// <summary>Diameter of the support film's holes (Å); 12,000 for Quantifoil R1.2/1.3.</summary>
    public double HoleDiameterA { get; init; } = 12000;

    public double MeanIceCrystals { get; init; } = 0.5;
    public double MeanAggregates { get; init; } = 0.5;
    public double DriftA { get; init; } = 6;
    public double LocalMotionA { get; init; } = 1.5;
    public bool RadiationDamage { get; init; } = true;

    /// <summary>CTF envelope B-factor (Å²; RELION's rlnCtfBfactor, exp(−B s²/4)) standing in for partial coherence and drift within frames.</summary>
    public double EnvelopeBFactorA2 { get; init; } = 40;

    /// <summary>Fraction of micrographs given one of the <see cref="MicrographDefect"/>s at random.</summary>
    public double BadMicrographFraction { get; init; }

    public double ParticleRadiusPx => ParticleDiameterA / 2 / PixelSizeA;
}

/// <summary>
/// Simulates movies with complete ground truth: particles of one or more conformations (plus junk fragments) at
/// random non-overlapping positions and orientations, contamination, ice, a per-micrograph CTF, beam-induced motion,
/// damage and a counting camera (see <see cref="SpecimenComposer"/> and <see cref="MovieRenderer"/>).
/// </summary>
public sealed class MovieSimulator
{
    private readonly MovieSimulationOptions _options;
    private readonly SpecimenComposer _composer;
    private readonly IFftBackend _fft;
    private readonly int _conformations;
    private readonly bool _hasJunkModel;

    /// <param name="models">Conformation maps followed, optionally, by one junk-fragment map (<paramref name="lastModelIsJunk"/>); all cubic of one size and pixel size equal to the micrographs'.</param>
    public MovieSimulator(MovieSimulationOptions options, IReadOnlyList<Volume> models, bool lastModelIsJunk, IFftBackend fft)
    {
        if (models.Count == 0 || (lastModelIsJunk && models.Count < 2))
            throw new InvalidParameterException("models", "at least one conformation map is needed.");
        if (models.Any(m => Math.Abs(m.PixelSizeA - options.PixelSizeA) > 1e-6 * options.PixelSizeA))
            throw new InvalidParameterException("models", $"maps must have the micrographs' pixel size {options.PixelSizeA} Å.");
        _options = options;
        _fft = fft;
        _hasJunkModel = lastModelIsJunk;
        _conformations = lastModelIsJunk ? models.Count - 1 : models.Count;
        _composer = new SpecimenComposer(models.Select(m => new FourierProjector(m, fft)).ToArray(), fft);
    }

    /// <summary>Simulates one movie, handing raw frames to <paramref name="frameSink"/>; returns its ground truth.</summary>
    public SimulatedMovie Simulate(string name, int seed, CameraModel camera, Action<int, ReadOnlySpan<float>> frameSink, int maxDegreeOfParallelism = -1)
    {
        var o = _options;
        var random = new Random(seed);
        var defect = random.NextDouble() < o.BadMicrographFraction ? (MicrographDefect)(1 + random.Next(4)) : MicrographDefect.None;
        var ctf = DrawCtf(random, defect);
        double ice = o.IceThicknessMinA + random.NextDouble() * (o.IceThicknessMaxA - o.IceThicknessMinA);
        if (defect == MicrographDefect.ThickIce)
            ice *= 4;
        // The thick-ice defect is partly crystalline (devitrified while freezing slowly) and, as the defect was designed,
        // three times as strongly structured, so that its ice ring stands out as in the micrographs one discards for it.
        var iceModel = new IceModel(ice, o.IceGradientFraction, o.IceStructureScale * (defect == MicrographDefect.ThickIce ? 3 : 1),
            defect == MicrographDefect.ThickIce ? 0.5 : 0);
        double radius = o.ParticleRadiusPx;
        var regions = Contamination.RandomRegions(o.Width, o.Height, random, radius, o.CarbonProbability, o.MeanIceCrystals, o.MeanAggregates,
            o.HoleDiameterA / 2 / o.PixelSizeA);
        var particles = defect == MicrographDefect.NoSignal ? [] : PlaceParticles(random);

        var projected = new float[o.Width * o.Height];
        _composer.AddParticles(projected, o.Width, o.Height,
            particles.Select(p => new PlacedParticle(p.X, p.Y, ToRotation(p.Angles), p.IsJunk ? _conformations : p.Conformation)).ToArray(),
            maxDegreeOfParallelism);
        Contamination.AddPotential(projected, o.Width, o.Height, regions, _composer.ParticleScale(), radius, random);
        _composer.AddIceStructure(projected, o.Width, o.Height, o.PixelSizeA, iceModel, SeedMixer.Derive(seed, 1));
        double phasePerUnit = ElectronScattering.PhasePerProjectedScattering(o.VoltageKv, o.PixelSizeA);
        for (int i = 0; i < projected.Length; i++)
            projected[i] *= (float)phasePerUnit;

        double drift = defect == MicrographDefect.HeavyDrift ? 40 * o.DriftA : o.DriftA;
        var motion = MotionModel.Random(o.Frames, o.Width, o.Height, drift / o.PixelSizeA, o.LocalMotionA / o.PixelSizeA, random);
        var exposure = new ExposureModel(defect == MicrographDefect.NoSignal ? o.DosePerFrameEA2 * 0.05 : o.DosePerFrameEA2, o.Frames, o.RadiationDamage);
        var ctfImage = CtfImage.HalfComplex(new CtfModel(ctf), new FftShape(o.Width, o.Height), o.PixelSizeA, maxDegreeOfParallelism: maxDegreeOfParallelism);
        var truth = new MovieRenderer(_fft).Render(projected, o.Width, o.Height, o.PixelSizeA, ctfImage, motion, camera, iceModel, exposure,
            SeedMixer.Derive(seed, 2), frameSink, maxDegreeOfParallelism);
        return new SimulatedMovie(name, ctf, ice, defect, regions, particles, motion, truth, Contamination.Mask(o.Width, o.Height, regions));
    }

    private CtfParameters DrawCtf(Random random, MicrographDefect defect)
    {
        var o = _options;
        var (astigmatismMin, astigmatismMax) = defect == MicrographDefect.StrongAstigmatism ? (4000.0, 6000.0) : (0.0, o.AstigmatismMaxA);
        return RandomCtf.Draw(random, o.VoltageKv, o.SphericalAberrationMm, o.AmplitudeContrast, o.DefocusMinA, o.DefocusMaxA,
            astigmatismMin, astigmatismMax, o.EnvelopeBFactorA2);
    }

    /// <summary>Dart throwing: centres at least one diameter apart and one radius inside the edges.</summary>
    private List<SimulatedParticle> PlaceParticles(Random random)
    {
        var o = _options;
        double radius = o.ParticleRadiusPx, minDistance2 = 4 * radius * radius;
        var placed = new List<SimulatedParticle>();
        for (int attempt = 0; placed.Count < o.ParticlesPerMicrograph && attempt < 200 * o.ParticlesPerMicrograph; attempt++)
        {
            double x = radius + random.NextDouble() * (o.Width - 2 * radius), y = radius + random.NextDouble() * (o.Height - 2 * radius);
            if (placed.Any(p => (p.X - x) * (p.X - x) + (p.Y - y) * (p.Y - y) < minDistance2))
                continue;
            bool junk = _hasJunkModel && random.NextDouble() < o.JunkFraction;
            var angles = random.NextDouble() < o.PreferredOrientationFraction
                ? new EulerAngles(random.NextDouble() * 360, Math.Abs(MotionModel.Gaussian(random)) * 10, random.NextDouble() * 360)
                : RandomRotations.NextEulerAngles(random);
            placed.Add(new SimulatedParticle(placed.Count, x, y, angles, junk ? -1 : random.Next(_conformations), junk));
        }
        return placed;
    }

    private static Rotation3f ToRotation(EulerAngles angles) => Rotation3f.FromMatrix(angles.ToMatrix());
}
