namespace Concord.Ctf.Methods.Parametric;

/// <summary>Small symmetric positive (semi-)definite systems, as the normal equations of the fits produce.</summary>
internal static class DenseSolver
{
    /// <summary>
    /// Solves A x = b in place (x overwrites b; A is destroyed) by Cholesky factorisation after adding
    /// <paramref name="relativeRidge"/> × its diagonal, so that a direction the data do not determine gets a zero step
    /// rather than a division by zero. Returns false when A is not positive definite even then.
    /// </summary>
    public static bool SolveInPlace(double[,] a, double[] b, double relativeRidge)
    {
        int n = b.Length;
        for (int i = 0; i < n; i++)
            a[i, i] = a[i, i] * (1 + relativeRidge) + 1e-300;
        for (int j = 0; j < n; j++)
        {
            double diagonal = a[j, j];
            for (int k = 0; k < j; k++)
                diagonal -= a[j, k] * a[j, k];
            if (!(diagonal > 0))
            {
                Array.Clear(b);
                return false;
            }
            a[j, j] = Math.Sqrt(diagonal);
            for (int i = j + 1; i < n; i++)
            {
                double sum = a[i, j];
                for (int k = 0; k < j; k++)
                    sum -= a[i, k] * a[j, k];
                a[i, j] = sum / a[j, j];
            }
        }
        for (int i = 0; i < n; i++)
        {
            double sum = b[i];
            for (int k = 0; k < i; k++)
                sum -= a[i, k] * b[k];
            b[i] = sum / a[i, i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double sum = b[i];
            for (int k = i + 1; k < n; k++)
                sum -= a[k, i] * b[k];
            b[i] = sum / a[i, i];
        }
        return true;
    }
}
