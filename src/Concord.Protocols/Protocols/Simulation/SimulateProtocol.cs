using Concord.Core.Fourier;
using Concord.IO.Relion;
using Concord.Protocols.Sets;
using Concord.Simulation.Output;
using Concord.Simulation.Presets;
using Concord.Workflow.Protocols;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Protocols.Simulation;

/// <summary>Parameters of <see cref="SimulateProtocol"/>.</summary>
public sealed record SimulateParameters : ProtocolParameters
{
    [Param("Preset", "Built-in data set: tiny (seconds), small (the demo, about a minute), virus (icosahedral).")]
    public string Preset { get; init; } = "tiny";

    [Param("Seed", "Random seed; the same seed and thread count give the same files.", Min = 0, Max = int.MaxValue)]
    public int Seed { get; init; } = 1;

    [Param("Movies", "Number of movies (0: the preset's).", Min = 0, Max = 100_000)]
    public int Movies { get; init; }

    [Param("Particles", "Number of particles in the stack (0: the preset's).", Min = 0, Max = 10_000_000)]
    public int Particles { get; init; }

    public override IEnumerable<ParameterError> Validate()
    {
        foreach (var e in base.Validate())
            yield return e;
        if (!SimulationPreset.BuiltIn.Any(p => string.Equals(p.Name, Preset, StringComparison.OrdinalIgnoreCase)))
            yield return new ParameterError("preset", $"unknown preset '{Preset}'; choose one of {string.Join(", ", SimulationPreset.BuiltIn.Select(p => p.Name))}.");
    }

    /// <summary>The preset with this record's overrides applied.</summary>
    public SimulationPreset Resolve() =>
        SimulationPreset.Get(Preset).With(movies: Movies > 0 ? Movies : null, particles: Particles > 0 ? Particles : null);
}

/// <summary>
/// Simulates a data set with ground truth (<see cref="SimulationWriter"/>) into the run's extra/ folder and exposes it
/// as sets: raw movies (with their gain reference and true trajectories), the particle stack with its known poses and
/// CTFs, the true map, and every written file (truth tables, masks, the original STAR files).
/// </summary>
public sealed class SimulateProtocol : Protocol<SimulateParameters>
{
    public static OutputPort<MovieRow> Movies { get; } = new("movies", EmKinds.Movie, "raw movies (int16 counts) with gain and true trajectories");
    public static OutputPort<ParticleRow> Particles { get; } = new("particles", EmKinds.Particle, "particle images with their true poses, CTFs and half-sets");
    public static OutputPort<VolumeRow> TruthMap { get; } = new("truth_map", EmKinds.Volume, "the true map(s), one per conformation");
    public static OutputPort<FileRow> Files { get; } = new("files", BuiltInKinds.File, "every file written, keyed by its path under extra/");

    public override string Name => "simulate.preset";
    public override string Summary => "Simulate movies, a particle stack and the true map of a preset, with ground truth (seeded).";
    public override IReadOnlyList<InputPort> Inputs => [];
    public override IReadOnlyList<OutputPort> Outputs => [Movies, Particles, TruthMap, Files];

    protected override IReadOnlyList<Step> Steps(SimulateParameters parameters) =>
    [
        new SetStep("simulate", context => Simulate(parameters, context)),
    ];

    private static void Simulate(SimulateParameters parameters, StepContext context)
    {
        var preset = parameters.Resolve();
        string scratch = context.NewScratchFolder();
        SimulationSummary summary;
        // Deterministic FFT plans: the promise is "same seed, same files".
        using (var fft = FftBackends.CreateDeterministic(context.Threads))
            summary = SimulationWriter.Run(preset, scratch, parameters.Seed, fft, context.Threads);
        var particles = summary.ParticlesStar is null ? null : RelionParticles.Read(summary.ParticlesStar);
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(scratch, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(scratch, file).Replace(Path.DirectorySeparatorChar, '/');
            var pending = context.NewFile(relative);
            var size = new FileInfo(file).Length;
            File.Move(file, pending.TempPath);
            kept[relative] = pending.RelativePath;
            context.Emit(Files, relative, new FileRow(pending.RelativePath, size));
        }
        EmitMovies(preset, kept, context);
        if (particles is not null)
            EmitParticles(particles, kept, context);
        foreach (var map in summary.Maps)
        {
            string relative = Path.GetRelativePath(scratch, map).Replace(Path.DirectorySeparatorChar, '/');
            context.Emit(TruthMap, Path.GetFileNameWithoutExtension(map), new VolumeRow(kept[relative], preset.Movies.PixelSizeA, preset.Phantom.BoxSize));
        }
        context.Report("simulation", new { preset = preset.Name, seed = parameters.Seed, movies = summary.Movies, particles = summary.Particles, maps = summary.Maps.Count });
        context.Log($"simulated {preset.Name}: {summary.Movies} movies, {summary.Particles} particles");
    }

    private static void EmitMovies(SimulationPreset preset, Dictionary<string, string> kept, StepContext context)
    {
        var o = preset.Movies;
        string? gain = kept.GetValueOrDefault("gain.mrc");
        foreach (var (relative, path) in kept.Where(kv => kv.Key.StartsWith("Movies/", StringComparison.Ordinal)))
        {
            string name = Path.GetFileNameWithoutExtension(relative);
            context.Emit(Movies, name, new MovieRow(path, gain, kept.GetValueOrDefault($"truth/motion/{name}.star"), o.PixelSizeA, o.Frames,
                o.DosePerFrameEA2, o.VoltageKv, o.SphericalAberrationMm, o.AmplitudeContrast, OpticsGroup: 1));
        }
    }

    private static void EmitParticles(ParticleSet set, Dictionary<string, string> kept, StepContext context)
    {
        foreach (var p in set.Particles)
        {
            var optics = set.GroupOf(p);
            string path = kept.GetValueOrDefault(p.Image.Path)
                ?? throw new FileNotFoundException($"simulate: particles.star names {p.Image.Path}, which the simulation did not write.");
            var row = ParticleRows.FromRecord(p with { Image = p.Image with { Path = path } }, optics, micrographName: null, xPx: null, yPx: null);
            context.Emit(Particles, ParticleRows.Key(p.Image.Number ?? 1), row);
        }
    }
}
