using Concord.IO.Mrc;
using Concord.IO.Tiff;

namespace Concord.IO;

/// <summary>The file formats Concord reads.</summary>
public enum FileFormat
{
    Unknown,
    Mrc,
    Tiff,
    Star,
}

/// <summary>How an image file stores its pixels.</summary>
public enum SampleType
{
    UInt4,
    Int8,
    UInt8,
    Int16,
    UInt16,
    Float16,
    Float32,
}

/// <summary>A file of 2D images (an MRC image/stack/volume's sections, a TIFF movie's frames) read one image at a time.</summary>
public interface IImageSource : IDisposable
{
    string Path { get; }
    int Width { get; }
    int Height { get; }

    /// <summary>Number of 2D images (sections, frames).</summary>
    int Count { get; }

    /// <summary>Pixel size in Å.</summary>
    double PixelSizeA { get; }

    /// <summary>How the file stores pixels, to pick a lossless output type.</summary>
    SampleType SampleType { get; }

    /// <summary>Reads image <paramref name="index"/> (0-based) into <paramref name="destination"/> (Width·Height floats).</summary>
    void Read(int index, Span<float> destination);
}

/// <summary>Recognises file formats and opens image files uniformly.</summary>
public static class ImageFiles
{
    /// <summary>The format of <paramref name="path"/>: by extension, else by content (TIFF byte-order mark, MRC 'MAP ' stamp, STAR keywords).</summary>
    public static FileFormat Detect(string path)
    {
        string ext = System.IO.Path.GetExtension(path).ToLowerInvariant();
        switch (ext)
        {
            case ".mrc" or ".mrcs" or ".map" or ".st" or ".ali" or ".rec":
                return FileFormat.Mrc;
            case ".tif" or ".tiff":
                return FileFormat.Tiff;
            case ".star":
                return FileFormat.Star;
        }
        return File.Exists(path) ? Sniff(path) : FileFormat.Unknown;
    }

    /// <summary>The format an output path asks for, by extension only.</summary>
    public static FileFormat FromExtension(string path) =>
        System.IO.Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".mrc" or ".mrcs" or ".map" or ".st" or ".ali" or ".rec" => FileFormat.Mrc,
            ".tif" or ".tiff" => FileFormat.Tiff,
            ".star" => FileFormat.Star,
            _ => FileFormat.Unknown,
        };

    private static FileFormat Sniff(string path)
    {
        Span<byte> head = stackalloc byte[MrcHeader.Size];
        using var stream = File.OpenRead(path);
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..n];
        if (n >= 4 && (head[..4].SequenceEqual("II*\0"u8) || head[..4].SequenceEqual("MM\0*"u8) || head[..4].SequenceEqual("II+\0"u8)))
            return FileFormat.Tiff;
        if (n >= 212 && head.Slice(208, 4).SequenceEqual("MAP "u8))
            return FileFormat.Mrc;
        if (head.IndexOf("data_"u8) >= 0)
            return FileFormat.Star;
        return FileFormat.Unknown;
    }

    /// <summary>Opens an MRC or TIFF file for image-by-image reading. <paramref name="pixelSizeA"/> overrides the file's pixel size (TIFF has none).</summary>
    public static IImageSource OpenImages(string path, double? pixelSizeA = null) => Detect(path) switch
    {
        FileFormat.Mrc => new MrcSource(MrcReader.Open(path), pixelSizeA),
        FileFormat.Tiff => new TiffSource(TiffMovieReader.Open(path), pixelSizeA ?? 1.0),
        var other => throw new Core.InvalidParameterException("input", $"{path} is not an MRC or TIFF image file (detected: {other})."),
    };

    private sealed class MrcSource(MrcReader reader, double? pixelSizeA) : IImageSource
    {
        public string Path => reader.Path;
        public int Width => reader.Width;
        public int Height => reader.Height;
        public int Count => reader.ImageCount;
        public double PixelSizeA => pixelSizeA ?? reader.PixelSizeA;

        public SampleType SampleType => reader.Mode switch
        {
            MrcMode.Int8 => SampleType.Int8,
            MrcMode.Int16 => SampleType.Int16,
            MrcMode.UInt16 => SampleType.UInt16,
            MrcMode.Float16 => SampleType.Float16,
            MrcMode.Packed4Bit => SampleType.UInt4,
            _ => SampleType.Float32,
        };

        public void Read(int index, Span<float> destination) => reader.ReadImage(index, destination);

        public void Dispose() => reader.Dispose();
    }

    private sealed class TiffSource(TiffMovieReader reader, double pixelSizeA) : IImageSource
    {
        public string Path => reader.Path;
        public int Width => reader.Width;
        public int Height => reader.Height;
        public int Count => reader.FrameCount;
        public double PixelSizeA => pixelSizeA;

        public SampleType SampleType => reader.Info.PixelType switch
        {
            TiffPixelType.UInt8 => SampleType.UInt8,
            TiffPixelType.UInt16 => SampleType.UInt16,
            TiffPixelType.Int16 => SampleType.Int16,
            _ => SampleType.Float32,
        };

        public void Read(int index, Span<float> destination) => reader.ReadFrame(index, destination);

        public void Dispose() => reader.Dispose();
    }
}
