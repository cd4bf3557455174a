using Concord.Core.Imaging;
using Concord.IO.Tests.Infrastructure;
using Concord.IO.Tiff;

namespace Concord.IO.Tests.Tiff;

public sealed class TiffMovieTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<TiffPixelType, TiffCompression> Layouts()
    {
        var data = new TheoryData<TiffPixelType, TiffCompression>();
        foreach (var type in Enum.GetValues<TiffPixelType>())
            foreach (var compression in Enum.GetValues<TiffCompression>())
                data.Add(type, compression);
        return data;
    }

    private static ImageStack Movie(TiffPixelType type, int seed)
    {
        var rng = new Random(seed);
        var stack = new ImageStack(37, 23, 5, 0.8);
        var span = stack.Span;
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = type switch
            {
                TiffPixelType.UInt8 => rng.Next(0, 4),
                TiffPixelType.UInt16 => rng.Next(0, 65536),
                TiffPixelType.Int16 => rng.Next(short.MinValue, short.MaxValue + 1),
                _ => (float)rng.NextDouble() * 1000 - 500,
            };
        }
        return stack;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Multi_page_movie_round_trips_exactly(TiffPixelType type, TiffCompression compression)
    {
        using var movie = Movie(type, seed: (int)type * 10 + (int)compression);
        string path = _dir.File($"m{type}{compression}.tif");
        TiffMovie.Write(path, movie, new TiffWriteOptions(type, compression));

        var info = TiffMovie.ReadInfo(path);
        Assert.Equal((37, 23, 5, type), (info.Width, info.Height, info.FrameCount, info.PixelType));
        using var back = TiffMovie.Read(path, pixelSizeA: 0.8);
        Assert.Equal(movie.Span.ToArray(), back.Span.ToArray());
        using var frame = TiffMovie.ReadFrame(path, 3);
        Assert.Equal(movie.Slice(3).ToArray(), frame.Span.ToArray());
    }

    [Fact]
    public void Compression_shrinks_sparse_counting_data()
    {
        using var movie = Movie(TiffPixelType.UInt8, seed: 1);
        string raw = _dir.File("raw.tif"), lzw = _dir.File("lzw.tif");
        TiffMovie.Write(raw, movie, new TiffWriteOptions(TiffPixelType.UInt8, TiffCompression.None));
        TiffMovie.Write(lzw, movie, new TiffWriteOptions(TiffPixelType.UInt8, TiffCompression.Lzw));
        Assert.True(new FileInfo(lzw).Length < new FileInfo(raw).Length);
        Assert.Equal("LZW", TiffMovie.ReadInfo(lzw).Compression);
    }

    [Fact]
    public void Not_a_tiff_is_a_format_error()
    {
        string path = _dir.File("bad.tif");
        File.WriteAllText(path, "this is not a TIFF file at all");
        var e = Assert.Throws<TiffFormatException>(() => TiffMovie.Read(path));
        Assert.Equal(path, e.FilePath);
    }
}
