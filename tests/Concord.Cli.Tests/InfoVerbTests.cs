using System.Text.Json;

using Concord.Core.Imaging;
using Concord.IO.Mrc;
using Concord.IO.Tiff;

namespace Concord.Cli.Tests;

public sealed class InfoVerbTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("concord-info-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name) => Path.Combine(_dir, name);

    [Fact]
    public void Describes_mrc_tiff_and_star_files_as_json()
    {
        using var stack = new ImageStack(8, 6, 3, 1.5);
        stack.Span.Fill(2f);
        stack.Slice(1)[0] = 7f;
        MrcWriter.Write(File("s.mrcs"), stack);
        TiffMovie.Write(File("m.tif"), stack, new TiffWriteOptions(TiffPixelType.UInt16));
        System.IO.File.WriteAllText(File("p.star"), "data_optics\nloop_\n_rlnOpticsGroup\n_rlnImagePixelSize\n1 1.5\n\ndata_particles\nloop_\n_rlnImageName\n_rlnOpticsGroup\n1@s.mrcs 1\n2@s.mrcs 1\n");

        var result = CliHarness.Run("info", File("s.mrcs"), File("m.tif"), File("p.star"), "--json");
        Assert.Equal(0, result.ExitCode);
        var files = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("files");
        Assert.Equal(3, files.GetArrayLength());
        var mrc = files[0].GetProperty("image");
        Assert.Equal(3, mrc.GetProperty("sections").GetInt32());
        Assert.Equal(1.5, mrc.GetProperty("pixelSizeA").GetDouble(), 6);
        Assert.Equal(7, mrc.GetProperty("statistics").GetProperty("max").GetDouble());
        Assert.Equal(7, files[1].GetProperty("image").GetProperty("statistics").GetProperty("max").GetDouble());
        var blocks = files[2].GetProperty("star").GetProperty("blocks");
        Assert.Equal(2, blocks[1].GetProperty("rows").GetInt32());
    }

    [Fact]
    public void Truncated_mrc_is_bad_input()
    {
        using var stack = new ImageStack(8, 8, 2);
        MrcWriter.Write(File("t.mrcs"), stack);
        using (var fs = new FileStream(File("t.mrcs"), FileMode.Open))
            fs.SetLength(1500);
        Assert.Equal(VerbAction.BadInput, CliHarness.Run("info", File("t.mrcs")).ExitCode);
    }

    [Fact]
    public void Missing_file_is_bad_input() =>
        Assert.Equal(VerbAction.BadInput, CliHarness.Run("info", File("none.mrc")).ExitCode);

    [Fact]
    public void Ragged_star_is_bad_input()
    {
        System.IO.File.WriteAllText(File("r.star"), "data_\nloop_\n_rlnImageName\n_rlnDefocusU\n1@a.mrcs 1\n2@a.mrcs\n");
        Assert.Equal(VerbAction.BadInput, CliHarness.Run("info", File("r.star")).ExitCode);
    }
}
