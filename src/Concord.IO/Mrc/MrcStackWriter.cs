using System.Buffers;

using Concord.Core.Imaging;

namespace Concord.IO.Mrc;

/// <summary>
/// Writes MRC sections one at a time when the final count is unknown (streamed particle extraction, motion-corrected
/// frames): a provisional header goes first and is patched with NZ, the cell and the statistics on dispose.
/// Statistics are accumulated per section with Chan et al.'s (1979) pairwise update, so the RMS is exact to double precision.
/// </summary>
public sealed class MrcStackWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly MrcWriteOptions _options;
    private readonly MrcContent _content;
    private readonly int _sectionsPerVolume;
    private readonly byte[] _bytes;
    private readonly float[] _stored;
    private double _min = double.PositiveInfinity, _max = double.NegativeInfinity, _mean, _m2;
    private long _n;
    private bool _closed;

    /// <param name="content">Image stack (default), a volume or a volume stack; for the latter two <paramref name="sectionsPerVolume"/> is NZ of one volume.</param>
    public MrcStackWriter(string path, int width, int height, double pixelSizeA, MrcWriteOptions? options = null,
        MrcContent content = MrcContent.ImageStack, int sectionsPerVolume = 1)
    {
        Core.InvalidDimensionsException.ThrowIfNotPositive(width, height, sectionsPerVolume, "MrcStackWriter");
        _options = options ?? MrcWriteOptions.Default;
        if (!MrcModes.IsWritable(_options.Mode))
            throw new Core.InvalidParameterException("Mode", $"MRC mode {(int)_options.Mode} ({_options.Mode}) is read-only in Concord.");
        Path = path;
        Width = width;
        Height = height;
        PixelSizeA = pixelSizeA;
        _content = content;
        _sectionsPerVolume = sectionsPerVolume;
        _bytes = new byte[MrcModes.RowBytes(_options.Mode, width) * height];
        _stored = new float[width * height];
        _stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 1 << 20);
        _stream.Write(new byte[MrcHeader.Size]);
    }

    public string Path { get; }
    public int Width { get; }
    public int Height { get; }
    public double PixelSizeA { get; }

    /// <summary>Sections written so far.</summary>
    public int Count { get; private set; }

    public void Append(Image2D image)
    {
        if (image.Width != Width || image.Height != Height)
            throw new Core.ShapeMismatchException($"MrcStackWriter {Path}: image is {image.Width}×{image.Height}, the stack holds {Width}×{Height}.");
        Append(image.Span);
    }

    /// <summary>Appends one section of Width·Height pixels.</summary>
    public void Append(ReadOnlySpan<float> pixels)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        Core.ShapeMismatchException.ThrowIfLengthDiffers(pixels.Length, (long)Width * Height, $"MrcStackWriter {Path} section");
        MrcPixelCodec.Encode(_options.Mode, pixels, _bytes);
        ReadOnlySpan<float> stored = pixels;
        if (_options.Mode != MrcMode.Float32)
        {
            MrcPixelCodec.Decode(_options.Mode, _bytes, _stored, Width, bigEndian: false);
            stored = _stored;
        }
        Accumulate(stored);
        _stream.Write(_bytes);
        Count++;
    }

    private void Accumulate(ReadOnlySpan<float> values)
    {
        double sum = 0, min = _min, max = _max;
        foreach (float v in values)
        {
            sum += v;
            if (v < min) min = v;
            if (v > max) max = v;
        }
        double mean = sum / values.Length, m2 = 0;
        foreach (float v in values)
            m2 += (v - mean) * (v - mean);
        long n = _n + values.Length;
        double delta = mean - _mean;
        _m2 += m2 + delta * delta * _n * values.Length / n;
        _mean += delta * values.Length / n;
        _n = n;
        (_min, _max) = (min, max);
    }

    /// <summary>The header as it will be patched on close (also useful to inspect while writing).</summary>
    public MrcHeader BuildHeader()
    {
        int nz = Math.Max(Count, 1);
        int mz = _content switch
        {
            MrcContent.Volume or MrcContent.VolumeStack => _sectionsPerVolume,
            _ => 1,
        };
        var h = new MrcHeader
        {
            NX = Width,
            NY = Height,
            NZ = nz,
            Mode = (int)_options.Mode,
            MX = Width,
            MY = Height,
            MZ = mz,
            CellXA = (float)(Width * PixelSizeA),
            CellYA = (float)(Height * PixelSizeA),
            CellZA = (float)(mz * PixelSizeA),
            Ispg = _content switch { MrcContent.Volume => 1, MrcContent.VolumeStack => 401, _ => 0 },
            DMin = _n > 0 ? (float)_min : 0,
            DMax = _n > 0 ? (float)_max : 0,
            DMean = (float)_mean,
            Rms = _n > 0 ? (float)Math.Sqrt(_m2 / _n) : 0,
            OriginXA = _options.OriginXA,
            OriginYA = _options.OriginYA,
            OriginZA = _options.OriginZA,
        };
        foreach (var label in _options.Labels)
            h.Labels.Add(label);
        return h;
    }

    /// <summary>Patches the header and closes the file. Idempotent.</summary>
    public void Dispose()
    {
        if (_closed)
            return;
        _closed = true;
        try
        {
            if (Count == 0)
            {
                // MRC has no empty files (NZ ≥ 1): an empty stack is written as one zero section.
                Array.Clear(_bytes);
                _stream.Write(_bytes);
            }
            if (_content is MrcContent.Volume or MrcContent.VolumeStack && Count % _sectionsPerVolume != 0)
                throw new Core.ShapeMismatchException($"MrcStackWriter {Path}: {Count} sections is not a whole number of {_sectionsPerVolume}-section volumes.");
            byte[] header = ArrayPool<byte>.Shared.Rent(MrcHeader.Size);
            BuildHeader().WriteTo(header);
            _stream.Position = 0;
            _stream.Write(header, 0, MrcHeader.Size);
            ArrayPool<byte>.Shared.Return(header);
        }
        finally
        {
            _stream.Dispose();
        }
    }
}
