using Concord.Core.Fourier;
using Concord.Core.Projection;

namespace Concord.Reconstruct.Backprojection;

/// <summary>
/// Point-group symmetrisation of accumulated Fourier sums: every grid point receives the trilinear samples of the
/// data and weights at all its symmetry mates, R·k for each operator R (identity included), as RELION's
/// BackProjector::symmetrise. Summing (not averaging) data and weights alike keeps the ratio a proper average.
/// </summary>
public static class GridSymmetrization
{
    public static void Apply(CenteredHalfGrid grid, IReadOnlyList<Rotation3f> operators, int maxRadius)
    {
        var data = new Complex32[grid.Data.Length];
        var weight = new float[grid.Weight!.Length];
        int rmax = Math.Min(maxRadius, grid.Radius);
        int r2max = rmax * rmax;
        Parallel.For(-rmax, rmax + 1, kz =>
        {
            for (int ky = -rmax; ky <= rmax; ky++)
                for (int kx = 0; kx <= rmax; kx++)
                {
                    if (kx * kx + ky * ky + kz * kz > r2max)
                        continue;
                    var sum = Complex32.Zero;
                    float w = 0;
                    foreach (var r in operators)
                    {
                        var (x, y, z) = r.Apply(kx, ky, kz);
                        sum += grid.Sample(x, y, z);
                        w += grid.SampleWeight(x, y, z);
                    }
                    int i = grid.IndexOf(kx, ky, kz);
                    data[i] = sum;
                    weight[i] = w;
                }
        });
        data.CopyTo(grid.Data, 0);
        weight.CopyTo(grid.Weight, 0);
    }
}
