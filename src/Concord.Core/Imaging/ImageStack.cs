namespace Concord.Core.Imaging;

/// <summary>
/// A contiguous stack of same-sized 2D images (particles, movie frames): image i occupies
/// [i·Width·Height, (i+1)·Width·Height). Owns a pooled buffer; dispose it.
/// </summary>
public sealed class ImageStack : IDisposable
{
    private readonly PooledBuffer _buffer;

    public ImageStack(int width, int height, int count, double pixelSizeA = 1.0) : this(width, height, count, pixelSizeA, clear: true) { }

    private ImageStack(int width, int height, int count, double pixelSizeA, bool clear)
    {
        InvalidDimensionsException.ThrowIfNotPositive(width, height, count, "ImageStack");
        Image2D.ValidatePixelSize(pixelSizeA);
        Width = width;
        Height = height;
        Count = count;
        PixelSizeA = pixelSizeA;
        _buffer = new PooledBuffer(width * height * count, clear);
    }

    public static ImageStack CreateUninitialized(int width, int height, int count, double pixelSizeA = 1.0) => new(width, height, count, pixelSizeA, clear: false);

    public int Width { get; }
    public int Height { get; }
    public int Count { get; }
    public int ImageLength => Width * Height;

    /// <summary>Pixel size in Å.</summary>
    public double PixelSizeA { get; set; }

    /// <summary>All pixels of all images.</summary>
    public Span<float> Span => _buffer.Span;
    public Memory<float> Memory => _buffer.Memory;

    /// <summary>Pixels of image <paramref name="index"/> (0-based).</summary>
    public Span<float> Slice(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Stack holds {Count} images.");
        return _buffer.Span.Slice(index * ImageLength, ImageLength);
    }

    /// <summary>A copy of image <paramref name="index"/>.</summary>
    public Image2D GetImage(int index) => Image2D.FromPixels(Width, Height, Slice(index), PixelSizeA);

    /// <summary>Overwrites image <paramref name="index"/> with <paramref name="image"/>.</summary>
    public void SetImage(int index, Image2D image)
    {
        if (image.Width != Width || image.Height != Height)
            throw new ShapeMismatchException($"ImageStack.SetImage: image is {image.Width}×{image.Height}, stack holds {Width}×{Height}.");
        image.Span.CopyTo(Slice(index));
    }

    public void Dispose() => _buffer.Dispose();

    public override string ToString() => $"ImageStack {Count} × {Width}×{Height} @ {PixelSizeA:G4} Å/px";
}
