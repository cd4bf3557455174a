using System.Runtime.InteropServices;
using BitMiracle.LibTiff.Classic;
using Concord.Core.Imaging;

namespace Concord.IO.Tiff;

/// <summary>Pixel types of a TIFF movie frame (one sample per pixel).</summary>
public enum TiffPixelType
{
    UInt8,
    UInt16,
    Int16,
    Float32,
}

/// <summary>Strip compression of a written TIFF movie.</summary>
public enum TiffCompression
{
    None,
    Lzw,
    Deflate,
}

/// <summary>Write settings for <see cref="TiffMovie.Write"/>.</summary>
public sealed record TiffWriteOptions(TiffPixelType PixelType = TiffPixelType.Float32, TiffCompression Compression = TiffCompression.Lzw)
{
    public static TiffWriteOptions Default { get; } = new();
}

/// <summary>The layout of a TIFF movie: frame size, count, pixel type and compression of the first page.</summary>
public sealed record TiffMovieInfo(int Width, int Height, int FrameCount, TiffPixelType PixelType, string Compression);

/// <summary>
/// Multi-page TIFF movies as counting cameras write them (K2/K3/Falcon: one greyscale page per frame, 8- or 16-bit
/// integers or 32-bit floats, uncompressed, LZW or deflate strips), read and written through BitMiracle.LibTiff.NET.
/// Every page must share the first page's size and pixel type.
/// </summary>
public static class TiffMovie
{
    public static TiffMovieInfo ReadInfo(string path)
    {
        using var tiff = OpenRead(path);
        var (width, height, type) = PageLayout(tiff, path, 0);
        var compression = (Compression)tiff.GetField(TiffTag.COMPRESSION)[0].ToInt();
        return new TiffMovieInfo(width, height, tiff.NumberOfDirectories(), type, compression.ToString());
    }

    /// <summary>Reads every frame into a stack (pixel size from the caller; TIFF movies carry none Concord trusts).</summary>
    public static ImageStack Read(string path, double pixelSizeA = 1.0)
    {
        using var tiff = OpenRead(path);
        int count = tiff.NumberOfDirectories();
        var (width, height, _) = PageLayout(tiff, path, 0);
        var stack = ImageStack.CreateUninitialized(width, height, count, pixelSizeA);
        try
        {
            for (int page = 0; page < count; page++)
                ReadPage(tiff, path, page, width, height, stack.Slice(page));
            return stack;
        }
        catch
        {
            stack.Dispose();
            throw;
        }
    }

    /// <summary>Reads frame <paramref name="page"/> (0-based).</summary>
    public static Image2D ReadFrame(string path, int page, double pixelSizeA = 1.0)
    {
        using var tiff = OpenRead(path);
        if ((uint)page >= (uint)tiff.NumberOfDirectories())
            throw new ArgumentOutOfRangeException(nameof(page), page, $"{path} holds {tiff.NumberOfDirectories()} frames.");
        var (width, height, _) = PageLayout(tiff, path, 0);
        var image = Image2D.CreateUninitialized(width, height, pixelSizeA);
        ReadPage(tiff, path, page, width, height, image.Span);
        return image;
    }

    private static BitMiracle.LibTiff.Classic.Tiff OpenRead(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such file.", path);
        return BitMiracle.LibTiff.Classic.Tiff.Open(path, "r")
            ?? throw new TiffFormatException(path, "header", "not a TIFF file (no valid TIFF header).");
    }

    private static (int Width, int Height, TiffPixelType Type) PageLayout(BitMiracle.LibTiff.Classic.Tiff tiff, string path, int page)
    {
        if (!tiff.SetDirectory((short)page))
            throw new TiffFormatException(path, $"page {page}", "cannot read the page directory.");
        int width = Field(tiff, TiffTag.IMAGEWIDTH, path, page, 0);
        int height = Field(tiff, TiffTag.IMAGELENGTH, path, page, 0);
        int bits = Field(tiff, TiffTag.BITSPERSAMPLE, path, page, 1);
        int samples = Field(tiff, TiffTag.SAMPLESPERPIXEL, path, page, 1);
        var format = (SampleFormat)Field(tiff, TiffTag.SAMPLEFORMAT, path, page, (int)SampleFormat.UINT);
        if (samples != 1)
            throw new TiffFormatException(path, $"page {page} SamplesPerPixel", $"expected 1 (greyscale), found {samples}.");
        if (tiff.IsTiled())
            throw new TiffFormatException(path, $"page {page} TileWidth", "tiled TIFF pages are not supported; expected strips.");
        if (width <= 0 || height <= 0)
            throw new TiffFormatException(path, $"page {page} ImageWidth/ImageLength", $"expected positive sizes, found {width}×{height}.");
        TiffPixelType type = (bits, format) switch
        {
            (8, SampleFormat.UINT or SampleFormat.VOID) => TiffPixelType.UInt8,
            (16, SampleFormat.UINT or SampleFormat.VOID) => TiffPixelType.UInt16,
            (16, SampleFormat.INT) => TiffPixelType.Int16,
            (32, SampleFormat.IEEEFP) => TiffPixelType.Float32,
            _ => throw new TiffFormatException(path, $"page {page} BitsPerSample/SampleFormat",
                $"expected 8/16-bit integers or 32-bit floats, found {bits}-bit {format}."),
        };
        return (width, height, type);
    }

    private static int Field(BitMiracle.LibTiff.Classic.Tiff tiff, TiffTag tag, string path, int page, int? fallback)
    {
        var value = tiff.GetField(tag);
        if (value is { Length: > 0 })
            return value[0].ToInt();
        return fallback ?? throw new TiffFormatException(path, $"page {page} {tag}", "required tag is missing.");
    }

    private static void ReadPage(BitMiracle.LibTiff.Classic.Tiff tiff, string path, int page, int width, int height, Span<float> destination)
    {
        var (w, h, type) = PageLayout(tiff, path, page);
        if (w != width || h != height)
            throw new TiffFormatException(path, $"page {page} ImageWidth/ImageLength", $"expected {width}×{height} like page 0, found {w}×{h}.");
        byte[] line = new byte[Math.Max(tiff.ScanlineSize(), width * BytesPerPixel(type))];
        for (int y = 0; y < height; y++)
        {
            if (!tiff.ReadScanline(line, y))
                throw new TiffFormatException(path, $"page {page} row {y}", "the strip data could not be decoded.");
            DecodeRow(type, line, destination.Slice(y * width, width));
        }
    }

    private static int BytesPerPixel(TiffPixelType type) => type switch
    {
        TiffPixelType.UInt8 => 1,
        TiffPixelType.UInt16 or TiffPixelType.Int16 => 2,
        _ => 4,
    };

    private static void DecodeRow(TiffPixelType type, ReadOnlySpan<byte> row, Span<float> destination)
    {
        switch (type)
        {
            case TiffPixelType.UInt8:
                for (int x = 0; x < destination.Length; x++)
                    destination[x] = row[x];
                break;
            case TiffPixelType.UInt16:
                var u = MemoryMarshal.Cast<byte, ushort>(row);
                for (int x = 0; x < destination.Length; x++)
                    destination[x] = u[x];
                break;
            case TiffPixelType.Int16:
                var s = MemoryMarshal.Cast<byte, short>(row);
                for (int x = 0; x < destination.Length; x++)
                    destination[x] = s[x];
                break;
            default:
                MemoryMarshal.Cast<byte, float>(row)[..destination.Length].CopyTo(destination);
                break;
        }
    }

    /// <summary>
    /// Writes each image of <paramref name="stack"/> as one page. Integer types round to nearest and saturate;
    /// files that would pass 4 GB are written as BigTIFF.
    /// </summary>
    public static void Write(string path, ImageStack stack, TiffWriteOptions? options = null)
    {
        options ??= TiffWriteOptions.Default;
        int bpp = BytesPerPixel(options.PixelType);
        bool big = (long)stack.ImageLength * stack.Count * bpp > uint.MaxValue / 2;
        using var tiff = BitMiracle.LibTiff.Classic.Tiff.Open(path, big ? "w8" : "w")
            ?? throw new IOException($"{path}: cannot create the TIFF file.");
        byte[] strip = new byte[stack.ImageLength * bpp];
        for (int page = 0; page < stack.Count; page++)
        {
            SetPageTags(tiff, stack.Width, stack.Height, page, stack.Count, options);
            EncodePage(options.PixelType, stack.Slice(page), strip);
            if (tiff.WriteEncodedStrip(0, strip, strip.Length) < 0)
                throw new IOException($"{path}: writing page {page} failed.");
            tiff.WriteDirectory();
        }
    }

    private static void SetPageTags(BitMiracle.LibTiff.Classic.Tiff tiff, int width, int height, int page, int pages, TiffWriteOptions options)
    {
        var (bits, format) = options.PixelType switch
        {
            TiffPixelType.UInt8 => (8, SampleFormat.UINT),
            TiffPixelType.UInt16 => (16, SampleFormat.UINT),
            TiffPixelType.Int16 => (16, SampleFormat.INT),
            _ => (32, SampleFormat.IEEEFP),
        };
        tiff.SetField(TiffTag.IMAGEWIDTH, width);
        tiff.SetField(TiffTag.IMAGELENGTH, height);
        tiff.SetField(TiffTag.BITSPERSAMPLE, bits);
        tiff.SetField(TiffTag.SAMPLEFORMAT, format);
        tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
        tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
        tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        tiff.SetField(TiffTag.ROWSPERSTRIP, height);
        tiff.SetField(TiffTag.SUBFILETYPE, FileType.PAGE);
        tiff.SetField(TiffTag.PAGENUMBER, page, pages);
        tiff.SetField(TiffTag.COMPRESSION, options.Compression switch
        {
            TiffCompression.Lzw => Compression.LZW,
            TiffCompression.Deflate => Compression.ADOBE_DEFLATE,
            _ => Compression.NONE,
        });
    }

    private static void EncodePage(TiffPixelType type, ReadOnlySpan<float> pixels, Span<byte> strip)
    {
        switch (type)
        {
            case TiffPixelType.UInt8:
                for (int i = 0; i < pixels.Length; i++)
                    strip[i] = (byte)Saturate(pixels[i], byte.MinValue, byte.MaxValue);
                break;
            case TiffPixelType.UInt16:
                var u = MemoryMarshal.Cast<byte, ushort>(strip);
                for (int i = 0; i < pixels.Length; i++)
                    u[i] = (ushort)Saturate(pixels[i], ushort.MinValue, ushort.MaxValue);
                break;
            case TiffPixelType.Int16:
                var s = MemoryMarshal.Cast<byte, short>(strip);
                for (int i = 0; i < pixels.Length; i++)
                    s[i] = (short)Saturate(pixels[i], short.MinValue, short.MaxValue);
                break;
            default:
                MemoryMarshal.AsBytes(pixels).CopyTo(strip);
                break;
        }
    }

    private static int Saturate(float value, int min, int max)
    {
        if (float.IsNaN(value))
            return 0;
        double r = Math.Round((double)value, MidpointRounding.ToEven);
        return r < min ? min : r > max ? max : (int)r;
    }
}
