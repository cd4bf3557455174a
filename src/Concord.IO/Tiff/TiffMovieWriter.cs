using System.Runtime.InteropServices;

using BitMiracle.LibTiff.Classic;

namespace Concord.IO.Tiff;

/// <summary>
/// Writes a multi-page TIFF movie one frame at a time (one strip per page). Integer pixel types round to nearest
/// (ties to even) and saturate. Pass <c>bigTiff</c> for movies that may pass 4 GB.
/// </summary>
public sealed class TiffMovieWriter : IDisposable
{
    private readonly BitMiracle.LibTiff.Classic.Tiff _tiff;
    private readonly TiffWriteOptions _options;
    private readonly byte[] _strip;

    public TiffMovieWriter(string path, int width, int height, TiffWriteOptions? options = null, bool bigTiff = false)
    {
        Core.InvalidDimensionsException.ThrowIfNotPositive(width, height, 1, "TiffMovieWriter");
        Path = path;
        Width = width;
        Height = height;
        _options = options ?? TiffWriteOptions.Default;
        _strip = new byte[(long)width * height * TiffMovie.BytesPerPixel(_options.PixelType) is var n && n <= Array.MaxLength ? (int)n
            : throw new Core.InvalidDimensionsException($"TiffMovieWriter: a {width}×{height} frame exceeds one strip buffer.")];
        _tiff = BitMiracle.LibTiff.Classic.Tiff.Open(path, bigTiff ? "w8" : "w") ?? throw new IOException($"{path}: cannot create the TIFF file.");
    }

    public string Path { get; }
    public int Width { get; }
    public int Height { get; }

    /// <summary>Frames written so far.</summary>
    public int Count { get; private set; }

    /// <summary>Appends one frame of Width·Height pixels as a new page.</summary>
    public void Append(ReadOnlySpan<float> pixels)
    {
        Core.ShapeMismatchException.ThrowIfLengthDiffers(pixels.Length, (long)Width * Height, $"TiffMovieWriter {Path} frame");
        SetPageTags();
        Encode(_options.PixelType, pixels, _strip);
        if (_tiff.WriteEncodedStrip(0, _strip, _strip.Length) < 0)
            throw new IOException($"{Path}: writing page {Count} failed.");
        _tiff.WriteDirectory();
        Count++;
    }

    private void SetPageTags()
    {
        var (bits, format) = _options.PixelType switch
        {
            TiffPixelType.UInt8 => (8, SampleFormat.UINT),
            TiffPixelType.UInt16 => (16, SampleFormat.UINT),
            TiffPixelType.Int16 => (16, SampleFormat.INT),
            _ => (32, SampleFormat.IEEEFP),
        };
        _tiff.SetField(TiffTag.IMAGEWIDTH, Width);
        _tiff.SetField(TiffTag.IMAGELENGTH, Height);
        _tiff.SetField(TiffTag.BITSPERSAMPLE, bits);
        _tiff.SetField(TiffTag.SAMPLEFORMAT, format);
        _tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
        _tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
        _tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        _tiff.SetField(TiffTag.ROWSPERSTRIP, Height);
        _tiff.SetField(TiffTag.SUBFILETYPE, FileType.PAGE);
        _tiff.SetField(TiffTag.COMPRESSION, _options.Compression switch
        {
            TiffCompression.Lzw => Compression.LZW,
            TiffCompression.Deflate => Compression.ADOBE_DEFLATE,
            _ => Compression.NONE,
        });
    }

    private static void Encode(TiffPixelType type, ReadOnlySpan<float> pixels, Span<byte> strip)
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

    public void Dispose() => _tiff.Dispose();
}
