using Concord.IO.Mrc;

namespace Concord.Cli.Tests;

/// <summary>simulate → reconstruct → fsc on the tiny preset: exit codes and files written (the demo: DemoVerbTests).</summary>
public sealed class PipelineVerbTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("concord-cli-pipeline-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    [Fact]
    public void Simulate_reconstruct_and_fsc_write_their_files()
    {
        Assert.Equal(0, CliHarness.Run("simulate", "--preset", "tiny", "--out", P("sim"), "--no-movies").ExitCode);
        Assert.True(File.Exists(P("sim/particles.star")));
        Assert.True(File.Exists(P("sim/Particles/particles.mrcs")));
        Assert.True(File.Exists(P("sim/truth/map.mrc")));
        Assert.False(Directory.Exists(P("sim/Movies")));

        Assert.Equal(0, CliHarness.Run("reconstruct", P("sim/particles.star"), "-o", P("rec.mrc"), "--halves").ExitCode);
        foreach (var f in new[] { "rec.mrc", "rec_half1.mrc", "rec_half2.mrc", "rec_fsc.star", "rec_fsc.png" })
            Assert.True(File.Exists(P(f)), f);
        using (var reader = MrcReader.Open(P("rec.mrc")))
            Assert.Equal((40, 40, 40), (reader.Width, reader.Height, reader.Depth));

        var fsc = CliHarness.Run("fsc", P("rec.mrc"), P("sim/truth/map.mrc"), "-o", P("vs_truth"), "--json");
        Assert.Equal(0, fsc.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(fsc.Stdout);
        // 300 particles at SNR 0.2, 2.5 Å/px: the map must agree with the truth to better than 12 Å at FSC 0.5.
        Assert.InRange(json.RootElement.GetProperty("resolutionAt05A").GetDouble(), 5.0, 12);
        Assert.True(File.Exists(P("vs_truth.png")));
    }

    [Fact]
    public void Simulate_is_bit_identical_for_the_same_seed()
    {
        Assert.Equal(0, CliHarness.Run("simulate", "--preset", "tiny", "--out", P("a"), "--seed", "3").ExitCode);
        Assert.Equal(0, CliHarness.Run("simulate", "--preset", "tiny", "--out", P("b"), "--seed", "3", "--threads", "1").ExitCode);
        foreach (var f in new[] { "particles.star", "Particles/particles.mrcs", "Movies/movie_001.mrcs", "gain.mrc", "truth/coordinates.star", "truth/micrographs.star" })
            Assert.Equal(File.ReadAllBytes(P("a/" + f)), File.ReadAllBytes(P("b/" + f)));
    }

    [Fact]
    public void Simulate_writes_tiff_movies_overrides_and_local_motion_truth()
    {
        Assert.Equal(0, CliHarness.Run("simulate", "--preset", "tiny", "--out", P("t"), "--tiff", "--movies", "1", "--frames", "3", "--particles", "20").ExitCode);
        var info = Concord.IO.Tiff.TiffMovie.ReadInfo(P("t/Movies/movie_001.tif"));
        Assert.Equal((256, 256, 3), (info.Width, info.Height, info.FrameCount));
        Assert.False(File.Exists(P("t/Movies/movie_002.tif")));
        var motion = Concord.IO.Star.StarReader.Read(P("t/truth/motion/movie_001.star"));
        Assert.Equal(3, motion.Require("global_shift").RequireLoop().RowCount);
        Assert.Equal(3 * 25, motion.Require("local_shift").RequireLoop().RowCount);
        Assert.Equal(20, Concord.IO.Relion.RelionParticles.Read(P("t/particles.star")).Particles.Count);
        Assert.Equal(VerbAction.BadInput, CliHarness.Run("simulate", "--preset", "tiny", "--out", P("u"), "--frames", "0").ExitCode);
    }

    [Fact]
    public void Simulate_from_a_pdb_model_uses_its_atoms()
    {
        var atoms = Concord.Simulation.Phantoms.ProteinFold.Build(residues: 60, seed: 9).Atoms;
        var lines = atoms.Select((a, i) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"ATOM  {i + 1,5} {a.AtomName,-4} ALA A{a.ResidueNumber,4}    {a.X,8:F3}{a.Y,8:F3}{a.Z,8:F3}{1.0,6:F2}{a.BFactorA2,6:F2}          {a.Element,2}"));
        File.WriteAllLines(P("m.pdb"), lines);
        Assert.Equal(0, CliHarness.Run("simulate", "--preset", "tiny", "--out", P("pdb"), "--model", P("m.pdb"), "--no-movies").ExitCode);
        using var reader = MrcReader.Open(P("pdb/truth/map.mrc"));
        using var map = reader.ReadVolume();
        // The map holds the model's scattering: Σ f(0) over its atoms (C 2.51, N 2.21, O 1.98 Å), as the phantom tests pin.
        double expected = atoms.Sum(a => Concord.Simulation.Phantoms.ScatteringFactors.For(a.Element).Forward);
        Assert.Equal(expected, map.Span.ToArray().Sum(v => (double)v), expected * 0.01);
        Assert.Equal(VerbAction.BadInput, CliHarness.Run("simulate", "--preset", "tiny", "--out", P("x"), "--model", P("missing.pdb")).ExitCode);
    }

    [Theory]
    [InlineData("simulate", "--preset", "nope", "--out", "x")]
    [InlineData("reconstruct", "missing.star", "-o", "x.mrc")]
    [InlineData("fsc", "missing_a.mrc", "missing_b.mrc")]
    public void Bad_input_is_a_clear_error(params string[] args)
    {
        var result = CliHarness.Run(args);
        Assert.Equal(VerbAction.BadInput, result.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(result.Stderr));
    }
}
