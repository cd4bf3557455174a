using System.Buffers;

using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Imaging;

namespace Concord.Ctf.Methods.Periodogram;

/// <summary>
/// The averaged amplitude spectrum of a micrograph as CTFFIND4 builds it (Rohou &amp; Grigorieff 2015): the micrograph
/// is cut into square tiles, each tile's periodogram |F|² is computed, the periodograms are averaged and the square
/// root taken. <see cref="Amplitude"/> is a centred full plane of <see cref="Size"/>² pixels (zero frequency at
/// (Size/2, Size/2)); pixel (x, y) holds frequency ((x − Size/2), (y − Size/2)) / (Size · <see cref="PixelSizeA"/>).
/// </summary>
public sealed class AmplitudeSpectrum
{
    private AmplitudeSpectrum(float[] amplitude, int size, double pixelSizeA, int tiles)
    {
        Amplitude = amplitude;
        Size = size;
        PixelSizeA = pixelSizeA;
        Tiles = tiles;
    }

    public float[] Amplitude { get; }
    public int Size { get; }
    public double PixelSizeA { get; }

    /// <summary>Number of tiles averaged.</summary>
    public int Tiles { get; }

    /// <summary>Fourier pixel spacing (1/Å).</summary>
    public double FrequencyStep => 1.0 / (Size * PixelSizeA);

    /// <summary>
    /// Averages tile periodograms of <paramref name="micrograph"/>. The tile side is <paramref name="tileSizePx"/>, or the
    /// largest even size that fits. Tiles do not overlap when at least 16 fit, otherwise they overlap by half, so small
    /// micrographs still average several. Each tile has its mean removed and its edges tapered (cosine over 1/16 of the
    /// side), which keeps the edge discontinuity's cross out of the spectrum.
    /// </summary>
    public static AmplitudeSpectrum Compute(Image2D micrograph, int tileSizePx, IFftBackend fft, int maxDegreeOfParallelism)
    {
        ArgumentNullException.ThrowIfNull(micrograph);
        ArgumentNullException.ThrowIfNull(fft);
        int size = Math.Min(tileSizePx, Math.Min(micrograph.Width, micrograph.Height)) & ~1;
        if (size < 64)
            throw new InvalidDimensionsException($"CTF estimation: the micrograph ({micrograph.Width}×{micrograph.Height}) and tile ({tileSizePx} px) must both be at least 64 px.");
        var origins = TileOrigins(micrograph.Width, micrograph.Height, size);
        var shape = new FftShape(size, size);
        var plan = fft.GetPlan(shape);
        var taper = Taper(size);
        int workers = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        var partial = new double[Math.Min(workers, origins.Count)][];
        var options = new ParallelOptions { MaxDegreeOfParallelism = partial.Length };
        Parallel.For(0, partial.Length, options, worker =>
        {
            var sum = new double[shape.ComplexLength];
            var tile = ArrayPool<float>.Shared.Rent(shape.RealLength);
            var spectrum = ArrayPool<Complex32>.Shared.Rent(shape.ComplexLength);
            try
            {
                for (int t = worker; t < origins.Count; t += partial.Length)
                {
                    CutTile(micrograph, origins[t], size, taper, tile.AsSpan(0, shape.RealLength));
                    plan.Forward(tile.AsSpan(0, shape.RealLength), spectrum.AsSpan(0, shape.ComplexLength));
                    for (int i = 0; i < sum.Length; i++)
                        sum[i] += spectrum[i].MagnitudeSquared;
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(tile);
                ArrayPool<Complex32>.Shared.Return(spectrum);
            }
            partial[worker] = sum;
        });
        return new AmplitudeSpectrum(ToCentredAmplitude(partial, shape, origins.Count), size, micrograph.PixelSizeA, origins.Count);
    }

    private static List<(int X, int Y)> TileOrigins(int width, int height, int size)
    {
        int stride = (width / size) * (height / size) >= 16 ? size : size / 2;
        var origins = new List<(int, int)>();
        for (int y = 0; y + size <= height; y += stride)
            for (int x = 0; x + size <= width; x += stride)
                origins.Add((x, y));
        return origins;
    }

    private static float[] Taper(int size)
    {
        var taper = new float[size];
        int edge = Math.Max(1, size / 16);
        for (int i = 0; i < size; i++)
        {
            int d = Math.Min(i, size - 1 - i);
            taper[i] = d >= edge ? 1f : (float)(0.5 - 0.5 * Math.Cos(Math.PI * (d + 0.5) / edge));
        }
        return taper;
    }

    private static void CutTile(Image2D micrograph, (int X, int Y) origin, int size, float[] taper, Span<float> tile)
    {
        double sum = 0;
        for (int y = 0; y < size; y++)
        {
            var source = micrograph.Span.Slice((origin.Y + y) * micrograph.Width + origin.X, size);
            source.CopyTo(tile.Slice(y * size, size));
            for (int x = 0; x < size; x++)
                sum += source[x];
        }
        float mean = (float)(sum / ((double)size * size));
        for (int y = 0; y < size; y++)
        {
            var row = tile.Slice(y * size, size);
            float ty = taper[y];
            for (int x = 0; x < size; x++)
                row[x] = (row[x] - mean) * ty * taper[x];
        }
    }

    /// <summary>√(mean periodogram), unfolded from the half-complex layout to a centred full plane by Friedel symmetry.</summary>
    private static float[] ToCentredAmplitude(double[][] partial, FftShape shape, int tiles)
    {
        int n = shape.NX, half = n / 2;
        var amplitude = new float[n * n];
        double scale = 1.0 / ((double)tiles * shape.RealLength);
        for (int y = 0; y < n; y++)
        {
            int ky = FourierLayout.FrequencyOfIndex(y, n);
            for (int kx = 0; kx < shape.HalfNX; kx++)
            {
                int i = y * shape.HalfNX + kx;
                double power = 0;
                foreach (var p in partial)
                    power += p[i];
                float value = (float)Math.Sqrt(power * scale);
                int cx = kx + half, cy = ky + half;
                if (cx < n && cy < n)
                    amplitude[cy * n + cx] = value;
                int mx = half - kx, my = half - ky;
                if (mx >= 0 && my >= 0 && my < n)
                    amplitude[my * n + mx] = value;
            }
        }
        return amplitude;
    }
}
