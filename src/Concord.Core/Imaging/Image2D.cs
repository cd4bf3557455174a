namespace Concord.Core.Imaging;

/// <summary>
/// A 2D float32 image in MRC order (row-major, x fastest): pixel (x, y) is at index y·Width + x.
/// Owns a pooled buffer; dispose it when done. Verbs (methods named as actions) mutate in place; <c>As*</c>/<c>Clone</c>
/// return new images. The pixel size is in Å.
/// </summary>
public sealed class Image2D : IDisposable
{
    private readonly PooledBuffer _buffer;

    /// <summary>A zero-filled image.</summary>
    public Image2D(int width, int height, double pixelSizeA = 1.0) : this(width, height, pixelSizeA, clear: true) { }

    private Image2D(int width, int height, double pixelSizeA, bool clear)
    {
        InvalidDimensionsException.ThrowIfNotPositive(width, height, 1, "Image2D");
        ValidatePixelSize(pixelSizeA);
        Width = width;
        Height = height;
        PixelSizeA = pixelSizeA;
        _buffer = new PooledBuffer(width * height, clear);
    }

    /// <summary>An image holding a copy of <paramref name="pixels"/> (length Width·Height).</summary>
    public static Image2D FromPixels(int width, int height, ReadOnlySpan<float> pixels, double pixelSizeA = 1.0)
    {
        var image = new Image2D(width, height, pixelSizeA, clear: false);
        ShapeMismatchException.ThrowIfLengthDiffers(pixels.Length, (long)width * height, $"Image2D {width}×{height} pixels");
        pixels.CopyTo(image.Span);
        return image;
    }

    /// <summary>An image whose contents are undefined, for callers that overwrite every pixel.</summary>
    public static Image2D CreateUninitialized(int width, int height, double pixelSizeA = 1.0) => new(width, height, pixelSizeA, clear: false);

    public int Width { get; }
    public int Height { get; }
    public int Length => Width * Height;

    /// <summary>Pixel size in Å.</summary>
    public double PixelSizeA { get; set; }

    public Span<float> Span => _buffer.Span;
    public Memory<float> Memory => _buffer.Memory;

    public Span<float> Row(int y) => _buffer.Span.Slice(y * Width, Width);

    public ref float this[int x, int y] => ref _buffer.Span[y * Width + x];

    public Image2D Clone() => FromPixels(Width, Height, Span, PixelSizeA);

    public bool HasSameShape(Image2D other) => other.Width == Width && other.Height == Height;

    /// <summary>Throws <see cref="ShapeMismatchException"/> unless <paramref name="other"/> has this image's size.</summary>
    public void RequireSameShape(Image2D other, string what)
    {
        if (!HasSameShape(other))
            throw new ShapeMismatchException($"{what}: images differ in size ({Width}×{Height} vs {other.Width}×{other.Height}).");
    }

    public void Dispose() => _buffer.Dispose();

    public override string ToString() => $"Image2D {Width}×{Height} @ {PixelSizeA:G4} Å/px";

    internal static void ValidatePixelSize(double pixelSizeA)
    {
        if (!(pixelSizeA > 0) || double.IsInfinity(pixelSizeA))
            throw new InvalidParameterException("PixelSizeA", $"must be a positive finite number of Å, got {pixelSizeA}.");
    }
}
