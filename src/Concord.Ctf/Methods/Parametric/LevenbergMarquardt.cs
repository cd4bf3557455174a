namespace Concord.Ctf.Methods.Parametric;

/// <summary>
/// Weighted nonlinear least squares of a <see cref="PsdModel"/> against PSD samples by Levenberg–Marquardt
/// (Marquardt, J. SIAM 1963), with Marquardt's scaling (the damping is proportional to the diagonal of JᵀWJ, so
/// parameters in Å and in log units are damped alike). Only the parameters listed in the free set move. The sums over
/// samples run in fixed chunks, in parallel, and are reduced in chunk order, so a fit is deterministic for any number of
/// threads.
/// </summary>
internal static class LevenbergMarquardt
{
    private const int ChunkSize = 4096;

    /// <summary>
    /// Fits the free parameters of <paramref name="p"/> in place and returns the final weighted cost Σ w (P − M)².
    /// <paramref name="project"/> maps a trial vector back into the feasible set (bounds by projection) before it is scored.
    /// </summary>
    public static double Fit(PsdModel model, PsdSamples samples, double[] weights, double[] p, int[] free, int maxIterations,
        Action<double[]> project, int maxDegreeOfParallelism, CancellationToken cancellation)
    {
        int m = free.Length;
        var normal = new double[m, m];
        var gradient = new double[m];
        var system = new double[m, m];
        var step = new double[m];
        var trial = new double[p.Length];
        double cost = Accumulate(model, samples, weights, p, free, normal, gradient, maxDegreeOfParallelism);
        double lambda = 1e-3;
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            cancellation.ThrowIfCancellationRequested();
            Array.Copy(normal, system, normal.Length);
            gradient.CopyTo(step, 0);
            if (!DenseSolver.SolveInPlace(system, step, lambda))
            {
                lambda *= 4;
                continue;
            }
            p.CopyTo(trial, 0);
            for (int j = 0; j < m; j++)
                trial[free[j]] += step[j];
            project(trial);
            double trialCost = Accumulate(model, samples, weights, trial, free, null, null, maxDegreeOfParallelism);
            if (trialCost < cost)
            {
                double decrease = (cost - trialCost) / Math.Max(cost, 1e-300);
                trial.CopyTo(p, 0);
                cost = Accumulate(model, samples, weights, p, free, normal, gradient, maxDegreeOfParallelism);
                lambda = Math.Max(lambda / 3, 1e-9);
                if (decrease < 1e-6)
                    break;
            }
            else
            {
                lambda *= 4;
                if (lambda > 1e10)
                    break;
            }
        }
        return cost;
    }

    /// <summary>Σ w (P − M)² and, when <paramref name="normal"/> is given, JᵀWJ and JᵀW(P − M) over the free parameters.</summary>
    public static double Accumulate(PsdModel model, PsdSamples samples, double[] weights, double[] p, int[] free,
        double[,]? normal, double[]? gradient, int maxDegreeOfParallelism)
    {
        int m = free.Length;
        int chunks = (samples.Count + ChunkSize - 1) / ChunkSize;
        bool jacobian = normal is not null;
        var partialCost = new double[chunks];
        var partialNormal = jacobian ? new double[chunks, m * m] : null;
        var partialGradient = jacobian ? new double[chunks, m] : null;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, chunks, options, chunk =>
        {
            Span<double> full = stackalloc double[PsdModel.ParameterCount];
            Span<double> row = stackalloc double[m];
            Span<double> localNormal = stackalloc double[jacobian ? m * m : 0];
            Span<double> localGradient = stackalloc double[jacobian ? m : 0];
            int end = Math.Min(samples.Count, (chunk + 1) * ChunkSize);
            double sum = 0;
            for (int i = chunk * ChunkSize; i < end; i++)
            {
                double w = weights[i];
                if (w == 0)
                    continue;
                double value = model.Evaluate(p, samples, i, jacobian ? full : Span<double>.Empty);
                double residual = samples.Power[i] - value;
                sum += w * residual * residual;
                if (!jacobian)
                    continue;
                for (int a = 0; a < m; a++)
                    row[a] = full[free[a]];
                for (int a = 0; a < m; a++)
                {
                    double wa = w * row[a];
                    localGradient[a] += wa * residual;
                    var normalRow = localNormal.Slice(a * m, a + 1);
                    for (int b = 0; b <= a; b++)
                        normalRow[b] += wa * row[b];
                }
            }
            partialCost[chunk] = sum;
            for (int a = 0; a < localGradient.Length; a++)
                partialGradient![chunk, a] = localGradient[a];
            for (int a = 0; a < localNormal.Length; a++)
                partialNormal![chunk, a] = localNormal[a];
        });
        double cost = 0;
        for (int c = 0; c < chunks; c++)
            cost += partialCost[c];
        if (jacobian)
        {
            Array.Clear(normal!);
            Array.Clear(gradient!);
            for (int c = 0; c < chunks; c++)
                for (int a = 0; a < m; a++)
                {
                    gradient![a] += partialGradient![c, a];
                    for (int b = 0; b <= a; b++)
                        normal![a, b] += partialNormal![c, a * m + b];
                }
            for (int a = 0; a < m; a++)
                for (int b = a + 1; b < m; b++)
                    normal![a, b] = normal[b, a];
        }
        return double.IsFinite(cost) ? cost : double.PositiveInfinity;
    }
}
