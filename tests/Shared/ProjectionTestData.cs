using Concord.Core.Geometry;
using Concord.Core.Imaging;
using Concord.Core.Projection;

namespace Concord.Tests.Shared;

/// <summary>
/// Test volumes and measures shared by the projection tests (Concord.Core.Tests) and the reconstruction tests
/// (Concord.Reconstruct.Tests). Linked into both projects as source, so neither test project references the other.
/// </summary>
internal static class ProjectionTestData
{
    /// <summary>A Gaussian blob: centre in voxels from the box centre n/2, width σ in voxels, peak amplitude.</summary>
    internal readonly record struct Blob(double X, double Y, double Z, double Sigma, double Amplitude);

    /// <summary>
    /// Three smooth blobs at asymmetric positions: any axis or handedness error moves them visibly, and their low
    /// frequency content keeps interpolation error small enough to compare projectors voxel by voxel.
    /// </summary>
    internal static Volume ThreeBlobs(int n, double pixelSizeA = 2.0) =>
        Blobs(n, pixelSizeA, [new(3, 0, 0, 1.8, 1), new(-2, 4, 1, 1.5, 0.7), new(0, -3, -4, 2.2, 0.5)]);

    /// <summary>
    /// Four narrower blobs: the same asymmetric layout plus a sharp fourth blob, so a reconstruction must carry
    /// information close to Nyquist to match the truth.
    /// </summary>
    internal static Volume FourBlobs(int n, double pixelSizeA = 2.0) =>
        Blobs(n, pixelSizeA, [new(3, 0, 0, 1.6, 1), new(-2, 4, 1, 1.3, 0.7), new(0, -3, -4, 2.0, 0.5), new(-4, -2, 3, 1.2, 0.6)]);

    /// <summary>A cubic volume of side <paramref name="n"/> holding the sum of <paramref name="blobs"/>.</summary>
    internal static Volume Blobs(int n, double pixelSizeA, ReadOnlySpan<Blob> blobs)
    {
        var v = Volume.Cube(n, pixelSizeA);
        int c = n / 2;
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                    foreach (var b in blobs)
                    {
                        double d2 = Sq(x - c - b.X) + Sq(y - c - b.Y) + Sq(z - c - b.Z);
                        v[x, y, z] += (float)(b.Amplitude * Math.Exp(-d2 / (2 * b.Sigma * b.Sigma)));
                    }
        return v;
    }

    /// <summary>A rotation drawn uniformly from SO(3).</summary>
    internal static Rotation3f RandomRotation(Random random) => Rotation3f.FromMatrix(RandomRotations.NextMatrix(random));

    /// <summary>Pearson correlation coefficient of two equally long arrays.</summary>
    internal static double Correlation(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.Length; i++) { ma += a[i]; mb += b[i]; }
        ma /= a.Length; mb /= b.Length;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.Sqrt(saa * sbb);
    }

    private static double Sq(double a) => a * a;
}
