using System.CommandLine;
using Concord.Core.Fourier;
using Concord.Simulation.Output;
using Concord.Simulation.Presets;

namespace Concord.Cli.Verbs;

/// <summary>`concord simulate`: a data set with ground truth from a built-in preset (tiny, small, virus).</summary>
public sealed class SimulateVerb : IVerb
{
    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var preset = new Option<string>("--preset") { Description = "tiny (seconds, tests), small (the demo), virus (icosahedral).", DefaultValueFactory = _ => "tiny" };
        var output = new Option<string>("--out", "-o") { Description = "Output folder (created).", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed gives bit-identical files.", DefaultValueFactory = _ => 1 };
        var noMovies = new Option<bool>("--no-movies") { Description = "Skip the movies (particle stack and maps only)." };
        var noStack = new Option<bool>("--no-stack") { Description = "Skip the particle stack (movies and maps only)." };
        var tiff = new Option<bool>("--tiff") { Description = "Write movies as LZW-compressed 16-bit TIFF instead of int16 MRC." };
        var movies = new Option<int?>("--movies") { Description = "Override: number of movies." };
        var particles = new Option<int?>("--particles") { Description = "Override: number of particles in the stack." };
        var frames = new Option<int?>("--frames") { Description = "Override: frames per movie." };
        var dose = new Option<double?>("--dose-per-frame") { Description = "Override: e/Å² per frame." };
        var snr = new Option<double?>("--snr") { Description = "Override: SNR of the particle stack." };
        var bad = new Option<double?>("--bad-fraction") { Description = "Override: fraction of micrographs made bad on purpose (0–1)." };
        var model = new Option<string?>("--model") { Description = "Simulate this PDB/mmCIF model instead of the preset's molecule (Peng 1996 potentials, B-factors from the file)." };
        var command = new Command("simulate", """
            Simulate a cryo-EM data set with complete ground truth, in RELION's formats: maps (truth/*.mrc), a particle
            stack with poses and CTFs (particles.star, Particles/particles.mrcs), raw movies with a gain reference
            (movies.star, Movies/, gain.mrc) and truth tables (truth/micrographs.star, coordinates.star, motion/).
            Presets: tiny (a few seconds), small (the demo's data), virus (an icosahedral capsid, I2).

            Examples:
              concord simulate --preset tiny --out sim_tiny
              concord simulate --preset virus --out sim_virus --seed 7 --no-movies --json
              concord simulate --preset small --out sim_bad --movies 20 --bad-fraction 0.3 --tiff
              concord simulate --preset small --out sim_pdb --model 1abc.cif
            """)
        { preset, output, seed, noMovies, noStack, tiff, movies, particles, frames, dose, snr, bad, model };
        VerbAction.Bind(command, global, stdout, stderr, (parse, ctx) =>
        {
            var chosen = SimulationPreset.Get(parse.GetValue(preset)!).With(parse.GetValue(movies), parse.GetValue(particles), parse.GetValue(frames),
                parse.GetValue(dose), parse.GetValue(snr), parse.GetValue(bad));
            if (parse.GetValue(model) is { } modelPath)
                chosen = chosen.WithModel(modelPath);
            using var fft = FftBackends.CreateDeterministic(ctx.Threads);
            var summary = ctx.WithProgress($"simulate {chosen.Name}", progress =>
                SimulationWriter.Run(chosen, parse.GetValue(output)!, parse.GetValue(seed), fft, ctx.Threads, progress,
                    writeMovies: !parse.GetValue(noMovies), writeStack: !parse.GetValue(noStack), tiffMovies: parse.GetValue(tiff)));
            ctx.WriteJsonSummary(summary);
            if (!ctx.Json)
            {
                ctx.Say($"preset {summary.Preset}, seed {summary.Seed}: {summary.Particles} particles, {summary.Movies} movies in {summary.Seconds:F1} s");
                foreach (var map in summary.Maps)
                    ctx.Say($"  truth map   {map}");
                if (summary.ParticlesStar is not null)
                    ctx.Say($"  particles   {summary.ParticlesStar}");
                if (summary.MoviesStar is not null)
                    ctx.Say($"  movies      {summary.MoviesStar} (gain {summary.GainReference})");
            }
            return VerbAction.Success;
        });
        return command;
    }
}
