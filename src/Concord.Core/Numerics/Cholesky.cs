namespace Concord.Core.Numerics;

/// <summary>
/// Cholesky solution of small symmetric positive-definite systems, the normal equations of the least-squares fits
/// (Golub &amp; Van Loan, Algorithm 4.2.1). Only the lower triangle of A is read.
/// </summary>
public static class Cholesky
{
    /// <summary>
    /// Solves A x = b in place: A's lower triangle is overwritten by the factor L and b by x. Returns false (A and b
    /// partly overwritten) when a pivot is not positive; with <paramref name="pivotFloor"/> a pivot below it is raised
    /// to it instead, so the solve always succeeds (a damped step for a direction the data do not determine).
    /// </summary>
    public static bool TrySolveInPlace(double[,] a, double[] b, double? pivotFloor = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int n = b.Length;
        if (a.GetLength(0) < n || a.GetLength(1) < n)
            throw new ShapeMismatchException($"Cholesky: the matrix is {a.GetLength(0)}×{a.GetLength(1)}, the right-hand side has {n} entries.");
        for (int j = 0; j < n; j++)
        {
            double diagonal = a[j, j];
            for (int k = 0; k < j; k++)
                diagonal -= a[j, k] * a[j, k];
            if (pivotFloor is double floor)
                diagonal = Math.Max(diagonal, floor);
            else if (!(diagonal > 0))
                return false;
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
