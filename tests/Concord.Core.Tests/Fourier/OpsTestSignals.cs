using Concord.Core.Fourier;

namespace Concord.Core.Tests.Fourier;

/// <summary>Analytic test signals for the Fourier-operation tests.</summary>
internal static class OpsTestSignals
{
    /// <summary>A plane wave A·cos(2π(k·(r − c)/N) + φ) with the frequency in cycles per box along each axis.</summary>
    public readonly record struct Wave(double Kx, double Ky, double Kz, double Amplitude, double Phase);

    /// <summary>
    /// Samples Σ waves + offset at real positions u = centre + (index − centre')·scale per axis: with scale 1 and the
    /// grid's own centre this is the image itself; with another grid it is the same continuous function seen by that grid.
    /// </summary>
    public static float[] Sample(FftShape grid, FftShape original, double offset, params Wave[] waves)
    {
        var result = new float[grid.RealLength];
        double sx = (double)original.NX / grid.NX, sy = (double)original.NY / grid.NY, sz = (double)original.NZ / grid.NZ;
        int i = 0;
        for (int z = 0; z < grid.NZ; z++)
            for (int y = 0; y < grid.NY; y++)
                for (int x = 0; x < grid.NX; x++)
                {
                    // Position relative to the centre in original pixels, then as a fraction of the box.
                    double ux = (x - (grid.NX / 2)) * sx / original.NX;
                    double uy = (y - (grid.NY / 2)) * sy / original.NY;
                    double uz = (z - (grid.NZ / 2)) * sz / original.NZ;
                    double v = offset;
                    foreach (var w in waves)
                        v += w.Amplitude * Math.Cos((2 * Math.PI * ((w.Kx * ux) + (w.Ky * uy) + (w.Kz * uz))) + w.Phase);
                    result[i++] = (float)v;
                }
        return result;
    }

    /// <summary>exp(−|r − c − s|²/(2σ²)) with c the centre N/2 and s a shift in px.</summary>
    public static float[] Gaussian(FftShape grid, double sigma, double sx = 0, double sy = 0, double sz = 0)
    {
        var result = new float[grid.RealLength];
        int i = 0;
        for (int z = 0; z < grid.NZ; z++)
            for (int y = 0; y < grid.NY; y++)
                for (int x = 0; x < grid.NX; x++)
                {
                    double dx = x - (grid.NX / 2) - sx, dy = y - (grid.NY / 2) - sy, dz = grid.NZ > 1 ? z - (grid.NZ / 2) - sz : 0;
                    result[i++] = (float)Math.Exp(-((dx * dx) + (dy * dy) + (dz * dz)) / (2 * sigma * sigma));
                }
        return result;
    }

    /// <summary>The periodic sum of <see cref="Gaussian"/> over the neighbouring boxes: what a circular shift of a
    /// narrow Gaussian gives exactly (a σ ≥ 2 px Gaussian is band-limited to float precision).</summary>
    public static float[] PeriodicGaussian(FftShape grid, double sigma, double sx, double sy, double sz)
    {
        var result = new double[grid.RealLength];
        int zImages = grid.NZ > 1 ? 1 : 0;
        for (int iz = -zImages; iz <= zImages; iz++)
            for (int iy = -1; iy <= 1; iy++)
                for (int ix = -1; ix <= 1; ix++)
                {
                    var g = Gaussian(grid, sigma, sx + (ix * grid.NX), sy + (iy * grid.NY), sz + (iz * grid.NZ));
                    for (int i = 0; i < g.Length; i++)
                        result[i] += g[i];
                }
        return result.Select(v => (float)v).ToArray();
    }

    public static float[] Random(int seed, int length)
    {
        var rng = new Random(seed);
        var result = new float[length];
        for (int i = 0; i < length; i++)
            result[i] = (float)((rng.NextDouble() * 2) - 1);
        return result;
    }

    public static double MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++)
            max = Math.Max(max, Math.Abs(a[i] - (double)b[i]));
        return max;
    }
}
