using System.Buffers;

using Concord.Core.Imaging;

using Microsoft.Win32.SafeHandles;

namespace Concord.IO.Mrc;

/// <summary>
/// Reads an MRC/MRCS file with positional reads: one image of a stack costs one seek and one section's bytes, so
/// stacks far larger than memory (and than 4 GB; offsets are 64-bit) are read by index. Safe to call from several
/// threads at once (reads are positional, the handle has no shared cursor). Non-standard MAPC/MAPR/MAPS orders are
/// honoured by permuting into X-fastest order; such files are read whole.
/// </summary>
public sealed class MrcReader : IDisposable
{
    private readonly IByteSource _source;

    private MrcReader(string path, IByteSource source, MrcHeader header, long fileLength)
    {
        Path = path;
        _source = source;
        Header = header;
        FileLength = fileLength;
        (Width, Height, Depth) = LogicalDimensions(header);
    }

    public string Path { get; }
    public MrcHeader Header { get; }
    public long FileLength { get; }

    /// <summary>Size along X after applying the axis order.</summary>
    public int Width { get; }

    /// <summary>Size along Y after applying the axis order.</summary>
    public int Height { get; }

    /// <summary>Number of Z sections (images of a stack) after applying the axis order.</summary>
    public int Depth { get; }

    public MrcMode Mode => Header.DataMode;

    /// <summary>Pixel size in Å from the cell, or 1 Å when the file does not define one.</summary>
    public double PixelSizeA => Header.PixelSizeA ?? 1.0;

    /// <summary>Number of 2D images (sections) in the file.</summary>
    public int ImageCount => Depth;

    /// <summary>Number of volumes: NZ/MZ for a volume stack, otherwise 1.</summary>
    public int VolumeCount => Header.Content == MrcContent.VolumeStack ? Header.NZ / Header.MZ : 1;

    /// <summary>Opens <paramref name="path"/> and validates its header and size against the file length.</summary>
    public static MrcReader Open(string path) =>
        Open(new FileSource(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess)), path);

    /// <summary>Reads an MRC file already in memory (a download, an archive member); <paramref name="name"/> appears in errors.</summary>
    public static MrcReader Open(ReadOnlyMemory<byte> bytes, string name) => Open(new MemorySource(bytes), name);

    private static MrcReader Open(IByteSource source, string path)
    {
        try
        {
            long length = source.Length;
            Span<byte> bytes = stackalloc byte[MrcHeader.Size];
            int read = source.Read(bytes, 0);
            var header = MrcHeader.Parse(bytes[..read], path);
            long expected = header.DataOffset + header.SectionBytes * header.NZ;
            if (length < expected)
                throw MrcFormatException.Truncated(path, expected, length);
            return new MrcReader(path, source, header, length);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>Reads image (section) <paramref name="index"/> (0-based) into a new image.</summary>
    public Image2D ReadImage(int index)
    {
        var image = Image2D.CreateUninitialized(Width, Height, PixelSizeA);
        try
        {
            ReadImage(index, image.Span);
            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    /// <summary>Reads image <paramref name="index"/> into <paramref name="destination"/> (Width·Height floats).</summary>
    public void ReadImage(int index, Span<float> destination)
    {
        if ((uint)index >= (uint)Depth)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{Path} holds {Depth} images.");
        Core.ShapeMismatchException.ThrowIfLengthDiffers(destination.Length, (long)Width * Height, "MrcReader.ReadImage destination");
        if (Header.HasStandardAxisOrder)
        {
            ReadSections(index, 1, destination);
            return;
        }
        var all = new float[CheckedVolumeLength()];
        ReadPermuted(all);
        all.AsSpan(index * Width * Height, Width * Height).CopyTo(destination);
    }

    /// <summary>Reads images [start, start+count) into a new stack.</summary>
    public ImageStack ReadStack(int start = 0, int count = -1)
    {
        if (count < 0)
            count = Depth - start;
        if (start < 0 || count <= 0 || start + count > Depth)
            throw new ArgumentOutOfRangeException(nameof(count), $"images [{start}, {start + count}) are outside the {Depth} of {Path}.");
        if ((long)Width * Height * count > Array.MaxLength)
            throw new MrcFormatException(Path, "NZ", $"{count} images of {Width}×{Height} do not fit one buffer; read them by index.");
        var stack = ImageStack.CreateUninitialized(Width, Height, count, PixelSizeA);
        for (int i = 0; i < count; i++)
            ReadImage(start + i, stack.Slice(i));
        return stack;
    }

    /// <summary>Reads volume <paramref name="index"/> (0 for a plain volume; up to <see cref="VolumeCount"/>−1 for a volume stack).</summary>
    public Volume ReadVolume(int index = 0)
    {
        if ((uint)index >= (uint)VolumeCount)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{Path} holds {VolumeCount} volumes.");
        if (!Header.HasStandardAxisOrder && VolumeCount > 1)
            throw new MrcFormatException(Path, "MAPC/MAPR/MAPS", "volume stacks are read in the standard axis order 1, 2, 3 only.");
        int nz = Depth / VolumeCount;
        var volume = Volume.CreateUninitialized(Width, Height, CheckedLength(nz), PixelSizeA);
        try
        {
            if (Header.HasStandardAxisOrder)
                ReadSections(index * nz, nz, volume.Span);
            else
                ReadPermuted(volume.Span);
            return volume;
        }
        catch
        {
            volume.Dispose();
            throw;
        }
    }

    private int CheckedVolumeLength() => Width * Height * CheckedLength(Depth);

    private int CheckedLength(int nz)
    {
        if ((long)Width * Height * nz > Array.MaxLength)
            throw new MrcFormatException(Path, "NX/NY/NZ", $"{Width}×{Height}×{nz} voxels exceed the largest buffer ({Array.MaxLength}).");
        return nz;
    }

    /// <summary>Reads <paramref name="count"/> consecutive file sections starting at <paramref name="first"/>, decoding as it goes.</summary>
    private void ReadSections(int first, int count, Span<float> destination)
    {
        int sectionPixels = Header.NX * Header.NY;
        long sectionBytes = Header.SectionBytes;
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)sectionBytes);
        try
        {
            for (int s = 0; s < count; s++)
            {
                long offset = Header.DataOffset + (first + s) * sectionBytes;
                var bytes = buffer.AsSpan(0, (int)sectionBytes);
                ReadExactly(bytes, offset);
                MrcPixelCodec.Decode(Mode, bytes, destination.Slice(s * sectionPixels, sectionPixels), Header.NX, Header.IsBigEndian);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void ReadExactly(Span<byte> bytes, long offset)
    {
        int done = 0;
        while (done < bytes.Length)
        {
            int n = _source.Read(bytes[done..], offset + done);
            if (n == 0)
                throw MrcFormatException.Truncated(Path, offset + bytes.Length, offset + done);
            done += n;
        }
    }

    /// <summary>Reads the whole file in file order and scatters it into X-fastest order using MAPC/MAPR/MAPS.</summary>
    private void ReadPermuted(Span<float> destination)
    {
        int nc = Header.NX, nr = Header.NY, ns = Header.NZ;
        var fileOrder = new float[CheckedVolumeLength()];
        ReadSections(0, ns, fileOrder);
        Span<long> strideOfAxis = [1, Width, (long)Width * Height];
        long sc = strideOfAxis[Header.MapC - 1], sr = strideOfAxis[Header.MapR - 1], ss = strideOfAxis[Header.MapS - 1];
        int i = 0;
        for (int s = 0; s < ns; s++)
            for (int r = 0; r < nr; r++)
                for (int c = 0; c < nc; c++)
                    destination[(int)(c * sc + r * sr + s * ss)] = fileOrder[i++];
    }

    private static (int X, int Y, int Z) LogicalDimensions(MrcHeader h)
    {
        Span<int> size = stackalloc int[3];
        size[h.MapC - 1] = h.NX;
        size[h.MapR - 1] = h.NY;
        size[h.MapS - 1] = h.NZ;
        return (size[0], size[1], size[2]);
    }

    public void Dispose() => _source.Dispose();

    /// <summary>Positional reads without a shared cursor, so several threads can read one file.</summary>
    private interface IByteSource : IDisposable
    {
        long Length { get; }

        int Read(Span<byte> destination, long offset);
    }

    private sealed class FileSource(SafeFileHandle handle) : IByteSource
    {
        public long Length => RandomAccess.GetLength(handle);

        public int Read(Span<byte> destination, long offset) => RandomAccess.Read(handle, destination, offset);

        public void Dispose() => handle.Dispose();
    }

    private sealed class MemorySource(ReadOnlyMemory<byte> bytes) : IByteSource
    {
        public long Length => bytes.Length;

        public int Read(Span<byte> destination, long offset)
        {
            if (offset >= bytes.Length)
                return 0;
            int n = (int)Math.Min(destination.Length, bytes.Length - offset);
            bytes.Span.Slice((int)offset, n).CopyTo(destination);
            return n;
        }

        public void Dispose() { }
    }
}
