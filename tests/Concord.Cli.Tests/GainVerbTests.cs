using System.Text.Json;
using Concord.IO.Mrc;
using Concord.Preprocess.Methods.Gain;

namespace Concord.Cli.Tests;

[Collection("tiny movies")]
public sealed class GainVerbTests(TinyMoviesFixture data) : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("concord-gain-out-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public void Estimate_writes_a_gain_that_the_check_confirms_and_a_turned_reference_is_named()
    {
        string estimate = Path.Combine(_out, "estimate.mrc");
        var r = CliHarness.Run("gain", "estimate", data.MoviesStar, "-o", estimate, "--check", data.Gain, "--json");
        Assert.Equal(0, r.ExitCode);
        using (var reader = MrcReader.Open(estimate))
            Assert.Equal((256, 256), (reader.Width, reader.Height));
        var check = JsonDocument.Parse(r.Stdout).RootElement.GetProperty("check");
        Assert.True(check.GetProperty("suppliedIsCorrect").GetBoolean(), check.GetProperty("message").GetString());
        Assert.Equal(8, check.GetProperty("scores").GetArrayLength());

        // The reference stored turned a quarter clockwise: the check names --gain_rot 3 and says the given (identity) is wrong.
        string turned = Path.Combine(_out, "gain_turned.mrc");
        using (var reader = MrcReader.Open(data.Gain))
        using (var gain = reader.ReadImage(0))
        using (var rotated = new GainOrientation(1).Apply(gain))
            MrcWriter.Write(turned, rotated);
        var wrong = CliHarness.Run("gain", "estimate", data.MoviesStar, "-o", estimate, "--check", turned, "--json");
        Assert.Equal(0, wrong.ExitCode);
        var verdict = JsonDocument.Parse(wrong.Stdout).RootElement.GetProperty("check");
        Assert.False(verdict.GetProperty("suppliedIsCorrect").GetBoolean());
        Assert.Equal(3, verdict.GetProperty("bestGainRot").GetInt32());
        Assert.Equal(0, verdict.GetProperty("bestGainFlip").GetInt32());
        // Given the right orientation, the same file is confirmed.
        var right = CliHarness.Run("gain", "estimate", data.MoviesStar, "-o", estimate, "--check", turned, "--gain-rot", "3", "--json");
        Assert.True(JsonDocument.Parse(right.Stdout).RootElement.GetProperty("check").GetProperty("suppliedIsCorrect").GetBoolean());
    }

    [Fact]
    public void Unreadable_movies_are_skipped_and_none_readable_is_an_error()
    {
        string estimate = Path.Combine(_out, "estimate.mrc");
        var some = CliHarness.Run("gain", "estimate", data.Movie(1), Path.Combine(_out, "missing.mrcs"), "-o", estimate, "--json");
        Assert.Equal(0, some.ExitCode);
        var summary = JsonDocument.Parse(some.Stdout).RootElement;
        Assert.Equal(1, summary.GetProperty("movies").GetInt32());
        Assert.Equal(1, summary.GetProperty("failed").GetArrayLength());
        Assert.Equal(2, CliHarness.Run("gain", "estimate", Path.Combine(_out, "missing.mrcs"), "-o", estimate).ExitCode);
    }
}
