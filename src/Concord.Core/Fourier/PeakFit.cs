namespace Concord.Core.Fourier;

/// <summary>
/// Sub-pixel refinement of a sampled maximum by a least-squares quadratic over its 3×3(×3) neighbourhood, with
/// periodic (wrap-around) neighbours as suits circular correlation maps. Axes of length &lt; 3 are not refined.
/// <para>
/// Model: f(u) = a + Σᵢ bᵢuᵢ + Σᵢ qᵢᵢ(uᵢ² − ⅔) + Σᵢ&lt;ⱼ qᵢⱼuᵢuⱼ with uᵢ ∈ {−1, 0, 1}. On the full grid these basis
/// functions are mutually orthogonal, so each coefficient is Σ basis·f / Σ basis². The stationary point solves
/// H·u = −b with Hᵢᵢ = 2qᵢᵢ, Hᵢⱼ = qᵢⱼ.
/// </para>
/// </summary>
internal static class PeakFit
{
    public static (double Dx, double Dy, double Dz, double Value) Refine(ReadOnlySpan<float> map, FftShape shape, int px, int py, int pz)
    {
        int[] sizes = [shape.NX, shape.NY, shape.NZ];
        var active = new List<int>(3);
        for (int axis = 0; axis < 3; axis++)
        {
            if (sizes[axis] >= 3)
                active.Add(axis);
        }
        int d = active.Count;
        double peakValue = map[(((pz * shape.NY) + py) * shape.NX) + px];
        if (d == 0)
            return (0, 0, 0, peakValue);
        var (constant, b, q) = FitQuadratic(map, shape, px, py, pz, active);
        var h = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            h[i, i] = 2 * q[i, i];
            for (int j = i + 1; j < d; j++)
                h[i, j] = h[j, i] = q[i, j];
        }
        var offset = SolveStationaryPoint(h, b);
        double value = peakValue;
        if (offset is null)
            offset = AxisParabolas(map, shape, px, py, pz, active);
        else
            value = Evaluate(constant, b, q, offset);
        var result = new double[3];
        for (int i = 0; i < d; i++)
            result[active[i]] = offset[i];
        return (result[0], result[1], result[2], value);
    }

    /// <summary>Least-squares coefficients of the model in the type summary (q is upper-triangular).</summary>
    private static (double Constant, double[] B, double[,] Q) FitQuadratic(ReadOnlySpan<float> map, FftShape shape, int px, int py, int pz, List<int> active)
    {
        int d = active.Count;
        var b = new double[d];
        var q = new double[d, d];
        var bNorm = new double[d];
        var qNorm = new double[d, d];
        double constant = 0;
        int points = (int)Math.Pow(3, d);
        var u = new int[d];
        for (int p = 0; p < points; p++)
        {
            int code = p;
            for (int i = 0; i < d; i++, code /= 3)
                u[i] = (code % 3) - 1;
            double f = Sample(map, shape, px, py, pz, active, u);
            // Every non-constant basis function sums to zero over the grid, so the constant is the plain mean.
            constant += f / points;
            for (int i = 0; i < d; i++)
            {
                b[i] += u[i] * f;
                bNorm[i] += u[i] * u[i];
                double square = (u[i] * u[i]) - (2.0 / 3);
                q[i, i] += square * f;
                qNorm[i, i] += square * square;
                for (int j = i + 1; j < d; j++)
                {
                    q[i, j] += u[i] * u[j] * f;
                    qNorm[i, j] += u[i] * u[j] * u[i] * u[j];
                }
            }
        }
        for (int i = 0; i < d; i++)
        {
            b[i] /= bNorm[i];
            for (int j = i; j < d; j++)
                q[i, j] /= qNorm[i, j];
        }
        return (constant, b, q);
    }

    private static double Evaluate(double constant, double[] b, double[,] q, double[] u)
    {
        double value = constant;
        for (int i = 0; i < b.Length; i++)
        {
            value += (b[i] * u[i]) + (q[i, i] * ((u[i] * u[i]) - (2.0 / 3)));
            for (int j = i + 1; j < b.Length; j++)
                value += q[i, j] * u[i] * u[j];
        }
        return value;
    }

    /// <summary>Solves H·u = −b by Gaussian elimination with partial pivoting; null unless H is negative definite
    /// (a maximum) and the solution lies within one pixel.</summary>
    private static double[]? SolveStationaryPoint(double[,] h, double[] b)
    {
        int d = b.Length;
        var m = new double[d, d + 1];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
                m[i, j] = h[i, j];
            m[i, d] = -b[i];
        }
        for (int col = 0; col < d; col++)
        {
            int pivot = col;
            for (int row = col + 1; row < d; row++)
            {
                if (Math.Abs(m[row, col]) > Math.Abs(m[pivot, col]))
                    pivot = row;
            }
            if (Math.Abs(m[pivot, col]) < 1e-30)
                return null;
            for (int j = 0; j <= d; j++)
                (m[col, j], m[pivot, j]) = (m[pivot, j], m[col, j]);
            for (int row = col + 1; row < d; row++)
            {
                double factor = m[row, col] / m[col, col];
                for (int j = col; j <= d; j++)
                    m[row, j] -= factor * m[col, j];
            }
        }
        var x = new double[d];
        for (int i = d - 1; i >= 0; i--)
        {
            double sum = m[i, d];
            for (int j = i + 1; j < d; j++)
                sum -= m[i, j] * x[j];
            x[i] = sum / m[i, i];
        }
        if (!IsNegativeDefinite(h))
            return null;
        foreach (double v in x)
        {
            if (!(Math.Abs(v) <= 1))
                return null;
        }
        return x;
    }

    /// <summary>Sylvester's criterion for −H: leading principal minors of H alternate in sign, starting negative.</summary>
    private static bool IsNegativeDefinite(double[,] h)
    {
        int d = h.GetLength(0);
        double m1 = h[0, 0];
        if (!(m1 < 0))
            return false;
        if (d == 1)
            return true;
        double m2 = (h[0, 0] * h[1, 1]) - (h[0, 1] * h[1, 0]);
        if (!(m2 > 0))
            return false;
        if (d == 2)
            return true;
        double m3 = (h[0, 0] * ((h[1, 1] * h[2, 2]) - (h[1, 2] * h[2, 1])))
            - (h[0, 1] * ((h[1, 0] * h[2, 2]) - (h[1, 2] * h[2, 0])))
            + (h[0, 2] * ((h[1, 0] * h[2, 1]) - (h[1, 1] * h[2, 0])));
        return m3 < 0;
    }

    /// <summary>Three-point parabola per axis through the peak: δ = (f₋ − f₊) / (2(f₋ − 2f₀ + f₊)), 0 if not concave.</summary>
    private static double[] AxisParabolas(ReadOnlySpan<float> map, FftShape shape, int px, int py, int pz, List<int> active)
    {
        var offset = new double[active.Count];
        var u = new int[active.Count];
        double f0 = Sample(map, shape, px, py, pz, active, u);
        for (int i = 0; i < active.Count; i++)
        {
            u[i] = -1;
            double fm = Sample(map, shape, px, py, pz, active, u);
            u[i] = 1;
            double fp = Sample(map, shape, px, py, pz, active, u);
            u[i] = 0;
            double curvature = fm - (2 * f0) + fp;
            offset[i] = curvature < 0 ? Math.Clamp((fm - fp) / (2 * curvature), -0.5, 0.5) : 0;
        }
        return offset;
    }

    private static double Sample(ReadOnlySpan<float> map, FftShape shape, int px, int py, int pz, List<int> active, int[] u)
    {
        int x = px, y = py, z = pz;
        for (int i = 0; i < active.Count; i++)
        {
            switch (active[i])
            {
                case 0: x = Wrap(px + u[i], shape.NX); break;
                case 1: y = Wrap(py + u[i], shape.NY); break;
                default: z = Wrap(pz + u[i], shape.NZ); break;
            }
        }
        return map[(((z * shape.NY) + y) * shape.NX) + x];
    }

    private static int Wrap(int i, int n) => ((i % n) + n) % n;
}
