using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.IO.Mrc;
using Concord.IO.Relion;
using Concord.IO.Star;
using Concord.Simulation.Movies;
using Concord.Simulation.Presets;

namespace Concord.Cli.Tests.Interop;

/// <summary>
/// Two simulated micrographs whose particles have known centres and poses (the simulator keeps both), one conformation
/// and no junk, written as MRC with the true coordinates and a CTF STAR, once per test class.
/// </summary>
public sealed class PosedMicrographsFixture : IDisposable
{
    public const int Size = 1024, Box = 64;
    public const double PixelSizeA = 1.5;

    public PosedMicrographsFixture()
    {
        Dir = Directory.CreateTempSubdirectory("concord-extract-relion-").FullName;
        var (models, _) = PresetPhantoms.Models(new PhantomSpec(PhantomKind.Fold, Residues: 360, BoxSize: Box));
        using var map = PresetPhantoms.Maps([models[0]], Box, PixelSizeA)[0];
        MrcWriter.Write(Path.Combine(Dir, "truth.mrc"), map);
        using var fft = FftBackends.CreateDeterministic();
        var options = new MovieSimulationOptions
        {
            Width = Size,
            Height = Size,
            PixelSizeA = PixelSizeA,
            Frames = 2,
            DosePerFrameEA2 = 20,
            ParticlesPerMicrograph = 170,
            ParticleDiameterA = 80,
            JunkFraction = 0,
            DriftA = 0,
            LocalMotionA = 0,
            CarbonProbability = 0,
            MeanIceCrystals = 0,
            MeanAggregates = 0,
            BadMicrographFraction = 0,
        };
        var simulator = new MovieSimulator(options, [map], lastModelIsJunk: false, fft);
        var coordinates = new StarTable([StarLabels.MicrographName, StarLabels.CoordinateX, StarLabels.CoordinateY]);
        var ctf = new StarTable([StarLabels.MicrographName, StarLabels.DefocusU, StarLabels.DefocusV, StarLabels.DefocusAngle]);
        double voltage = 0, cs = 0, q = 0;
        foreach (int seed in new[] { 11, 12 })
        {
            var sum = new float[Size * Size];
            var truth = simulator.Simulate($"mic{seed}", seed, CameraModel.Ideal(Size, Size), (_, frame) =>
            {
                for (int i = 0; i < sum.Length; i++)
                    sum[i] += frame[i];
            });
            string name = $"mic{seed}.mrc";
            using (var image = Image2D.FromPixels(Size, Size, sum, PixelSizeA))
                MrcWriter.Write(Path.Combine(Dir, name), image);
            Micrographs.Add(name);
            foreach (var p in truth.Particles)
            {
                coordinates.AddRow(name, F(p.X), F(p.Y));
                Poses[(name, F(p.X), F(p.Y))] = p;
            }
            ctf.AddRow(name, F(truth.Ctf.DefocusUA), F(truth.Ctf.DefocusVA), F(truth.Ctf.DefocusAngleDeg));
            (voltage, cs, q) = (truth.Ctf.VoltageKv, truth.Ctf.SphericalAberrationMm, truth.Ctf.AmplitudeContrast);
        }
        Write("coordinates.star", ("coordinates", coordinates));
        var optics = new StarTable([StarLabels.OpticsGroupName, StarLabels.OpticsGroup, StarLabels.MicrographPixelSize, StarLabels.Voltage,
            StarLabels.SphericalAberration, StarLabels.AmplitudeContrast]);
        optics.AddRow("opticsGroup1", "1", F(PixelSizeA), F(voltage), F(cs), F(q));
        Write("micrographs_ctf.star", ("optics", optics), ("micrographs", ctf));
    }

    public string Dir { get; }

    /// <summary>Micrograph file names, relative to <see cref="Dir"/> (RELION's project folder).</summary>
    public List<string> Micrographs { get; } = [];

    /// <summary>The simulated particle by (micrograph, rlnCoordinateX, rlnCoordinateY) as written in coordinates.star.</summary>
    public Dictionary<(string, string, string), SimulatedParticle> Poses { get; } = [];

    public static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    private void Write(string name, params (string Block, StarTable Table)[] blocks)
    {
        var document = new StarDocument();
        foreach (var (block, table) in blocks)
            document.Add(block).Loops.Add(table);
        StarWriter.Write(Path.Combine(Dir, name), document);
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

/// <summary>
/// RELION reads what <c>concord extract</c> writes: the particle STAR's conventions (rlnImageName NNNNNN@stack.mrcs,
/// one optics group with the extracted pixel size and box, rlnMicrographName, balanced half-sets) without RELION, and
/// with RELION: relion_image_handler reads every stack with the right size and pixel size, and relion_reconstruct on
/// the STAR (true poses joined in) gives the true map.
/// </summary>
public sealed partial class RelionExtractInteropTests(PosedMicrographsFixture mics, Xunit.Abstractions.ITestOutputHelper output)
    : IClassFixture<PosedMicrographsFixture>
{
    private string Extract(string name, params string[] extra)
    {
        string dir = Path.Combine(mics.Dir, name);
        var result = CliHarness.Run(["extract", .. mics.Micrographs.Select(m => Path.Combine(mics.Dir, m)), "--coordinates",
            Path.Combine(mics.Dir, "coordinates.star"), "--ctf", Path.Combine(mics.Dir, "micrographs_ctf.star"), "--box",
            PosedMicrographsFixture.Box.ToString(CultureInfo.InvariantCulture), "--invert", "-o", dir, .. extra]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return Path.Combine(dir, "particles.star");
    }

    [Fact]
    public void Extracted_star_follows_relion_conventions_and_draws_balanced_seeded_half_sets()
    {
        string star = Extract("conventions");
        var document = StarReader.Read(star);
        var optics = document.Require("optics").RequireLoop(star);
        Assert.Equal(1, optics.RowCount);
        Assert.Equal(PosedMicrographsFixture.PixelSizeA, optics.GetDouble(0, StarLabels.ImagePixelSize), 6);
        Assert.Equal(PosedMicrographsFixture.Box, optics.GetInt(0, StarLabels.ImageSize));
        Assert.Equal(2, optics.GetInt(0, StarLabels.ImageDimensionality));
        var table = document.Require("particles").RequireLoop(star);
        var subsets = new List<int>();
        for (int r = 0; r < table.RowCount; r++)
        {
            Assert.Matches(ImageName(), table.GetString(r, StarLabels.ImageName));
            Assert.Contains(Path.GetFileName(table.GetString(r, StarLabels.MicrographName)), mics.Micrographs);
            Assert.Equal(1, table.GetInt(r, StarLabels.OpticsGroup));
            subsets.Add(table.GetInt(r, StarLabels.RandomSubset));
        }
        Assert.All(subsets, s => Assert.True(s is 1 or 2));
        Assert.True(Math.Abs(subsets.Count(s => s == 1) - subsets.Count(s => s == 2)) <= 1, $"{subsets.Count(s => s == 1)} vs {subsets.Count(s => s == 2)}");
        // Same seed, same halves; another seed, other halves.
        Assert.Equal(subsets, Subsets(Extract("same-seed")));
        Assert.NotEqual(subsets, Subsets(Extract("other-seed", "--seed", "2")));
    }

    [Fact]
    public void Keep_subsets_keeps_the_halves_the_coordinates_carry()
    {
        var source = StarReader.Read(Path.Combine(mics.Dir, "coordinates.star"));
        var coordinates = source.Blocks[0].Loop!;
        var withSubsets = new StarTable([.. coordinates.Columns, StarLabels.RandomSubset]);
        for (int r = 0; r < coordinates.RowCount; r++)
            withSubsets.AddRow([.. Enumerable.Range(0, coordinates.Columns.Count).Select(c => coordinates.GetString(r, c)), r % 5 == 0 ? "2" : "0"]);
        var document = new StarDocument();
        document.Add("coordinates").Loops.Add(withSubsets);
        string path = Path.Combine(mics.Dir, "coordinates_with_subsets.star");
        StarWriter.Write(path, document);
        string dir = Path.Combine(mics.Dir, "keep");
        var result = CliHarness.Run(["extract", .. mics.Micrographs.Select(m => Path.Combine(mics.Dir, m)), "--coordinates", path, "--box", "64",
            "--keep-subsets", "-o", dir]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var table = StarReader.Read(Path.Combine(dir, "particles.star")).Require("particles").RequireLoop("particles.star");
        var given = new Dictionary<(string, string, string), string>();
        for (int r = 0; r < withSubsets.RowCount; r++)
            given[(Path.GetFileName(withSubsets.GetString(r, 0)), withSubsets.GetString(r, 1), withSubsets.GetString(r, 2))] = withSubsets.GetString(r, 3);
        int kept = 0, ones = 0, twos = 0;
        for (int r = 0; r < table.RowCount; r++)
        {
            var key = (Path.GetFileName(table.GetString(r, StarLabels.MicrographName)), table.GetString(r, StarLabels.CoordinateX), table.GetString(r, StarLabels.CoordinateY));
            int subset = table.GetInt(r, StarLabels.RandomSubset);
            if (given[key] == "2")
            {
                Assert.Equal(2, subset);
                kept++;
            }
            ones += subset == 1 ? 1 : 0;
            twos += subset == 2 ? 1 : 0;
        }
        Assert.True(kept > 0);
        Assert.Equal(table.RowCount, ones + twos);
        Assert.True(Math.Abs(ones - twos) <= 1, $"{ones} vs {twos}");
    }

    [FactRequiresRelion]
    public void Relion_reads_the_stacks_and_reconstructs_the_true_map_from_the_extracted_particles()
    {
        string star = Extract("relion");
        // relion_image_handler reads every image of every stack, with the box and pixel size Concord wrote.
        var set = RelionParticles.Read(star);
        foreach (var stack in set.Particles.Select(p => p.Image.Path).Distinct())
        {
            Assert.True(RelionTool.Run("relion_image_handler", $"--i {stack} --stats", mics.Dir, out var log) == 0, log);
            var lines = Stats().Matches(log);
            Assert.Equal(set.Particles.Count(p => p.Image.Path == stack), lines.Count);
            Assert.All(lines, m =>
            {
                Assert.Equal($"{PosedMicrographsFixture.Box} {PosedMicrographsFixture.Box}", $"{m.Groups[1].Value} {m.Groups[2].Value}");
                Assert.Equal(PosedMicrographsFixture.PixelSizeA, double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), 4);
            });
        }
        string posed = JoinTruePoses(star);
        Assert.True(RelionTool.Run("relion_reconstruct", $"--i {posed} --o relion.mrc --ctf", mics.Dir, out var reconstructLog) == 0, reconstructLog);
        var fsc = CliHarness.Run("fsc", Path.Combine(mics.Dir, "relion.mrc"), Path.Combine(mics.Dir, "truth.mrc"), "-o", Path.Combine(mics.Dir, "fsc"), "--json");
        Assert.Equal(0, fsc.ExitCode);
        using var json = JsonDocument.Parse(fsc.Stdout);
        double resolution = json.RootElement.GetProperty("resolutionAt05A").GetDouble();
        output.WriteLine($"relion_reconstruct --ctf of {set.Particles.Count} particles extracted by concord: FSC 0.5 vs the true map at {resolution:F2} Å");
        Assert.True(resolution <= 8, $"relion_reconstruct of {set.Particles.Count} extracted particles: FSC 0.5 vs the true map at {resolution:F2} Å");
    }

    /// <summary>
    /// The extracted STAR with each particle's true angles and its sub-pixel offset as origin: the box is cut at the
    /// rounded coordinate, so the centre sits at N/2 + (x − round x), i.e. rlnOriginXAngst = (round x − x)·pixel.
    /// </summary>
    private string JoinTruePoses(string star)
    {
        var document = StarReader.Read(star);
        var table = document.Require("particles").RequireLoop(star);
        for (int r = 0; r < table.RowCount; r++)
        {
            string x = table.GetString(r, StarLabels.CoordinateX), y = table.GetString(r, StarLabels.CoordinateY);
            var p = mics.Poses[(Path.GetFileName(table.GetString(r, StarLabels.MicrographName)), x, y)];
            table.SetDouble(r, StarLabels.AngleRot, p.Angles.Rot);
            table.SetDouble(r, StarLabels.AngleTilt, p.Angles.Tilt);
            table.SetDouble(r, StarLabels.AnglePsi, p.Angles.Psi);
            table.SetDouble(r, StarLabels.OriginXAngst, (Math.Round(p.X) - p.X) * PosedMicrographsFixture.PixelSizeA);
            table.SetDouble(r, StarLabels.OriginYAngst, (Math.Round(p.Y) - p.Y) * PosedMicrographsFixture.PixelSizeA);
        }
        string path = Path.Combine(Path.GetDirectoryName(star)!, "particles_true_poses.star");
        StarWriter.Write(path, document);
        return path;
    }

    private static List<int> Subsets(string star)
    {
        var table = StarReader.Read(star).Require("particles").RequireLoop(star);
        return Enumerable.Range(0, table.RowCount).Select(r => table.GetInt(r, StarLabels.RandomSubset)).ToList();
    }

    [GeneratedRegex(@"^\d{6}@\S+\.mrcs$")]
    private static partial Regex ImageName();

    [GeneratedRegex(@"\(x,y,z,n\)= (\d+) x (\d+) x 1 x 1 ;.*angpix = ([0-9.]+)")]
    private static partial Regex Stats();
}
