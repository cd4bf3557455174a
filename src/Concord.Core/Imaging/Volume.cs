namespace Concord.Core.Imaging;

/// <summary>
/// A 3D float32 volume in MRC order: voxel (x, y, z) is at index (z·NY + y)·NX + x. Owns a pooled buffer; dispose it.
/// The centre of a volume of size N along an axis is voxel N/2 (integer division), as in RELION.
/// </summary>
public sealed class Volume : IDisposable
{
    private readonly PooledBuffer _buffer;

    /// <summary>A zero-filled volume.</summary>
    public Volume(int nx, int ny, int nz, double pixelSizeA = 1.0) : this(nx, ny, nz, pixelSizeA, clear: true) { }

    private Volume(int nx, int ny, int nz, double pixelSizeA, bool clear)
    {
        InvalidDimensionsException.ThrowIfNotPositive(nx, ny, nz, "Volume");
        Image2D.ValidatePixelSize(pixelSizeA);
        NX = nx;
        NY = ny;
        NZ = nz;
        PixelSizeA = pixelSizeA;
        _buffer = new PooledBuffer(nx * ny * nz, clear);
    }

    /// <summary>A cube of side <paramref name="n"/>.</summary>
    public static Volume Cube(int n, double pixelSizeA = 1.0) => new(n, n, n, pixelSizeA);

    public static Volume FromVoxels(int nx, int ny, int nz, ReadOnlySpan<float> voxels, double pixelSizeA = 1.0)
    {
        var volume = new Volume(nx, ny, nz, pixelSizeA, clear: false);
        ShapeMismatchException.ThrowIfLengthDiffers(voxels.Length, (long)nx * ny * nz, $"Volume {nx}×{ny}×{nz} voxels");
        voxels.CopyTo(volume.Span);
        return volume;
    }

    public static Volume CreateUninitialized(int nx, int ny, int nz, double pixelSizeA = 1.0) => new(nx, ny, nz, pixelSizeA, clear: false);

    public int NX { get; }
    public int NY { get; }
    public int NZ { get; }
    public int Length => NX * NY * NZ;
    public bool IsCube => NX == NY && NY == NZ;

    /// <summary>Voxel size in Å.</summary>
    public double PixelSizeA { get; set; }

    public Span<float> Span => _buffer.Span;
    public Memory<float> Memory => _buffer.Memory;

    /// <summary>The z-th section (NX·NY voxels).</summary>
    public Span<float> Slice(int z) => _buffer.Span.Slice(z * NX * NY, NX * NY);

    public ref float this[int x, int y, int z] => ref _buffer.Span[(z * NY + y) * NX + x];

    public Volume Clone() => FromVoxels(NX, NY, NZ, Span, PixelSizeA);

    public bool HasSameShape(Volume other) => other.NX == NX && other.NY == NY && other.NZ == NZ;

    public void RequireSameShape(Volume other, string what)
    {
        if (!HasSameShape(other))
            throw new ShapeMismatchException($"{what}: volumes differ in size ({NX}×{NY}×{NZ} vs {other.NX}×{other.NY}×{other.NZ}).");
    }

    public void Dispose() => _buffer.Dispose();

    public override string ToString() => $"Volume {NX}×{NY}×{NZ} @ {PixelSizeA:G4} Å/px";
}
