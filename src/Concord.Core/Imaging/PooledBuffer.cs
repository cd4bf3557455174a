using System.Buffers;

namespace Concord.Core.Imaging;

/// <summary>
/// A float buffer rented from <see cref="ArrayPool{T}.Shared"/> and returned on dispose, so the many
/// same-sized images of a pipeline reuse memory instead of churning the large-object heap.
/// </summary>
internal sealed class PooledBuffer : IDisposable
{
    private float[]? _array;

    public PooledBuffer(int length, bool clear)
    {
        Length = length;
        _array = ArrayPool<float>.Shared.Rent(length);
        if (clear)
            System.Array.Clear(_array, 0, length);
    }

    public int Length { get; }

    public float[] Array => _array ?? throw new ObjectDisposedException(nameof(PooledBuffer), "The image buffer was already disposed.");

    public Span<float> Span => Array.AsSpan(0, Length);

    public Memory<float> Memory => Array.AsMemory(0, Length);

    public void Dispose()
    {
        var a = Interlocked.Exchange(ref _array, null);
        if (a is not null)
            ArrayPool<float>.Shared.Return(a);
    }
}
