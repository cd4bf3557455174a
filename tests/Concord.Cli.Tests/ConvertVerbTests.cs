using Concord.Core.Imaging;
using Concord.IO.Mrc;
using Concord.IO.Tiff;

namespace Concord.Cli.Tests;

public sealed class ConvertVerbTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("concord-convert-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name) => Path.Combine(_dir, name);

    private static ImageStack Counts(int width, int height, int count, int seed)
    {
        var rng = new Random(seed);
        var stack = new ImageStack(width, height, count, 0.9);
        for (int i = 0; i < stack.Span.Length; i++)
            stack.Span[i] = rng.Next(0, 1000);
        return stack;
    }

    private static float[] ReadAll(string mrc)
    {
        using var reader = MrcReader.Open(mrc);
        using var stack = reader.ReadStack();
        return stack.Span.ToArray();
    }

    [Fact]
    public void Tiff_to_mrc_and_back_is_lossless()
    {
        using var movie = Counts(16, 12, 4, seed: 1);
        TiffMovie.Write(File("m.tif"), movie, new TiffWriteOptions(TiffPixelType.UInt16, TiffCompression.Deflate));

        Assert.Equal(0, CliHarness.Run("convert", File("m.tif"), File("m.mrcs"), "--pixel-size", "0.9").ExitCode);
        using (var reader = MrcReader.Open(File("m.mrcs")))
        {
            Assert.Equal(MrcMode.UInt16, reader.Mode);
            Assert.Equal(0.9, reader.PixelSizeA, 5);
        }
        Assert.Equal(movie.Span.ToArray(), ReadAll(File("m.mrcs")));

        Assert.Equal(0, CliHarness.Run("convert", File("m.mrcs"), File("back.tif")).ExitCode);
        using var back = TiffMovie.Read(File("back.tif"));
        Assert.Equal(movie.Span.ToArray(), back.Span.ToArray());
        Assert.Equal(TiffPixelType.UInt16, TiffMovie.ReadInfo(File("back.tif")).PixelType);
    }

    [Fact]
    public void Mode_change_writes_the_requested_mode()
    {
        using var stack = Counts(8, 8, 2, seed: 2);
        MrcWriter.Write(File("f.mrcs"), stack);
        Assert.Equal(0, CliHarness.Run("convert", File("f.mrcs"), File("i.mrcs"), "--mode", "1").ExitCode);
        using var reader = MrcReader.Open(File("i.mrcs"));
        Assert.Equal(MrcMode.Int16, reader.Mode);
        Assert.Equal(stack.Span.ToArray(), ReadAll(File("i.mrcs")));
    }

    [Fact]
    public void Join_then_split_restores_every_image()
    {
        using var a = Counts(8, 8, 2, seed: 3);
        using var b = Counts(8, 8, 3, seed: 4);
        MrcWriter.Write(File("a.mrcs"), a);
        MrcWriter.Write(File("b.mrcs"), b);
        Assert.Equal(0, CliHarness.Run("convert", File("a.mrcs"), File("b.mrcs"), File("ab.mrcs")).ExitCode);
        Assert.Equal([.. a.Span.ToArray(), .. b.Span.ToArray()], ReadAll(File("ab.mrcs")));

        Assert.Equal(0, CliHarness.Run("convert", File("ab.mrcs"), File("one/p.mrcs"), "--split").ExitCode);
        for (int i = 0; i < 5; i++)
        {
            string path = File($"one/p_{i + 1:D6}.mrc");
            Assert.True(System.IO.File.Exists(path), path);
            var expected = i < 2 ? a.Slice(i).ToArray() : b.Slice(i - 2).ToArray();
            Assert.Equal(expected, ReadAll(path));
        }
        Assert.False(System.IO.File.Exists(File("one/p_000006.mrc")));
    }

    [Fact]
    public void Binning_crops_the_spectrum_and_scales_the_pixel_size()
    {
        // A band-limited image (mean 3 plus a cosine of period 16 px) binned by 2 by Fourier cropping is the same
        // function sampled every 2 px: exact, with no block-averaging attenuation.
        using var image = new ImageStack(16, 8, 1, 1.0);
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 16; x++)
                image.Span[y * 16 + x] = (float)(3 + Math.Cos(2 * Math.PI * x / 16));
        MrcWriter.Write(File("x.mrc"), image);
        Assert.Equal(0, CliHarness.Run("convert", File("x.mrc"), File("x2.mrc"), "--bin", "2").ExitCode);
        using var reader = MrcReader.Open(File("x2.mrc"));
        Assert.Equal((8, 4, 2.0), (reader.Width, reader.Height, reader.PixelSizeA));
        var binned = ReadAll(File("x2.mrc"));
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 8; x++)
                Assert.Equal(3 + Math.Cos(2 * Math.PI * 2 * x / 16), binned[y * 8 + x], 4);
    }

    [Fact]
    public void A_volume_stays_a_volume()
    {
        using var v = Volume.Cube(4, 2.0);
        v[1, 2, 3] = 5;
        MrcWriter.Write(File("v.mrc"), v);
        Assert.Equal(0, CliHarness.Run("convert", File("v.mrc"), File("v16.mrc"), "--mode", "12").ExitCode);
        using var reader = MrcReader.Open(File("v16.mrc"));
        Assert.Equal((MrcContent.Volume, MrcMode.Float16), (reader.Header.Content, reader.Mode));
        using var back = reader.ReadVolume();
        Assert.Equal(5, back[1, 2, 3]);
    }

    [Theory]
    [InlineData("--bin", "0")]
    [InlineData("--mode", "3")]
    public void Bad_options_are_bad_input(string option, string value)
    {
        using var stack = Counts(8, 8, 1, seed: 5);
        MrcWriter.Write(File("o.mrc"), stack);
        Assert.Equal(VerbAction.BadInput, CliHarness.Run("convert", File("o.mrc"), File("p.mrc"), option, value).ExitCode);
        Assert.False(System.IO.File.Exists(File("p.mrc")));
    }

    [Fact]
    public void Joining_different_sizes_is_bad_input()
    {
        using var a = Counts(8, 8, 1, seed: 6);
        using var b = Counts(6, 8, 1, seed: 7);
        MrcWriter.Write(File("a.mrc"), a);
        MrcWriter.Write(File("b.mrc"), b);
        Assert.Equal(VerbAction.BadInput, CliHarness.Run("convert", File("a.mrc"), File("b.mrc"), File("ab.mrcs")).ExitCode);
    }

    [Fact]
    public void Unknown_output_extension_is_bad_input()
    {
        using var a = Counts(8, 8, 1, seed: 8);
        MrcWriter.Write(File("a.mrc"), a);
        Assert.Equal(VerbAction.BadInput, CliHarness.Run("convert", File("a.mrc"), File("a.png")).ExitCode);
    }
}
