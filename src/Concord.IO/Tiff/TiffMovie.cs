using Concord.Core.Imaging;

namespace Concord.IO.Tiff;

/// <summary>Whole-movie conveniences over <see cref="TiffMovieReader"/> and <see cref="TiffMovieWriter"/>.</summary>
public static class TiffMovie
{
    public static TiffMovieInfo ReadInfo(string path)
    {
        using var reader = TiffMovieReader.Open(path);
        return reader.Info;
    }

    /// <summary>Reads every frame into a stack (pixel size from the caller; TIFF movies carry none Concord trusts).</summary>
    public static ImageStack Read(string path, double pixelSizeA = 1.0)
    {
        using var reader = TiffMovieReader.Open(path);
        var stack = ImageStack.CreateUninitialized(reader.Width, reader.Height, reader.FrameCount, pixelSizeA);
        try
        {
            for (int page = 0; page < reader.FrameCount; page++)
                reader.ReadFrame(page, stack.Slice(page));
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
        using var reader = TiffMovieReader.Open(path);
        return reader.ReadFrame(page, pixelSizeA);
    }

    /// <summary>Writes each image of <paramref name="stack"/> as one page; movies that would pass 2 GB are written as BigTIFF.</summary>
    public static void Write(string path, ImageStack stack, TiffWriteOptions? options = null)
    {
        options ??= TiffWriteOptions.Default;
        bool big = (long)stack.ImageLength * stack.Count * BytesPerPixel(options.PixelType) > int.MaxValue;
        using var writer = new TiffMovieWriter(path, stack.Width, stack.Height, options, big);
        for (int i = 0; i < stack.Count; i++)
            writer.Append(stack.Slice(i));
    }

    internal static int BytesPerPixel(TiffPixelType type) => type switch
    {
        TiffPixelType.UInt8 => 1,
        TiffPixelType.UInt16 or TiffPixelType.Int16 => 2,
        _ => 4,
    };
}
