using Concord.Core.Imaging;

namespace Concord.Core.Learning;

/// <summary>The shape of one sample: <paramref name="Channels"/> planes of <paramref name="Height"/>×<paramref name="Width"/> (x fastest).</summary>
public readonly record struct TensorShape(int Channels, int Height, int Width)
{
    /// <summary>Number of values in one sample (C·H·W).</summary>
    public int Size => Channels * Height * Width;

    public override string ToString() => $"{Channels}x{Height}x{Width}";

    internal void Validate(string what) => InvalidDimensionsException.ThrowIfNotPositive(Width, Height, Channels, what);
}

/// <summary>
/// A batch of samples laid out [N, C, H, W], row-major with x fastest (the MRC order of <see cref="Image2D"/>), in one
/// float array. The array may be longer than N·C·H·W so that a buffer sized for a full batch also serves the smaller
/// last batch of an epoch (<see cref="Resize"/>).
/// </summary>
public sealed class Tensor4
{
    public Tensor4(int count, TensorShape shape)
    {
        shape.Validate("Tensor4 sample shape");
        if (count < 0)
            throw new InvalidDimensionsException($"Tensor4: the sample count must not be negative, got {count}.");
        Shape = shape;
        Count = count;
        Data = new float[checked(count * shape.Size)];
    }

    public Tensor4(int count, int channels, int height, int width) : this(count, new TensorShape(channels, height, width)) { }

    private Tensor4(int count, TensorShape shape, float[] data)
    {
        Shape = shape;
        Count = count;
        Data = data;
    }

    /// <summary>Number of samples N in use.</summary>
    public int Count { get; private set; }

    public TensorShape Shape { get; }

    /// <summary>The backing store; only the first <see cref="Length"/> values belong to the batch.</summary>
    public float[] Data { get; }

    public int Length => Count * Shape.Size;

    public Span<float> Span => Data.AsSpan(0, Length);

    /// <summary>The C·H·W values of sample <paramref name="index"/>.</summary>
    public Span<float> Sample(int index) => Data.AsSpan(index * Shape.Size, Shape.Size);

    /// <summary>Wraps existing data ([N, C, H, W], exactly N·C·H·W values) without copying.</summary>
    public static Tensor4 Wrap(float[] data, int count, TensorShape shape)
    {
        shape.Validate("Tensor4 sample shape");
        ShapeMismatchException.ThrowIfLengthDiffers(data.Length, (long)count * shape.Size, $"Tensor4 data for {count} samples of {shape}");
        return new Tensor4(count, shape, data);
    }

    /// <summary>Packs single-channel square or rectangular images (all the same size) into an [N, 1, H, W] batch.</summary>
    public static Tensor4 FromImages(IReadOnlyList<Image2D> images)
    {
        if (images.Count == 0)
            throw new InvalidDimensionsException("Tensor4.FromImages: no images given.");
        var first = images[0];
        var batch = new Tensor4(images.Count, new TensorShape(1, first.Height, first.Width));
        for (int i = 0; i < images.Count; i++)
        {
            images[i].RequireSameShape(first, $"Tensor4.FromImages image {i}");
            images[i].Span.CopyTo(batch.Sample(i));
        }
        return batch;
    }

    /// <summary>Uses the first <paramref name="count"/> samples of the backing store (no allocation, contents kept).</summary>
    internal void Resize(int count)
    {
        if (count < 0 || (long)count * Shape.Size > Data.Length)
            throw new InvalidDimensionsException($"Tensor4: cannot hold {count} samples of {Shape} in {Data.Length} values.");
        Count = count;
    }

    /// <summary>Returns this tensor if it can hold <paramref name="count"/> samples of <paramref name="shape"/>, else a new one.</summary>
    internal static Tensor4 Ensure(Tensor4? existing, int count, TensorShape shape)
    {
        if (existing is null || existing.Shape != shape || existing.Data.Length < count * shape.Size)
            return new Tensor4(count, shape);
        existing.Resize(count);
        return existing;
    }
}
