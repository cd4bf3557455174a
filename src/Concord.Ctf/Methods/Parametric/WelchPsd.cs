using System.Buffers;

using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Imaging;

namespace Concord.Ctf.Methods.Parametric;

/// <summary>
/// Power spectral density of a micrograph by Welch's method (Welch, IEEE Trans. Audio Electroacoust. 1967): the
/// periodograms |F|²/N of square tiles that overlap by half are averaged, which trades frequency resolution (that of
/// the tile) for a variance that falls as 1/number of tiles. Each tile has its mean removed so the zero frequency does
/// not leak; no taper is applied, because a window would blur the Thon rings, and the cross that the tile edges leave
/// on the axes is excluded later by the fit (see <see cref="PsdSamples"/>). Tiles run in parallel in fixed groups, each
/// summing into its own accumulator, so the result does not depend on scheduling.
/// </summary>
internal static class WelchPsd
{
    /// <summary>Most accumulators (each one tile spectrum of doubles) kept at once.</summary>
    private const int MaxGroups = 8;

    /// <summary>
    /// The averaged periodogram in the half-complex layout of a <paramref name="tileSize"/>² box (element
    /// [y·(tile/2 + 1) + kx] holds the power at (kx, FrequencyOfIndex(y))) and the number of tiles averaged.
    /// </summary>
    public static (double[] Psd, int Tiles) Compute(Image2D micrograph, int tileSize, IFftBackend fft, int maxDegreeOfParallelism, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(micrograph);
        ArgumentNullException.ThrowIfNull(fft);
        if (tileSize < 32 || tileSize > Math.Min(micrograph.Width, micrograph.Height))
            throw new InvalidDimensionsException(
                $"Welch PSD: tile size {tileSize} px must be between 32 and the micrograph's smaller side ({micrograph.Width}×{micrograph.Height}).");
        var shape = new FftShape(tileSize, tileSize);
        var plan = fft.GetPlan(shape);
        int[] xs = TileOrigins(micrograph.Width, tileSize);
        int[] ys = TileOrigins(micrograph.Height, tileSize);
        int tiles = xs.Length * ys.Length;
        // Tiles are split into fixed contiguous groups, one accumulator each, summed in group order: the result is the
        // same from run to run for a given degree of parallelism, whatever the scheduling.
        int groups = Math.Clamp(maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount, 1, Math.Min(MaxGroups, tiles));
        var sums = new double[groups][];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellation };
        Parallel.For(0, groups, options, g =>
        {
            using var worker = new Worker(shape);
            for (int t = g * tiles / groups; t < (g + 1) * tiles / groups; t++)
            {
                cancellation.ThrowIfCancellationRequested();
                worker.Add(micrograph, xs[t % xs.Length], ys[t / xs.Length], plan);
            }
            sums[g] = worker.Sum;
        });
        var total = sums[0];
        for (int g = 1; g < groups; g++)
            for (int i = 0; i < total.Length; i++)
                total[i] += sums[g][i];
        double scale = 1.0 / ((double)tiles * shape.RealLength);
        for (int i = 0; i < total.Length; i++)
            total[i] *= scale;
        return (total, tiles);
    }

    /// <summary>Left edges of tiles of <paramref name="tile"/> px overlapping by half, the last one flush with the far edge.</summary>
    internal static int[] TileOrigins(int length, int tile)
    {
        int step = tile / 2;
        int count = Math.Max(1, (length - tile) / step + 1);
        var origins = new int[count + ((length - tile) % step != 0 ? 1 : 0)];
        for (int i = 0; i < count; i++)
            origins[i] = i * step;
        if (origins.Length > count)
            origins[^1] = length - tile;
        return origins;
    }

    /// <summary>One thread's tile buffer, spectrum and running sum of |F|².</summary>
    private sealed class Worker : IDisposable
    {
        private readonly FftShape _shape;
        private readonly float[] _tile;
        private readonly Complex32[] _spectrum;

        public Worker(FftShape shape)
        {
            _shape = shape;
            _tile = ArrayPool<float>.Shared.Rent(shape.RealLength);
            _spectrum = ArrayPool<Complex32>.Shared.Rent(shape.ComplexLength);
            Sum = new double[shape.ComplexLength];
        }

        public double[] Sum { get; }

        public void Add(Image2D micrograph, int x0, int y0, IRealFft plan)
        {
            int n = _shape.NX;
            var tile = _tile.AsSpan(0, _shape.RealLength);
            double mean = 0;
            for (int y = 0; y < n; y++)
            {
                var source = micrograph.Row(y0 + y).Slice(x0, n);
                source.CopyTo(tile.Slice(y * n, n));
                for (int x = 0; x < n; x++)
                    mean += source[x];
            }
            float m = (float)(mean / _shape.RealLength);
            for (int i = 0; i < tile.Length; i++)
                tile[i] -= m;
            var spectrum = _spectrum.AsSpan(0, _shape.ComplexLength);
            plan.Forward(tile, spectrum);
            for (int i = 0; i < spectrum.Length; i++)
                Sum[i] += spectrum[i].MagnitudeSquared;
        }

        public void Dispose()
        {
            ArrayPool<float>.Shared.Return(_tile);
            ArrayPool<Complex32>.Shared.Return(_spectrum);
        }
    }
}
