using Concord.Core.Fourier;
using Concord.Core.Geometry;
using Concord.Core.Imaging;
using Concord.Core.Projection;
using Concord.IO.Mrc;
using Concord.IO.Star;
using Concord.Simulation.Movies;
using Concord.Simulation.Presets;

namespace Concord.Cli.Tests;

/// <summary>
/// Two small simulated micrographs (the picking tests' generator: summed drift-free movies of the small preset, 1.5 Å/px,
/// 80 Å particles) written as MRC files once per test class, with the true particle centres kept for scoring.
/// </summary>
public sealed class PickMicrographsFixture : IDisposable
{
    public const int Size = 512;
    public const double PixelSizeA = 1.5;
    public const double DiameterA = 80;

    public PickMicrographsFixture()
    {
        Dir = Path.Combine(Path.GetTempPath(), "concord-pick-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Dir);
        var (models, fragment) = PresetPhantoms.Models(new PhantomSpec(PhantomKind.Fold, Residues: 360, BoxSize: 64));
        var maps = PresetPhantoms.Maps([.. models, fragment], 64, PixelSizeA);
        using var fft = FftBackends.CreateDeterministic();
        var options = new MovieSimulationOptions
        {
            Width = Size,
            Height = Size,
            PixelSizeA = PixelSizeA,
            Frames = 4,
            DosePerFrameEA2 = 10,
            ParticlesPerMicrograph = Size * Size / 8000,
            ParticleDiameterA = DiameterA,
            JunkFraction = 0.15,
            DriftA = 0,
            LocalMotionA = 0,
            CarbonProbability = 0,
        };
        var simulator = new MovieSimulator(options, maps, lastModelIsJunk: true, fft);
        foreach (int seed in new[] { 3, 4 })
        {
            var sum = new float[Size * Size];
            var truth = simulator.Simulate($"mic{seed}", seed, CameraModel.Ideal(Size, Size), (_, frame) =>
            {
                for (int i = 0; i < sum.Length; i++)
                    sum[i] += frame[i];
            });
            string path = Path.Combine(Dir, $"mic{seed}.mrc");
            using var image = Image2D.FromPixels(Size, Size, sum, PixelSizeA);
            MrcWriter.Write(path, image);
            Micrographs.Add(path);
            Truth[path] = truth.Particles.Where(p => !p.IsJunk).Select(p => (p.X, p.Y)).ToList();
        }
        Templates = Path.Combine(Dir, "templates.mrcs");
        WriteTemplates(Templates, maps[0], fft);
        foreach (var map in maps)
            map.Dispose();
    }

    /// <summary>Eight projections of the particle's first conformation (protein bright), as the picking tests make them.</summary>
    private static void WriteTemplates(string path, Volume map, IFftBackend fft)
    {
        var projector = new FourierProjector(map, fft);
        var random = new Random(5);
        using var stack = new ImageStack(64, 64, 8, PixelSizeA);
        for (int i = 0; i < stack.Count; i++)
            projector.Project(Rotation3f.FromMatrix(RandomRotations.NextEulerAngles(random).ToMatrix()), stack.Slice(i));
        MrcWriter.Write(path, stack);
    }

    public string Dir { get; }
    public string Templates { get; }
    public List<string> Micrographs { get; } = [];
    public Dictionary<string, List<(double X, double Y)>> Truth { get; } = [];

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

public sealed class PickVerbTests(PickMicrographsFixture mics, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<PickMicrographsFixture>
{
    private string Out(string name) => Path.Combine(mics.Dir, name + "-" + Guid.NewGuid().ToString("N")[..6]);

    [Fact]
    public void Log_picking_writes_every_file_and_finds_most_particles()
    {
        string dir = Out("log");
        var result = CliHarness.Run(["pick", .. mics.Micrographs, "--diameter", "80", "--method", "log", "-o", dir, "--json"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.True(File.Exists(Path.Combine(dir, "rejected_coordinates.star")));
        var table = StarReader.Read(Path.Combine(dir, "coordinates.star")).Require("coordinates").RequireLoop("coordinates.star");
        foreach (string mic in mics.Micrographs)
        {
            string stem = Path.GetFileNameWithoutExtension(mic);
            var autopick = StarReader.Read(Path.Combine(dir, stem + "_autopick.star")).Blocks[0].Loop!;
            Assert.True(autopick.HasColumn(StarLabels.AutopickFigureOfMerit));
            Assert.True(new FileInfo(Path.Combine(dir, "plots", stem + "_picks.png")).Length > 1000);
            var picks = Enumerable.Range(0, table.RowCount).Where(r => table.GetString(r, StarLabels.MicrographName) == mic)
                .Select(r => (X: table.GetDouble(r, StarLabels.CoordinateX), Y: table.GetDouble(r, StarLabels.CoordinateY))).ToList();
            Assert.Equal(autopick.RowCount, picks.Count);
            Assert.All(picks, p => Assert.True(double.IsFinite(p.X) && double.IsFinite(p.Y)));
            var truth = mics.Truth[mic];
            double radius = 0.25 * PickMicrographsFixture.DiameterA / PickMicrographsFixture.PixelSizeA;
            int found = truth.Count(t => picks.Any(p => Math.Pow(p.X - t.X, 2) + Math.Pow(p.Y - t.Y, 2) <= radius * radius));
            double recall = found / (double)truth.Count;
            output.WriteLine($"{stem}: {picks.Count} picks, {truth.Count} particles, recall {recall:F3}");
            Assert.True(recall >= 0.7, $"{stem}: recall {recall:F2} ({found} of {truth.Count})");
            Assert.True(picks.Count <= 2 * truth.Count, $"{stem}: {picks.Count} picks for {truth.Count} particles");
        }
    }

    [Fact]
    public void A_missing_micrograph_is_reported_and_the_others_are_picked()
    {
        string dir = Out("partial");
        var result = CliHarness.Run(["pick", mics.Micrographs[0], Path.Combine(mics.Dir, "absent.mrc"), "--diameter", "80", "-o", dir, "--no-plots"]);
        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(dir, "mic3_autopick.star")));
        Assert.False(File.Exists(Path.Combine(dir, "absent_autopick.star")));
    }

    [Fact]
    public void Bad_input_exits_with_code_2()
    {
        Assert.Equal(2, CliHarness.Run(["pick", Path.Combine(mics.Dir, "absent.mrc"), "--diameter", "80", "-o", Out("missing")]).ExitCode);
        Assert.Equal(2, CliHarness.Run(["pick", mics.Micrographs[0], "--diameter", "0", "-o", Out("zero")]).ExitCode);
        Assert.Equal(2, CliHarness.Run(["pick", mics.Micrographs[0], "--diameter", "80", "--method", "template", "-o", Out("notemplates")]).ExitCode);
    }

    [Fact]
    public void A_micrograph_star_is_resolved_from_its_folder()
    {
        string star = Path.Combine(mics.Dir, "micrographs.star");
        var table = new StarTable([StarLabels.MicrographName]);
        foreach (string mic in mics.Micrographs)
            table.AddRow(Path.GetFileName(mic));
        var document = new StarDocument();
        document.Add("micrographs").Loops.Add(table);
        StarWriter.Write(star, document);
        string dir = Out("star");
        var result = CliHarness.Run(["pick", star, "--diameter", "80", "-o", dir, "--no-plots", "--consensus"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var names = StarReader.Read(Path.Combine(dir, "coordinates.star")).Blocks[0].Loop!;
        Assert.True(names.RowCount > 10);
        Assert.Equal("mic3.mrc", names.GetString(0, StarLabels.MicrographName));
    }

    [Fact]
    public void Two_pickers_with_consensus_vote_and_deep_consensus_saves_its_model()
    {
        string dir = Out("consensus");
        var result = CliHarness.Run(["pick", .. mics.Micrographs, "--diameter", "80", "--method", "log,template", "--templates", mics.Templates, "--consensus", "-o", dir, "--no-plots"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var kept = StarReader.Read(Path.Combine(dir, "coordinates.star")).Blocks[0].Loop!;
        Assert.True(kept.RowCount > 20);
        Assert.All(Enumerable.Range(0, kept.RowCount), r => Assert.Equal(2, kept.GetInt(r, StarLabels.ConcordPickVotes)));
        var rejected = StarReader.Read(Path.Combine(dir, "rejected_coordinates.star")).Blocks[0].Loop!;
        Assert.All(Enumerable.Range(0, rejected.RowCount), r => Assert.Equal(1, rejected.GetInt(r, StarLabels.ConcordPickVotes)));
        Assert.All(Enumerable.Range(0, rejected.RowCount), r => Assert.Contains("needed", rejected.GetString(r, StarLabels.ConcordRejectionReason)));

        string deepDir = Out("deep");
        var deep = CliHarness.Run(["pick", .. mics.Micrographs, "--diameter", "80", "--method", "all", "--templates", mics.Templates, "--deep-consensus", "--threshold", "0.5", "--random-negatives", "15", "-o", deepDir, "--no-plots"]);
        output.WriteLine(deep.Stdout + deep.Stderr);
        Assert.True(deep.ExitCode == 0, deep.Stderr);
        Assert.True(File.Exists(Path.Combine(deepDir, "deep_consensus.model")));
        Assert.True(File.Exists(Path.Combine(deepDir, "learned_picker.model")), "--method all with templates includes the self-trained learned picker");
        var scored = StarReader.Read(Path.Combine(deepDir, "coordinates.star")).Blocks[0].Loop!;
        Assert.All(Enumerable.Range(0, scored.RowCount), r => Assert.True(scored.GetDouble(r, StarLabels.ConcordDeepConsensusScore) >= 0.5));
    }

    [Fact]
    public void Method_all_without_templates_picks_with_log_only()
    {
        string dir = Out("all");
        Assert.Equal(0, CliHarness.Run(["pick", mics.Micrographs[0], "--diameter", "80", "--method", "all", "-o", dir, "--no-plots"]).ExitCode);
        var kept = StarReader.Read(Path.Combine(dir, "coordinates.star")).Blocks[0].Loop!;
        Assert.Equal("log", kept.GetString(0, StarLabels.ConcordPickers));
    }

    /// <summary>
    /// `--method all` with templates: LoG, template and the learned picker self-trained on their agreement, found by ≥ 2
    /// of 3; the learned model is saved next to the picks and a later run picks with it alone (`--learned-model`).
    /// </summary>
    [Fact]
    public void Method_all_trains_the_learned_picker_saves_it_and_a_later_run_reuses_it()
    {
        string dir = Out("three");
        var result = CliHarness.Run(["pick", .. mics.Micrographs, "--diameter", "80", "--method", "all", "--templates", mics.Templates, "--consensus", "-o", dir, "--no-plots", "--json"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        string model = Path.Combine(dir, "learned_picker.model");
        Assert.True(File.Exists(model));
        var kept = StarReader.Read(Path.Combine(dir, "coordinates.star")).Blocks[0].Loop!;
        Assert.All(Enumerable.Range(0, kept.RowCount), r => Assert.InRange(kept.GetInt(r, StarLabels.ConcordPickVotes), 2, 3));
        Assert.Contains(Enumerable.Range(0, kept.RowCount), r => kept.GetString(r, StarLabels.ConcordPickers).Contains("learned", StringComparison.Ordinal));

        string again = Out("reuse");
        var reuse = CliHarness.Run(["pick", mics.Micrographs[0], "--diameter", "80", "--method", "learned", "--learned-model", model, "-o", again, "--no-plots"]);
        Assert.True(reuse.ExitCode == 0, reuse.Stderr);
        var picks = StarReader.Read(Path.Combine(again, "coordinates.star")).Blocks[0].Loop!;
        var truth = mics.Truth[mics.Micrographs[0]];
        double radius = 0.25 * PickMicrographsFixture.DiameterA / PickMicrographsFixture.PixelSizeA;
        int found = truth.Count(t => Enumerable.Range(0, picks.RowCount).Any(r =>
            Math.Pow(picks.GetDouble(r, StarLabels.CoordinateX) - t.X, 2) + Math.Pow(picks.GetDouble(r, StarLabels.CoordinateY) - t.Y, 2) <= radius * radius));
        output.WriteLine($"learned alone with the saved model: {picks.RowCount} picks, {found} of {truth.Count} particles");
        Assert.All(Enumerable.Range(0, picks.RowCount), r => Assert.Equal("learned", picks.GetString(r, StarLabels.ConcordPickers)));
        Assert.True(found >= 0.7 * truth.Count, $"{found} of {truth.Count}");
        Assert.True(picks.RowCount <= 1.3 * truth.Count, $"{picks.RowCount} picks for {truth.Count} particles");
        Assert.Equal(2, CliHarness.Run(["pick", mics.Micrographs[0], "--diameter", "80", "--method", "learned", "-o", Out("nomodel")]).ExitCode);
    }
}
