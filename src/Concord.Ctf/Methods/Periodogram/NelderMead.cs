namespace Concord.Ctf.Methods.Periodogram;

/// <summary>
/// Downhill simplex minimisation (Nelder &amp; Mead 1965, with the standard coefficients 1, 2, ½, ½). Used for the local
/// refinement of defocus U, V, angle (and phase shift) after the grid search, where the score has no cheap gradient.
/// </summary>
internal static class NelderMead
{
    /// <summary>
    /// Minimises <paramref name="function"/> from <paramref name="start"/> with initial simplex steps
    /// <paramref name="steps"/>; stops after <paramref name="maxEvaluations"/> or when the simplex's values span less
    /// than <paramref name="tolerance"/>. Returns the best point and its value.
    /// </summary>
    public static (double[] Point, double Value) Minimise(Func<double[], double> function, double[] start, double[] steps,
        int maxEvaluations = 400, double tolerance = 1e-7)
    {
        int n = start.Length;
        var simplex = new double[n + 1][];
        var values = new double[n + 1];
        for (int i = 0; i <= n; i++)
        {
            simplex[i] = (double[])start.Clone();
            if (i > 0)
                simplex[i][i - 1] += steps[i - 1];
            values[i] = function(simplex[i]);
        }
        int evaluations = n + 1;
        while (evaluations < maxEvaluations)
        {
            Array.Sort(values, simplex);
            if (Math.Abs(values[n] - values[0]) < tolerance)
                break;
            var centroid = new double[n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    centroid[j] += simplex[i][j] / n;
            var reflected = Along(centroid, simplex[n], -1);
            double fr = function(reflected);
            evaluations++;
            if (fr < values[0])
            {
                var expanded = Along(centroid, simplex[n], -2);
                double fe = function(expanded);
                evaluations++;
                (simplex[n], values[n]) = fe < fr ? (expanded, fe) : (reflected, fr);
            }
            else if (fr < values[n - 1])
            {
                (simplex[n], values[n]) = (reflected, fr);
            }
            else
            {
                var contracted = Along(centroid, simplex[n], fr < values[n] ? -0.5 : 0.5);
                double fc = function(contracted);
                evaluations++;
                if (fc < Math.Min(fr, values[n]))
                {
                    (simplex[n], values[n]) = (contracted, fc);
                }
                else
                {
                    for (int i = 1; i <= n; i++)
                    {
                        simplex[i] = Along(simplex[0], simplex[i], 0.5);
                        values[i] = function(simplex[i]);
                    }
                    evaluations += n;
                }
            }
        }
        Array.Sort(values, simplex);
        return (simplex[0], values[0]);
    }

    /// <summary>centroid + t·(point − centroid).</summary>
    private static double[] Along(double[] centroid, double[] point, double t)
    {
        var result = new double[centroid.Length];
        for (int j = 0; j < result.Length; j++)
            result[j] = centroid[j] + t * (point[j] - centroid[j]);
        return result;
    }
}
