using System.Security.Cryptography;
using Concord.IO.Mrc;
using Concord.Protocols.Sets;
using Concord.Protocols.Tests.Infrastructure;
using Concord.Workflow;
using Concord.Workflow.Projects;
using Concord.Workflow.Running;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Tests;

[Collection(TinyProjectCollection.Name)]
public sealed class SimulateProtocolTests(TinyProject tiny)
{
    [Fact]
    public void Emits_movies_with_gain_and_truth_particles_with_poses_and_the_true_map()
    {
        var movies = tiny.Rows(EmKinds.Movie, "simulate.movies");
        Assert.Equal(["movie_001", "movie_002"], movies.Select(m => m.Key));
        foreach (var m in movies)
        {
            Assert.True(File.Exists(tiny.Project.Resolve(m.Row.Path)));
            Assert.NotNull(m.Row.GainPath);
            Assert.True(File.Exists(tiny.Project.Resolve(m.Row.TruthMotionPath!)));
            Assert.Equal((8, 2.5, 4.0), (m.Row.Frames, m.Row.PixelSizeA, m.Row.DosePerFrameEA2));
        }
        var particles = tiny.Rows(EmKinds.Particle, "simulate.particles");
        Assert.Equal(300, particles.Count);
        Assert.All(particles, p => Assert.True(p.Row.DefocusUA > 0 && p.Row.RandomSubset is 1 or 2 && p.Row.BoxPx == 40));
        Assert.Equal(Enumerable.Range(1, 300), particles.Select(p => p.Row.ImageNumber));
        Assert.True(particles.Select(p => p.Row.RotDeg).Distinct().Count() > 250, "poses are the simulated random ones");
        var map = Assert.Single(tiny.Rows(EmKinds.Volume, "simulate.truth_map"));
        Assert.Equal((40, 2.5), (map.Row.BoxPx, map.Row.PixelSizeA));
        var files = tiny.Rows(BuiltInKinds.File, "simulate.files").Select(f => f.Key).ToList();
        Assert.Contains("truth/coordinates.star", files);
        Assert.Contains("gain.mrc", files);
    }

    [Fact]
    public void Same_seed_gives_the_same_files_and_a_new_seed_a_new_run()
    {
        string root = Path.Combine(Path.GetTempPath(), "concord-sim-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            using var project = Project.Open(root, StageProtocols.Kinds, create: true);
            var runner = new Runner(project, StageProtocols.Registry(), new RunnerOptions(2));
            string Pipeline(int seed, string name) =>
                $"[[run]]\nname = \"{name}\"\nprotocol = \"simulate.preset\"\nparams = {{ preset = \"tiny\", seed = {seed}, movies = 1, particles = 20 }}\n";
            var a = runner.RunPipeline(PipelineParser.Parse(Pipeline(5, "a"), "a.toml"))[0];
            var b = runner.RunPipeline(PipelineParser.Parse(Pipeline(5, "b"), "b.toml"))[0];
            Assert.Equal(a.Id, b.Id);
            var c = runner.RunPipeline(PipelineParser.Parse(Pipeline(6, "c"), "c.toml"))[0];
            Assert.NotEqual(a.Id, c.Id);
            string Hash(RunInfo run, string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(project.Resolve($"{run.Folder}/extra/{file}"))));
            Assert.NotEqual(Hash(a, "Movies/movie_001.mrcs"), Hash(c, "Movies/movie_001.mrcs"));
            // Rerun from scratch in a second project with the same seed: byte-identical movie and stack.
            string root2 = root + "_2";
            using (var second = Project.Open(root2, StageProtocols.Kinds, create: true))
            {
                var d = new Runner(second, StageProtocols.Registry(), new RunnerOptions(2)).RunPipeline(PipelineParser.Parse(Pipeline(5, "a"), "a.toml"))[0];
                var differing = new[] { "truth/map.mrc", "Particles/particles.mrcs", "particles.star", "gain.mrc", "truth/coordinates.star" }
                    .Where(file => Hash(a, file) != Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(second.Resolve($"{d.Folder}/extra/{file}"))))).ToList();
                Assert.Empty(differing);
                // Movies: counts are Poisson draws of float intensities; when FFTW reuses plans measured earlier in the
                // process (wisdom), last-bit differences can move a draw across a count boundary. Measured: 2 of
                // 524,288 pixels by 1 count. Allow that, nothing more.
                using var movieA = MrcReader.Open(project.Resolve($"{a.Folder}/extra/Movies/movie_001.mrcs"));
                using var movieD = MrcReader.Open(second.Resolve($"{d.Folder}/extra/Movies/movie_001.mrcs"));
                using var framesA = movieA.ReadStack();
                using var framesD = movieD.ReadStack();
                var diff = framesA.Span.ToArray().Zip(framesD.Span.ToArray(), (x, y) => Math.Abs(x - y)).Where(x => x > 0).ToList();
                Assert.True(diff.Count <= framesA.Span.Length / 10_000 && diff.All(x => x <= 1), $"{diff.Count} pixels differ, by up to {diff.DefaultIfEmpty().Max()}");
            }
            Directory.Delete(root2, recursive: true);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void An_unknown_preset_is_refused_before_anything_runs()
    {
        var e = Assert.Throws<PipelineValidationException>(() => Planner.Plan(
            PipelineParser.Parse("[[run]]\nname = \"s\"\nprotocol = \"simulate.preset\"\nparams = { preset = \"huge\" }\n", "p.toml"), StageProtocols.Registry(), null));
        Assert.Contains("unknown preset 'huge'", e.Message, StringComparison.Ordinal);
    }
}
