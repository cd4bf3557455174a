using Concord.Simulation.Movies;
using Concord.Simulation.Stacks;

namespace Concord.Simulation.Presets;

/// <summary>Which built-in molecule a preset simulates.</summary>
public enum PhantomKind
{
    /// <summary>An asymmetric protein-like fold (C1).</summary>
    Fold,

    /// <summary>Two conformations of one fold (a hinge motion), for 3D classification.</summary>
    TwoConformations,

    /// <summary>An icosahedral capsid-like particle (I2 setting), for symmetry.</summary>
    Capsid,
}

/// <summary>The molecule of a preset: what it is, its size and the box it is sampled in.</summary>
/// <param name="Residues">Residues of the fold (of one subunit for a capsid).</param>
/// <param name="BoxSize">Cubic box of the maps, in pixels (at the micrographs' pixel size).</param>
/// <param name="HingeAngleDeg">Opening angle of the second conformation.</param>
/// <param name="ShellRadiusA">Capsid radius.</param>
/// <param name="Symmetry">Point group of the capsid (RELION name).</param>
/// <param name="ModelPath">A PDB or mmCIF file to simulate instead of the built-in molecule (null for the built-in).</param>
public sealed record PhantomSpec(PhantomKind Kind, int Residues, int BoxSize, int Seed = 17, double HingeAngleDeg = 25, double ShellRadiusA = 90, string Symmetry = "I2",
    string? ModelPath = null);

/// <summary>A named, complete description of a simulated data set: the molecule, the movies and a particle stack.</summary>
/// <param name="MovieCount">Number of movies (0 for none).</param>
/// <param name="Stack">Particle stack simulated directly (null for none).</param>
public sealed record SimulationPreset(string Name, string Description, PhantomSpec Phantom, MovieSimulationOptions Movies, int MovieCount, ParticleStackOptions? Stack)
{
    /// <summary>The built-in presets: tiny (tests, seconds), small (the demo), virus (icosahedral, EMPIAR-10010-like at reduced size).</summary>
    public static IReadOnlyList<SimulationPreset> BuiltIn { get; } =
    [
        new("tiny", "seconds: 2 short 256² movies and 300 particles of a small fold, for tests (particles at vacuum contrast)",
            new PhantomSpec(PhantomKind.Fold, Residues: 160, BoxSize: 40),
            new MovieSimulationOptions
            {
                Width = 256, Height = 256, PixelSizeA = 2.5, Frames = 8, DosePerFrameEA2 = 4, ParticlesPerMicrograph = 12,
                ParticleDiameterA = 70, DriftA = 5, LocalMotionA = 1, MeanAggregates = 0.3, MeanIceCrystals = 0.3, CarbonProbability = 0.2,
                // A 17 kDa fold on a 256² field at 32 e/Å² is invisible against the ice it displaces, as in real data;
                // the tests' picking and extraction on this preset need particles they can find, so vacuum contrast.
                ParticlesInIce = false,
            },
            MovieCount: 2,
            new ParticleStackOptions { Count = 300, BoxSize = 40, PixelSizeA = 2.5, Snr = 0.2 }),
        new("small", "the demo: 6 movies 1024² × 16 frames with junk and contamination, and 3,000 particles",
            new PhantomSpec(PhantomKind.Fold, Residues: 360, BoxSize: 64),
            new MovieSimulationOptions
            {
                Width = 1024, Height = 1024, PixelSizeA = 1.5, Frames = 16, DosePerFrameEA2 = 2.5, ParticlesPerMicrograph = 60,
                ParticleDiameterA = 80, JunkFraction = 0.1, BadMicrographFraction = 0.15,
            },
            MovieCount: 6,
            new ParticleStackOptions { Count = 3000, BoxSize = 64, PixelSizeA = 1.5, Snr = 0.05, JunkFraction = 0.05 }),
        new("virus", "icosahedral capsid (I2) like EMPIAR-10010 at reduced size: 4 movies 1024² and 2,000 particles",
            new PhantomSpec(PhantomKind.Capsid, Residues: 80, BoxSize: 96, ShellRadiusA: 95),
            new MovieSimulationOptions
            {
                Width = 1024, Height = 1024, PixelSizeA = 2.5, Frames = 16, DosePerFrameEA2 = 2.5, ParticlesPerMicrograph = 20,
                ParticleDiameterA = 230, JunkFraction = 0.05,
            },
            MovieCount: 4,
            new ParticleStackOptions { Count = 2000, BoxSize = 96, PixelSizeA = 2.5, Snr = 0.05 }),
    ];

    /// <summary>This preset with the given overrides (null keeps the preset's value); absurd values are rejected.</summary>
    public SimulationPreset With(int? movies = null, int? particles = null, int? frames = null, double? dosePerFrameEA2 = null, double? snr = null,
        double? badFraction = null)
    {
        if (movies is < 0 or > 100_000)
            throw new Core.InvalidParameterException("--movies", $"must be 0–100000, got {movies}.");
        if (particles is < 1 or > 10_000_000)
            throw new Core.InvalidParameterException("--particles", $"must be 1–10000000, got {particles}.");
        if (frames is < 1 or > 1000)
            throw new Core.InvalidParameterException("--frames", $"must be 1–1000, got {frames}.");
        if (dosePerFrameEA2 is { } d && !(d > 0 && d < 1000))
            throw new Core.InvalidParameterException("--dose-per-frame", $"must be a positive number of e/Å² below 1000, got {d}.");
        if (snr is { } q && !(q >= 0 && double.IsFinite(q)))
            throw new Core.InvalidParameterException("--snr", $"must be ≥ 0 (0 for noiseless), got {q}.");
        if (badFraction is { } b && !(b >= 0 && b <= 1))
            throw new Core.InvalidParameterException("--bad-fraction", $"must be between 0 and 1, got {b}.");
        var m = Movies with
        {
            Frames = frames ?? Movies.Frames,
            DosePerFrameEA2 = dosePerFrameEA2 ?? Movies.DosePerFrameEA2,
            BadMicrographFraction = badFraction ?? Movies.BadMicrographFraction,
        };
        var stack = Stack is null ? null : Stack with { Count = particles ?? Stack.Count, Snr = snr ?? Stack.Snr };
        return this with { Movies = m, MovieCount = movies ?? MovieCount, Stack = stack };
    }

    /// <summary>
    /// This preset simulating the atoms of <paramref name="modelPath"/> (PDB/mmCIF): the particle diameter follows the
    /// model, and a model that does not fit the preset's box is refused with the size it needs.
    /// </summary>
    public SimulationPreset WithModel(string modelPath)
    {
        var model = IO.Atoms.AtomFileReader.Read(modelPath);
        double diameterA = 2 * model.Radius() + 10;
        double boxA = Phantom.BoxSize * Movies.PixelSizeA;
        if (diameterA > 0.95 * boxA)
            throw new Core.InvalidParameterException("--model", $"{modelPath} is {diameterA:F0} Å across, more than the {boxA:F0} Å box of preset '{Name}'; use a preset with a larger box (virus: {BuiltIn[2].Phantom.BoxSize * BuiltIn[2].Movies.PixelSizeA:F0} Å).");
        return this with
        {
            Phantom = Phantom with { ModelPath = modelPath, Kind = PhantomKind.Fold },
            Movies = Movies with { ParticleDiameterA = diameterA },
        };
    }

    /// <summary>The preset called <paramref name="name"/> (case-insensitive), or an error listing the names.</summary>
    public static SimulationPreset Get(string name) =>
        BuiltIn.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new Core.InvalidParameterException("--preset", $"unknown preset '{name}'; choose one of {string.Join(", ", BuiltIn.Select(p => p.Name))}.");
}
