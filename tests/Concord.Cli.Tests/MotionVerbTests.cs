using System.Text.Json;
using Concord.IO.Mrc;
using Concord.IO.Relion;
using Concord.IO.Star;

namespace Concord.Cli.Tests;

/// <summary>The tiny preset's movies (2 × 256² × 8 frames, gain reference, truth), simulated once for the motion and gain verb tests.</summary>
public sealed class TinyMoviesFixture : IDisposable
{
    public TinyMoviesFixture()
    {
        var result = CliHarness.Run("simulate", "--preset", "tiny", "--no-stack", "--movies", "3", "--out", Folder, "--threads", "2");
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"simulate failed: {result.Stderr}");
    }

    public string Folder { get; } = Directory.CreateTempSubdirectory("concord-motion-").FullName;
    public string MoviesStar => Path.Combine(Folder, "movies.star");
    public string Gain => Path.Combine(Folder, "gain.mrc");
    public string Movie(int n) => Path.Combine(Folder, "Movies", $"movie_{n:D3}.mrcs");

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

[CollectionDefinition("tiny movies")]
public sealed class TinyMoviesCollection : ICollectionFixture<TinyMoviesFixture>;

[Collection("tiny movies")]
public sealed class MotionVerbTests(TinyMoviesFixture data) : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("concord-motion-out-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static JsonElement Json(CliHarness.Result r) => JsonDocument.Parse(r.Stdout).RootElement;

    [Fact]
    public void Movies_star_gives_relion_style_outputs_for_every_movie()
    {
        var r = CliHarness.Run("motion", data.MoviesStar, "-o", _out, "--gain", data.Gain, "--dose-per-frame", "4", "--patches", "3x3", "--threads", "2", "--json");
        Assert.Equal(0, r.ExitCode);
        var summary = Json(r);
        Assert.Equal(3, summary.GetProperty("movies").GetInt32());
        Assert.Equal(0, summary.GetProperty("failed").GetInt32());
        foreach (string stem in new[] { "movie_001", "movie_002", "movie_003" })
        {
            foreach (string suffix in new[] { ".mrc", "_noDW.mrc", "_PS.mrc", "_shifts.png", ".star" })
                Assert.True(File.Exists(Path.Combine(_out, stem + suffix)), $"{stem}{suffix} missing");
            var motion = RelionMotionStar.Read(Path.Combine(_out, stem + ".star"));
            Assert.Equal((256, 256, 8), (motion.General.Width, motion.General.Height, motion.General.Frames));
            Assert.Equal(2.5, motion.General.OriginalPixelSizeA);
            Assert.Equal(4, motion.General.DosePerFrameEA2);
            Assert.Equal((0.0, 0.0), motion.GlobalShiftsPx[0]);
            Assert.Equal(36, motion.LocalCoefficients!.Count);
            Assert.Equal(9 * 8, motion.LocalShifts!.Count);
            using var sum = MrcReader.Open(Path.Combine(_out, stem + ".mrc"));
            Assert.Equal((256, 256, 1), (sum.Width, sum.Height, sum.ImageCount));
        }
        var corrected = StarReader.Read(Path.Combine(_out, "corrected_micrographs.star"));
        var micrographs = corrected.Require("micrographs").RequireLoop();
        var rejected = StarReader.Read(Path.Combine(_out, "rejected_movies.star")).Require("rejected_movies").RequireLoop();
        // Every movie is either corrected or rejected with a reason, never both.
        Assert.Equal(summary.GetProperty("corrected").GetInt32(), micrographs.RowCount);
        Assert.Equal(summary.GetProperty("rejected").GetInt32(), rejected.RowCount);
        Assert.Equal(3, micrographs.RowCount + rejected.RowCount);
        Assert.Equal(2.5, corrected.Require("optics").RequireLoop().GetDouble(0, StarLabels.MicrographPixelSize));
        for (int i = 0; i < micrographs.RowCount; i++)
        {
            Assert.True(File.Exists(micrographs.GetString(i, StarLabels.MicrographName)) || File.Exists(Path.Combine(_out, Path.GetFileName(micrographs.GetString(i, StarLabels.MicrographName)))));
            double total = micrographs.GetDouble(i, StarLabels.AccumMotionTotal);
            Assert.Equal(total, micrographs.GetDouble(i, StarLabels.AccumMotionEarly) + micrographs.GetDouble(i, StarLabels.AccumMotionLate), 4);
        }
    }

    [Fact]
    public void Binned_sums_keep_the_movie_pixel_size_as_the_original_in_both_star_files()
    {
        // RELION 3.1: rlnMicrographOriginalPixelSize is the movie's, rlnMicrographPixelSize the (binned) micrograph's.
        var r = CliHarness.Run("motion", data.Movie(1), "-o", _out, "--gain", data.Gain, "--bin", "2", "--patches", "1x1",
            "--max-frame-shift", "1000", "--max-total-drift", "1000", "--threads", "2");
        Assert.Equal(0, r.ExitCode);
        var motion = RelionMotionStar.Read(Path.Combine(_out, "movie_001.star"));
        Assert.Equal((2.0, 2.5), (motion.General.Binning, motion.General.OriginalPixelSizeA));
        using (var sum = MrcReader.Open(Path.Combine(_out, "movie_001.mrc")))
            Assert.Equal((128, 128, 5.0), (sum.Width, sum.Height, sum.PixelSizeA));
        var optics = StarReader.Read(Path.Combine(_out, "corrected_micrographs.star")).Require("optics").RequireLoop();
        Assert.Equal(1, optics.RowCount);
        Assert.Equal(2.5, optics.GetDouble(0, StarLabels.MicrographOriginalPixelSize));
        Assert.Equal(5.0, optics.GetDouble(0, StarLabels.MicrographPixelSize));
    }

    [Fact]
    public void Drift_check_rejects_with_a_reason_and_leaves_the_movie_out()
    {
        var r = CliHarness.Run("motion", data.Movie(1), data.Movie(2), "-o", _out, "--gain", data.Gain, "--patches", "1x1", "--max-total-drift", "0.01",
            "--threads", "2", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(2, Json(r).GetProperty("rejected").GetInt32());
        Assert.Equal(0, StarReader.Read(Path.Combine(_out, "corrected_micrographs.star")).Require("micrographs").RequireLoop().RowCount);
        var rejected = StarReader.Read(Path.Combine(_out, "rejected_movies.star")).Require("rejected_movies").RequireLoop();
        Assert.Equal(2, rejected.RowCount);
        Assert.Contains("allowed in total", rejected.GetString(0, StarLabels.ConcordRejectionReason));
        // Without dose weighting only the aligned sum is written, under the micrograph's name.
        Assert.True(File.Exists(Path.Combine(_out, "movie_001.mrc")));
        Assert.False(File.Exists(Path.Combine(_out, "movie_001_noDW.mrc")));
    }

    /// <summary>
    /// A truncated movie and a movie with zero frames fail with an error naming them; the good movie still finishes
    /// and the exit code stays 0. Chosen rule: the exit code is non-zero (2) only when every movie failed.
    /// </summary>
    [Fact]
    public void Bad_movies_fail_alone_and_the_others_finish()
    {
        string truncated = Path.Combine(_out, "truncated.mrcs"), empty = Path.Combine(_out, "empty.mrcs");
        var bytes = File.ReadAllBytes(data.Movie(1));
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var header = bytes[..1024];
        BitConverter.GetBytes(0).CopyTo(header, 8);
        BitConverter.GetBytes(0).CopyTo(header, 36);
        File.WriteAllBytes(empty, header);
        string results = Path.Combine(_out, "mc");
        var r = CliHarness.Run("motion", data.Movie(2), truncated, empty, Path.Combine(_out, "missing.mrcs"), "-o", results, "--gain", data.Gain, "--patches", "1x1",
            "--threads", "2", "--json");
        Assert.Equal(0, r.ExitCode);
        var summary = Json(r);
        Assert.Equal(4, summary.GetProperty("movies").GetInt32());
        Assert.Equal(3, summary.GetProperty("failed").GetInt32());
        var statuses = summary.GetProperty("results").EnumerateArray().ToDictionary(e => Path.GetFileName(e.GetProperty("movie").GetString()!), e => e.GetProperty("status").GetString());
        Assert.NotEqual("failed", statuses["movie_002.mrcs"]);
        Assert.Equal("failed", statuses["truncated.mrcs"]);
        Assert.Equal("failed", statuses["empty.mrcs"]);
        Assert.True(File.Exists(Path.Combine(results, "movie_002.star")));
        var rejected = StarReader.Read(Path.Combine(results, "rejected_movies.star")).Require("rejected_movies").RequireLoop();
        var reasons = Enumerable.Range(0, rejected.RowCount).ToDictionary(i => Path.GetFileName(rejected.GetString(i, StarLabels.MicrographMovieName)),
            i => rejected.GetString(i, StarLabels.ConcordRejectionReason));
        Assert.Contains("truncated", reasons["truncated.mrcs"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("frames", reasons["empty.mrcs"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("missing.mrcs", reasons["missing.mrcs"]);
    }

    [Fact]
    public void A_gain_of_the_wrong_size_fails_every_movie_and_the_exit_code_says_so()
    {
        string wrongGain = Path.Combine(_out, "gain_128.mrc");
        using (var small = new Core.Imaging.Image2D(128, 128, 2.5))
            MrcWriter.Write(wrongGain, small);
        var r = CliHarness.Run("motion", data.MoviesStar, "-o", _out, "--gain", wrongGain, "--patches", "1x1", "--threads", "2", "--json");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(3, Json(r).GetProperty("failed").GetInt32());
        var rejected = StarReader.Read(Path.Combine(_out, "rejected_movies.star")).Require("rejected_movies").RequireLoop();
        Assert.Equal(3, rejected.RowCount);
        Assert.Contains("128×128", rejected.GetString(0, StarLabels.ConcordRejectionReason));
        Assert.Contains("256×256", rejected.GetString(0, StarLabels.ConcordRejectionReason));
    }

    [Fact]
    public void Bad_options_are_refused_before_any_work()
    {
        Assert.Equal(2, CliHarness.Run("motion", data.Movie(1), "-o", _out, "--patches", "5by5").ExitCode);
        Assert.Equal(2, CliHarness.Run("motion", data.Movie(1), "-o", _out, "--gain-rot", "4").ExitCode);
        Assert.Equal(2, CliHarness.Run("motion", data.Movie(1), "-o", _out, "--gain-flip", "z").ExitCode);
        Assert.Equal(2, CliHarness.Run("motion", data.Movie(1), "-o", _out, "--bin", "0.5").ExitCode);
        Assert.Equal(2, CliHarness.Run("motion", data.Movie(1), "-o", _out, "--gain", Path.Combine(_out, "none.mrc")).ExitCode);
    }
}
