using Concord.Core.Imaging;

namespace Concord.Core.Projection;

/// <summary>
/// Reference projector by ray summation in real space: P(x, y) = Σ_z V(Aᵀ·(x, y, z)) with trilinear interpolation,
/// coordinates relative to the centre N/2. Slow and simple, for testing the Fourier projector and the conventions.
/// </summary>
public static class RealSpaceProjector
{
    public static void Project(Volume volume, in Rotation3f a, Span<float> image)
    {
        if (!volume.IsCube)
            throw new InvalidDimensionsException($"Projection needs a cubic volume, got {volume.NX}×{volume.NY}×{volume.NZ}.");
        int n = volume.NX, c = n / 2;
        ShapeMismatchException.ThrowIfLengthDiffers(image.Length, (long)n * n, "projection image");
        var v = volume.Span;
        var t = a.Transposed;
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                double sum = 0;
                for (int z = 0; z < n; z++)
                {
                    var (vx, vy, vz) = t.Apply(x - c, y - c, z - c);
                    sum += Trilinear(v, n, vx + c, vy + c, vz + c);
                }
                image[y * n + x] = (float)sum;
            }
    }

    private static float Trilinear(ReadOnlySpan<float> v, int n, float x, float y, float z)
    {
        int x0 = (int)MathF.Floor(x), y0 = (int)MathF.Floor(y), z0 = (int)MathF.Floor(z);
        if (x0 < 0 || y0 < 0 || z0 < 0 || x0 >= n - 1 || y0 >= n - 1 || z0 >= n - 1)
            return 0;
        float fx = x - x0, fy = y - y0, fz = z - z0;
        int i = (z0 * n + y0) * n + x0, sy = n, sz = n * n;
        float c00 = v[i] + (v[i + 1] - v[i]) * fx;
        float c10 = v[i + sy] + (v[i + sy + 1] - v[i + sy]) * fx;
        float c01 = v[i + sz] + (v[i + sz + 1] - v[i + sz]) * fx;
        float c11 = v[i + sz + sy] + (v[i + sz + sy + 1] - v[i + sz + sy]) * fx;
        float b0 = c00 + (c10 - c00) * fy, b1 = c01 + (c11 - c01) * fy;
        return b0 + (b1 - b0) * fz;
    }
}
