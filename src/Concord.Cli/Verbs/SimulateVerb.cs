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
        var command = new Command("simulate", """
            Simulate a cryo-EM data set with complete ground truth, in RELION's formats: maps (truth/*.mrc), a particle
            stack with poses and CTFs (particles.star, Particles/particles.mrcs), raw movies with a gain reference
            (movies.star, Movies/, gain.mrc) and truth tables (truth/micrographs.star, coordinates.star, motion/).
            Presets: tiny (a few seconds), small (the demo's data), virus (an icosahedral capsid, I2).

            Examples:
              concord simulate --preset tiny --out sim_tiny
              concord simulate --preset virus --out sim_virus --seed 7 --no-movies --json
            """)
        { preset, output, seed, noMovies, noStack };
        VerbAction.Bind(command, global, stdout, stderr, (parse, ctx) =>
        {
            var chosen = SimulationPreset.Get(parse.GetValue(preset)!);
            using var fft = FftBackends.CreateDeterministic(ctx.Threads);
            var summary = ctx.WithProgress($"simulate {chosen.Name}", progress =>
                SimulationWriter.Run(chosen, parse.GetValue(output)!, parse.GetValue(seed), fft, ctx.Threads, progress,
                    writeMovies: !parse.GetValue(noMovies), writeStack: !parse.GetValue(noStack)));
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
