namespace Concord.Core.Geometry;

/// <summary>
/// Converts samples to cubic B-spline coefficients so that the spline interpolates them (Unser, Aldroubi and Eden 1991;
/// Unser 1999): a causal and an anticausal first-order recursive filter with pole z = √3 − 2, gain 6, and
/// mirror-symmetric boundary conditions, run along rows then columns.
/// </summary>
internal static class BSplinePrefilter
{
    private static readonly double Pole = Math.Sqrt(3) - 2;

    public static void ToCoefficients(double[] image, int width, int height)
    {
        var line = new double[Math.Max(width, height)];
        for (int y = 0; y < height; y++)
            FilterLine(image.AsSpan(y * width, width));
        for (int x = 0; x < width; x++)
        {
            var column = line.AsSpan(0, height);
            for (int y = 0; y < height; y++)
                column[y] = image[y * width + x];
            FilterLine(column);
            for (int y = 0; y < height; y++)
                image[y * width + x] = column[y];
        }
    }

    public static void FilterLine(Span<double> c)
    {
        int n = c.Length;
        if (n < 2)
            return;
        double z = Pole;
        double gain = (1 - z) * (1 - 1 / z);
        for (int i = 0; i < n; i++)
            c[i] *= gain;
        c[0] = InitialCausal(c, z);
        for (int i = 1; i < n; i++)
            c[i] += z * c[i - 1];
        c[n - 1] = z / (z * z - 1) * (z * c[n - 2] + c[n - 1]);
        for (int i = n - 2; i >= 0; i--)
            c[i] = z * (c[i + 1] - c[i]);
    }

    // Sum over the mirror-extended signal s(−k) = s(k); truncated once zᵏ is below double precision.
    private static double InitialCausal(ReadOnlySpan<double> c, double z)
    {
        int n = c.Length;
        int horizon = (int)Math.Ceiling(Math.Log(1e-16) / Math.Log(Math.Abs(z)));
        if (horizon < n)
        {
            double zn = z, sum = c[0];
            for (int k = 1; k < horizon; k++)
            {
                sum += zn * c[k];
                zn *= z;
            }

            return sum;
        }

        double zk = z, iz = 1 / z, z2n = Math.Pow(z, n - 1);
        double total = c[0] + z2n * c[n - 1];
        z2n *= z2n * iz;
        for (int k = 1; k < n - 1; k++)
        {
            total += (zk + z2n) * c[k];
            zk *= z;
            z2n *= iz;
        }

        return total / (1 - zk * zk);
    }
}
