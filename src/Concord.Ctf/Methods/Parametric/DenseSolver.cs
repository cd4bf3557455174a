using Concord.Core.Numerics;

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
        if (Cholesky.TrySolveInPlace(a, b))
            return true;
        Array.Clear(b);
        return false;
    }
}
