using System.Runtime.InteropServices;

using BitMiracle.LibTiff.Classic;

using Concord.Core.Imaging;

namespace Concord.IO.Tiff;

/// <summary>
/// Reads a multi-page TIFF movie frame by frame (counting cameras: one greyscale page per frame, 8/16-bit integers or
/// 32-bit floats, uncompressed, LZW or deflate strips) through BitMiracle.LibTiff.NET, so a movie larger than memory
/// can be streamed. Every page must share the first page's size and pixel type. Not thread-safe (LibTiff keeps a cursor).
/// </summary>
public sealed class TiffMovieReader : IDisposable
{
    private readonly BitMiracle.LibTiff.Classic.Tiff _tiff;
    private readonly byte[] _line;

    private TiffMovieReader(string path, BitMiracle.LibTiff.Classic.Tiff tiff)
    {
        Path = path;
        _tiff = tiff;
        var (width, height, type) = PageLayout(0);
        var compression = (Compression)_tiff.GetField(TiffTag.COMPRESSION)[0].ToInt();
        Info = new TiffMovieInfo(width, height, _tiff.NumberOfDirectories(), type, compression.ToString());
        _line = new byte[Math.Max(_tiff.ScanlineSize(), width * TiffMovie.BytesPerPixel(type))];
    }

    public string Path { get; }
    public TiffMovieInfo Info { get; }
    public int Width => Info.Width;
    public int Height => Info.Height;
    public int FrameCount => Info.FrameCount;

    public static TiffMovieReader Open(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such file.", path);
        var tiff = BitMiracle.LibTiff.Classic.Tiff.Open(path, "r")
            ?? throw new TiffFormatException(path, "header", "not a TIFF file (no valid TIFF header).");
        try
        {
            return new TiffMovieReader(path, tiff);
        }
        catch
        {
            tiff.Dispose();
            throw;
        }
    }

    /// <summary>Reads frame <paramref name="page"/> (0-based) into a new image.</summary>
    public Image2D ReadFrame(int page, double pixelSizeA = 1.0)
    {
        var image = Image2D.CreateUninitialized(Width, Height, pixelSizeA);
        try
        {
            ReadFrame(page, image.Span);
            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    /// <summary>Reads frame <paramref name="page"/> into <paramref name="destination"/> (Width·Height floats).</summary>
    public void ReadFrame(int page, Span<float> destination)
    {
        if ((uint)page >= (uint)FrameCount)
            throw new ArgumentOutOfRangeException(nameof(page), page, $"{Path} holds {FrameCount} frames.");
        Core.ShapeMismatchException.ThrowIfLengthDiffers(destination.Length, (long)Width * Height, "TiffMovieReader.ReadFrame destination");
        var (w, h, type) = PageLayout(page);
        if (w != Width || h != Height || type != Info.PixelType)
            throw new TiffFormatException(Path, $"page {page}", $"expected {Width}×{Height} {Info.PixelType} like page 0, found {w}×{h} {type}.");
        for (int y = 0; y < Height; y++)
        {
            if (_tiff.ReadScanline(_line, y) != true)
                throw new TiffFormatException(Path, $"page {page} row {y}", "the strip data could not be decoded.");
            DecodeRow(type, _line, destination.Slice(y * Width, Width));
        }
    }

    private (int Width, int Height, TiffPixelType Type) PageLayout(int page)
    {
        if (!_tiff.SetDirectory((short)page))
            throw new TiffFormatException(Path, $"page {page}", "cannot read the page directory.");
        int width = Field(TiffTag.IMAGEWIDTH, page, null);
        int height = Field(TiffTag.IMAGELENGTH, page, null);
        int bits = Field(TiffTag.BITSPERSAMPLE, page, 1);
        int samples = Field(TiffTag.SAMPLESPERPIXEL, page, 1);
        var format = (SampleFormat)Field(TiffTag.SAMPLEFORMAT, page, (int)SampleFormat.UINT);
        if (samples != 1)
            throw new TiffFormatException(Path, $"page {page} SamplesPerPixel", $"expected 1 (greyscale), found {samples}.");
        if (_tiff.IsTiled())
            throw new TiffFormatException(Path, $"page {page} TileWidth", "tiled TIFF pages are not supported; expected strips.");
        if (width <= 0 || height <= 0 || (long)width * height > Array.MaxLength)
            throw new TiffFormatException(Path, $"page {page} ImageWidth/ImageLength", $"expected positive sizes that fit one buffer, found {width}×{height}.");
        TiffPixelType type = (bits, format) switch
        {
            (8, SampleFormat.UINT or SampleFormat.VOID) => TiffPixelType.UInt8,
            (16, SampleFormat.UINT or SampleFormat.VOID) => TiffPixelType.UInt16,
            (16, SampleFormat.INT) => TiffPixelType.Int16,
            (32, SampleFormat.IEEEFP) => TiffPixelType.Float32,
            _ => throw new TiffFormatException(Path, $"page {page} BitsPerSample/SampleFormat",
                $"expected 8/16-bit integers or 32-bit floats, found {bits}-bit {format}."),
        };
        return (width, height, type);
    }

    private int Field(TiffTag tag, int page, int? fallback)
    {
        var value = _tiff.GetField(tag);
        if (value is { Length: > 0 })
            return value[0].ToInt();
        return fallback ?? throw new TiffFormatException(Path, $"page {page} {tag}", "required tag is missing.");
    }

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

    public void Dispose() => _tiff.Dispose();
}
