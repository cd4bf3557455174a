using Concord.IO.Mrc;
using Concord.IO.Tests.Infrastructure;

namespace Concord.IO.Tests.Mrc;

public sealed class MrcErrorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string ValidStack(string name)
    {
        string path = _dir.File(name);
        using var stack = MrcTestData.Stack(MrcMode.Float32, 10, 10, 3, seed: 1);
        MrcWriter.Write(path, stack);
        return path;
    }

    [Fact]
    public void Truncated_file_names_expected_and_found_bytes()
    {
        string path = ValidStack("trunc.mrcs");
        long full = new FileInfo(path).Length;
        using (var fs = new FileStream(path, FileMode.Open))
            fs.SetLength(full - 100);
        var e = Assert.Throws<MrcFormatException>(() => MrcReader.Open(path));
        Assert.Equal((full, full - 100), (e.ExpectedBytes!.Value, e.FoundBytes!.Value));
        Assert.Contains($"{full} bytes", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{full - 100} bytes", e.Message, StringComparison.Ordinal);
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void File_shorter_than_a_header_is_truncated()
    {
        string path = _dir.File("short.mrc");
        File.WriteAllBytes(path, new byte[300]);
        var e = Assert.Throws<MrcFormatException>(() => MrcReader.Open(path));
        Assert.Equal((1024L, 300L), (e.ExpectedBytes!.Value, e.FoundBytes!.Value));
    }

    [Fact]
    public void Unsupported_mode_is_named()
    {
        string path = ValidStack("mode.mrcs");
        MrcRoundTripTests.PatchInts(path, (3, 4));
        var e = Assert.Throws<MrcFormatException>(() => MrcReader.Open(path));
        Assert.Equal("MODE", e.Field);
        Assert.Contains("mode 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_axis_mapping_is_named()
    {
        string path = ValidStack("axes.mrcs");
        MrcRoundTripTests.PatchInts(path, (16, 1), (17, 1), (18, 3));
        var e = Assert.Throws<MrcFormatException>(() => MrcReader.Open(path));
        Assert.Equal("MAPC/MAPR/MAPS", e.Field);
    }

    [Fact]
    public void Image_index_out_of_range_is_rejected()
    {
        using var reader = MrcReader.Open(ValidStack("idx.mrcs"));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadImage(3));
    }
}
