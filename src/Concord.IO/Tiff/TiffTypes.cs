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
