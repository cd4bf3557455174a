using System.Buffers.Binary;

using Concord.Core.Imaging;
using Concord.IO.Mrc;
using Concord.IO.Tests.Infrastructure;

namespace Concord.IO.Tests.Mrc;

public sealed class MrcRoundTripTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<MrcMode> Modes() => [.. MrcTestData.WritableModes];

    [Theory]
    [MemberData(nameof(Modes))]
    public void Stack_round_trips_bit_exactly_in_every_mode(MrcMode mode)
    {
        using var stack = MrcTestData.Stack(mode, 17, 9, 5, seed: (int)mode);
        string path = _dir.File($"s{(int)mode}.mrcs");
        MrcWriter.Write(path, stack, new MrcWriteOptions { Mode = mode });

        using var reader = MrcReader.Open(path);
        Assert.Equal(mode, reader.Mode);
        Assert.Equal(MrcContent.ImageStack, reader.Header.Content);
        Assert.Equal((17, 9, 5), (reader.Width, reader.Height, reader.ImageCount));
        Assert.Equal(1.25, reader.PixelSizeA, 6);
        using var back = reader.ReadStack();
        Assert.Equal(stack.Span.ToArray(), back.Span.ToArray());
        for (int i = 4; i >= 0; i--)
        {
            using var image = reader.ReadImage(i);
            Assert.Equal(stack.Slice(i).ToArray(), image.Span.ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Volume_round_trips_with_origin_and_labels(MrcMode mode)
    {
        using var volume = MrcTestData.Volume(mode, 6, 7, 8, seed: 100 + (int)mode);
        string path = _dir.File($"v{(int)mode}.mrc");
        MrcWriter.Write(path, volume, new MrcWriteOptions { Mode = mode, OriginXA = 1.5f, OriginYA = -2f, OriginZA = 3.25f, Labels = ["first", "second label"] });

        using var reader = MrcReader.Open(path);
        var h = reader.Header;
        Assert.Equal((1, MrcContent.Volume, 8), (h.Ispg, h.Content, h.MZ));
        Assert.Equal((1.5f, -2f, 3.25f), (h.OriginXA, h.OriginYA, h.OriginZA));
        Assert.Equal(["first", "second label"], h.Labels);
        Assert.Equal(2.5, reader.PixelSizeA, 6);
        using var back = reader.ReadVolume();
        Assert.Equal(volume.Span.ToArray(), back.Span.ToArray());
    }

    [Fact]
    public void Volume_stack_uses_ispg_401_and_reads_each_volume()
    {
        using var a = MrcTestData.Volume(MrcMode.Float32, 4, 5, 3, seed: 1);
        using var b = MrcTestData.Volume(MrcMode.Float32, 4, 5, 3, seed: 2);
        string path = _dir.File("vs.mrc");
        MrcWriter.WriteVolumeStack(path, [a, b]);
        using var reader = MrcReader.Open(path);
        Assert.Equal((401, MrcContent.VolumeStack, 2, 3), (reader.Header.Ispg, reader.Header.Content, reader.VolumeCount, reader.Header.MZ));
        using var second = reader.ReadVolume(1);
        Assert.Equal(b.Span.ToArray(), second.Span.ToArray());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Header_statistics_match_the_stored_values(MrcMode mode)
    {
        using var stack = MrcTestData.Stack(mode, 31, 13, 4, seed: 7);
        string path = _dir.File("stats.mrcs");
        MrcWriter.Write(path, stack, new MrcWriteOptions { Mode = mode });
        var values = stack.Span.ToArray().Select(v => (double)v).ToArray();
        double mean = values.Average();
        double rms = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
        using var reader = MrcReader.Open(path);
        Assert.Equal((float)values.Min(), reader.Header.DMin);
        Assert.Equal((float)values.Max(), reader.Header.DMax);
        Assert.Equal(mean, reader.Header.DMean, Math.Abs(mean) * 1e-6 + 1e-6);
        Assert.Equal(rms, reader.Header.Rms, rms * 1e-6);
    }

    [Fact]
    public void Integer_modes_round_and_saturate()
    {
        using var image = Image2D.FromPixels(4, 1, [1.5f, 2.5f, -300f, 1e9f]);
        string path = _dir.File("sat.mrc");
        MrcWriter.Write(path, image, new MrcWriteOptions { Mode = MrcMode.Int8 });
        using var reader = MrcReader.Open(path);
        using var back = reader.ReadImage(0);
        Assert.Equal([2f, 2f, -128f, 127f], back.Span.ToArray());
    }

    [Fact]
    public void Parallel_reads_by_index_match_sequential_reads()
    {
        using var stack = MrcTestData.Stack(MrcMode.Int16, 20, 20, 64, seed: 12);
        string path = _dir.File("parallel.mrcs");
        MrcWriter.Write(path, stack, new MrcWriteOptions { Mode = MrcMode.Int16 });
        using var reader = MrcReader.Open(path);
        var images = new float[64][];
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            images[i] = new float[400];
            reader.ReadImage(63 - i, images[i]);
        });
        for (int i = 0; i < 64; i++)
            Assert.Equal(stack.Slice(63 - i).ToArray(), images[i]);
    }

    [Fact]
    public void Empty_streamed_stack_is_still_a_valid_file()
    {
        string path = _dir.File("empty.mrcs");
        using (new MrcStackWriter(path, 4, 4, 1.0))
        {
        }
        using var reader = MrcReader.Open(path);
        Assert.Equal(1, reader.ImageCount);
    }

    [Fact]
    public void Streaming_writer_patches_count_and_cell_on_close()
    {
        string path = _dir.File("stream.mrcs");
        using var stack = MrcTestData.Stack(MrcMode.Float32, 8, 8, 11, seed: 3, pixelSizeA: 0.83);
        using (var writer = new MrcStackWriter(path, 8, 8, 0.83))
        {
            for (int i = 0; i < stack.Count; i++)
                writer.Append(stack.Slice(i));
            Assert.Equal(11, writer.Count);
        }
        using var reader = MrcReader.Open(path);
        Assert.Equal((11, 1, 0), (reader.Header.NZ, reader.Header.MZ, reader.Header.Ispg));
        Assert.Equal(8 * 0.83f, reader.Header.CellXA);
        Assert.Equal(0.83, reader.PixelSizeA, 5);
        using var last = reader.ReadImage(10);
        Assert.Equal(stack.Slice(10).ToArray(), last.Span.ToArray());
    }

    [Theory]
    [InlineData(1, 2, 3)]
    [InlineData(2, 1, 3)]
    [InlineData(3, 1, 2)]
    [InlineData(1, 3, 2)]
    [InlineData(2, 3, 1)]
    [InlineData(3, 2, 1)]
    public void Any_axis_order_is_read_into_x_fastest_order(int mapc, int mapr, int maps)
    {
        using var volume = MrcTestData.Volume(MrcMode.Float32, 5, 4, 3, seed: 9);
        int[] size = [5, 4, 3];
        int[] map = [mapc, mapr, maps];
        int nc = size[mapc - 1], nr = size[mapr - 1], ns = size[maps - 1];
        var fileOrder = new float[volume.Length];
        int i = 0;
        Span<int> xyz = stackalloc int[3];
        for (int s = 0; s < ns; s++)
            for (int r = 0; r < nr; r++)
                for (int c = 0; c < nc; c++)
                {
                    xyz[map[0] - 1] = c;
                    xyz[map[1] - 1] = r;
                    xyz[map[2] - 1] = s;
                    fileOrder[i++] = volume[xyz[0], xyz[1], xyz[2]];
                }
        string path = _dir.File($"axes{mapc}{mapr}{maps}.mrc");
        using (var permuted = Volume.FromVoxels(nc, nr, ns, fileOrder))
            MrcWriter.Write(path, permuted);
        PatchInts(path, (16, mapc), (17, mapr), (18, maps));

        using var reader = MrcReader.Open(path);
        Assert.Equal((5, 4, 3), (reader.Width, reader.Height, reader.Depth));
        using var back = reader.ReadVolume();
        Assert.Equal(volume.Span.ToArray(), back.Span.ToArray());
        using var section = reader.ReadImage(2);
        Assert.Equal(volume.Slice(2).ToArray(), section.Span.ToArray());
    }

    [Fact]
    public void Extended_header_is_skipped()
    {
        using var stack = MrcTestData.Stack(MrcMode.Int16, 6, 5, 2, seed: 4);
        string plain = _dir.File("plain.mrcs"), extended = _dir.File("ext.mrcs");
        MrcWriter.Write(plain, stack, new MrcWriteOptions { Mode = MrcMode.Int16 });
        byte[] bytes = File.ReadAllBytes(plain);
        var ext = new byte[128 * 4];
        Array.Fill(ext, (byte)0xAB);
        File.WriteAllBytes(extended, [.. bytes.AsSpan(0, 1024), .. ext, .. bytes.AsSpan(1024)]);
        PatchInts(extended, (23, ext.Length));
        PatchBytes(extended, 104, "FEI1"u8.ToArray());

        using var reader = MrcReader.Open(extended);
        Assert.Equal(("FEI1", 512), (reader.Header.ExtType, reader.Header.NSymBt));
        using var back = reader.ReadStack();
        Assert.Equal(stack.Span.ToArray(), back.Span.ToArray());
    }

    [Fact]
    public void Packed_4bit_mode_101_is_read_low_nibble_first()
    {
        using var seed = Image2D.FromPixels(3, 2, [0, 0, 0, 0, 0, 0]);
        string path = _dir.File("m101.mrc");
        MrcWriter.Write(path, seed, new MrcWriteOptions { Mode = MrcMode.Int8 });
        var bytes = File.ReadAllBytes(path);
        byte[] packed = [0x21, 0x03, 0x54, 0x06];
        File.WriteAllBytes(path, [.. bytes.AsSpan(0, 1024), .. packed]);
        PatchInts(path, (3, 101));
        using var reader = MrcReader.Open(path);
        using var image = reader.ReadImage(0);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], image.Span.ToArray());
        Assert.Throws<Core.InvalidParameterException>(() => new MrcStackWriter(_dir.File("x.mrc"), 2, 2, 1, new MrcWriteOptions { Mode = MrcMode.Packed4Bit }));
    }

    [Fact]
    public void Big_endian_files_are_read()
    {
        using var image = Image2D.FromPixels(2, 2, [1, -2, 3.5f, 1e6f]);
        string path = _dir.File("be.mrc");
        MrcWriter.Write(path, image);
        var b = File.ReadAllBytes(path);
        for (int w = 0; w < 56; w++)
            if (w is not (26 or 52 or 53))
                b.AsSpan(4 * w, 4).Reverse();
        for (int p = 1024; p < b.Length; p += 4)
            b.AsSpan(p, 4).Reverse();
        b[212] = 0x11;
        b[213] = 0x11;
        File.WriteAllBytes(path, b);
        using var reader = MrcReader.Open(path);
        Assert.True(reader.Header.IsBigEndian);
        using var back = reader.ReadImage(0);
        Assert.Equal(image.Span.ToArray(), back.Span.ToArray());
    }

    [Fact]
    public void Offsets_beyond_4_GiB_address_the_right_image()
    {
        // A sparse 4.3 GB stack: only the header and the last image are real bytes on disk.
        string path = _dir.File("big.mrcs");
        const int n = 256, count = 16_500;
        using var last = MrcTestData.Stack(MrcMode.Float32, n, n, 1, seed: 5);
        using (var writer = new MrcStackWriter(path, n, n, 1.0))
            writer.Append(last.Slice(0));
        long offset = 1024L + (long)(count - 1) * n * n * 4;
        Assert.True(offset > uint.MaxValue);
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            fs.SetLength(offset + n * n * 4L);
            fs.Position = offset;
            fs.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(last.Slice(0)));
        }
        PatchInts(path, (2, count));
        using var reader = MrcReader.Open(path);
        Assert.Equal(count, reader.ImageCount);
        using var image = reader.ReadImage(count - 1);
        Assert.Equal(last.Slice(0).ToArray(), image.Span.ToArray());
    }

    /// <summary>Overwrites header words in place (the file may be far larger than memory).</summary>
    internal static void PatchInts(string path, params (int Word, int Value)[] patches)
    {
        foreach (var (word, value) in patches)
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
            PatchBytes(path, 4 * word, bytes);
        }
    }

    internal static void PatchBytes(string path, long offset, byte[] bytes)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Write);
        fs.Position = offset;
        fs.Write(bytes);
    }
}
