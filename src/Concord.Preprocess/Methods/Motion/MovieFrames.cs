using Concord.Core;
using Concord.Core.Imaging;

namespace Concord.Preprocess.Methods.Motion;

/// <summary>
/// A movie read one frame at a time, so motion correction never holds the raw frames and their spectra at once (a
/// 4096² × 40 movie is 2.7 GB as floats). <see cref="Read"/> fills a Width·Height span with frame f (0-based); it is
/// called from one thread at a time, in any order, and may be called twice per frame (once for defect detection).
/// </summary>
public sealed class MovieFrames
{
    public MovieFrames(int width, int height, int count, double pixelSizeA, Action<int, Span<float>> read)
    {
        if (count < 1)
            throw new InvalidDimensionsException("Motion correction: the movie has no frames; at least one is needed.");
        InvalidDimensionsException.ThrowIfNotPositive(width, height, count, "MovieFrames");
        if (!(pixelSizeA > 0) || double.IsInfinity(pixelSizeA))
            throw new InvalidParameterException(nameof(pixelSizeA), $"must be a positive finite number of Å, got {pixelSizeA}.");
        Width = width;
        Height = height;
        Count = count;
        PixelSizeA = pixelSizeA;
        ReadFrame = read ?? throw new ArgumentNullException(nameof(read));
    }

    public int Width { get; }
    public int Height { get; }
    public int Count { get; }
    public double PixelSizeA { get; }
    public int FrameLength => Width * Height;

    private Action<int, Span<float>> ReadFrame { get; }

    /// <summary>Reads frame <paramref name="frame"/> into <paramref name="destination"/> (Width·Height floats).</summary>
    public void Read(int frame, Span<float> destination)
    {
        if ((uint)frame >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(frame), frame, $"The movie has frames 0…{Count - 1}.");
        ShapeMismatchException.ThrowIfLengthDiffers(destination.Length, FrameLength, "movie frame");
        ReadFrame(frame, destination);
    }

    /// <summary>The frames of an in-memory stack (left unchanged).</summary>
    public static MovieFrames FromStack(ImageStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return new MovieFrames(stack.Width, stack.Height, stack.Count, stack.PixelSizeA, (f, destination) => stack.Slice(f).CopyTo(destination));
    }
}
