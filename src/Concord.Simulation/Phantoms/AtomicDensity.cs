using Concord.Core;
using Concord.Core.Atoms;
using Concord.Core.Imaging;

namespace Concord.Simulation.Phantoms;

/// <summary>
/// Coulomb-potential maps from atomic models: each atom adds its five-Gaussian potential
/// (<see cref="ScatteringFactors"/>, Peng 1996) blurred by its B-factor plus a global B, evaluated at voxel centres.
/// Voxel values are the potential integrated over the voxel, so the map sums to Σ occupancy·f(0) (Å³·Å⁻² units) at any pixel size.
/// </summary>
public static class AtomicDensity
{
    /// <param name="model">Atoms in Å; the map is centred on the model centroid unless <paramref name="centerOnModel"/> is false (then the origin maps to voxel N/2).</param>
    /// <param name="boxSize">Cubic box in voxels.</param>
    /// <param name="pixelSizeA">Voxel size in Å.</param>
    /// <param name="extraBFactorA2">B-factor added to every atom (Å²), e.g. to simulate a lower-resolution map.</param>
    public static Volume Compute(AtomicModel model, int boxSize, double pixelSizeA, double extraBFactorA2 = 0, bool centerOnModel = true, int maxDegreeOfParallelism = -1)
    {
        if (boxSize < 2)
            throw new InvalidDimensionsException($"Phantom box must be at least 2 voxels, got {boxSize}.");
        if (!(pixelSizeA > 0))
            throw new InvalidParameterException("pixelSizeA", $"must be positive, got {pixelSizeA}.");
        if (extraBFactorA2 < 0 || !double.IsFinite(extraBFactorA2))
            throw new InvalidParameterException("extraBFactorA2", $"must be ≥ 0, got {extraBFactorA2}.");
        var volume = Volume.Cube(boxSize, pixelSizeA);
        var (ox, oy, oz) = centerOnModel ? model.Centroid() : (0, 0, 0);
        int n = boxSize, c = n / 2;
        var atoms = model.Atoms;
        // Partition by z-slab so threads never write the same voxel; each atom touches the slabs its cutoff reaches.
        var memory = volume.Memory;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, n, options, z =>
        {
            var slab = memory.Span.Slice(z * n * n, n * n);
            double zA = (z - c) * pixelSizeA;
            foreach (var atom in atoms)
                AddAtomToSlab(slab, n, c, pixelSizeA, zA, atom, ox, oy, oz, extraBFactorA2);
        });
        return volume;
    }

    private static void AddAtomToSlab(Span<float> slab, int n, int c, double pixelSizeA, double zA, in Atom atom,
        double ox, double oy, double oz, double extraB)
    {
        var g = ScatteringFactors.For(atom.Element);
        double bAtom = Math.Max(atom.BFactorA2, 0) + extraB;
        double dz = zA - (atom.Z - oz);
        // Cutoff where the broadest Gaussian has fallen to 1e-4 of its peak: r² = β·ln(1e4)/(4π²), plus a voxel.
        double widest = g.B.Max() + bAtom;
        double cutoff = Math.Sqrt(widest * Math.Log(1e4) / (4 * Math.PI * Math.PI)) + pixelSizeA;
        if (Math.Abs(dz) > cutoff)
            return;
        double ax = (atom.X - ox) / pixelSizeA + c, ay = (atom.Y - oy) / pixelSizeA + c;
        double reach = cutoff / pixelSizeA;
        int x0 = Math.Max(0, (int)Math.Floor(ax - reach)), x1 = Math.Min(n - 1, (int)Math.Ceiling(ax + reach));
        int y0 = Math.Max(0, (int)Math.Floor(ay - reach)), y1 = Math.Min(n - 1, (int)Math.Ceiling(ay + reach));
        if (x0 > x1 || y0 > y1)
            return;
        int wx = x1 - x0 + 1, wy = y1 - y0 + 1;
        Span<double> ix = stackalloc double[5 * wx];
        Span<double> iy = stackalloc double[5 * wy];
        Span<double> scale = stackalloc double[5];
        for (int i = 0; i < 5; i++)
        {
            double beta = g.B[i] + bAtom;
            double rate = 4 * Math.PI * Math.PI / beta;
            // The voxel value is the Gaussian integrated over the voxel: separable, one erf difference per axis, so
            // even atoms much sharper than a voxel keep their exact integral a_i.
            scale[i] = atom.Occupancy * g.A[i] * Math.Pow(4 * Math.PI / beta, 1.5) * AxisIntegral(rate, dz, pixelSizeA);
            for (int x = 0; x < wx; x++)
                ix[i * wx + x] = AxisIntegral(rate, (x0 + x - ax) * pixelSizeA, pixelSizeA);
            for (int y = 0; y < wy; y++)
                iy[i * wy + y] = AxisIntegral(rate, (y0 + y - ay) * pixelSizeA, pixelSizeA);
        }
        for (int y = 0; y < wy; y++)
        {
            var row = slab.Slice((y0 + y) * n + x0, wx);
            for (int x = 0; x < wx; x++)
            {
                double v = 0;
                for (int i = 0; i < 5; i++)
                    v += scale[i] * ix[i * wx + x] * iy[i * wy + y];
                row[x] += (float)v;
            }
        }
    }

    /// <summary>∫ exp(−rate·t²) dt over the voxel [d − a/2, d + a/2].</summary>
    private static double AxisIntegral(double rate, double d, double a)
    {
        double k = Math.Sqrt(rate);
        return 0.5 * Math.Sqrt(Math.PI) / k * (Erf(k * (d + a / 2)) - Erf(k * (d - a / 2)));
    }

    /// <summary>Error function, |error| &lt; 1.2e-7 (Numerical Recipes' erfc Chebyshev fit).</summary>
    internal static double Erf(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + 0.5 * z);
        double erfc = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - erfc : erfc - 1;
    }
}
