using System.Numerics.Tensors;

using Concord.Core.Ctf;

namespace Concord.Ctf.Methods.Periodogram;

/// <summary>
/// The pixels of a background-subtracted spectrum inside the fit band (one half plane, kx ≥ 0, since the spectrum is
/// centrosymmetric), stored as structure-of-arrays so that the CTF phase of all of them is a few fused multiply-adds:
/// γ = −K1·(Dxx sx² + 2 Dxy sx sy + Dyy sy²) + K2 s⁴ − φ. The score is CTFFIND4's normalised cross-correlation between
/// the data and CTF² = sin²γ (Rohou &amp; Grigorieff 2015, eq. 7). Evaluation allocates nothing but its scratch, so
/// one target serves one thread; <see cref="Clone"/> gives others their own scratch.
/// </summary>
internal sealed class SpectrumFitTarget
{
    private readonly float[] _sx2, _sxy2, _sy2, _s4, _data;
    private readonly double _dataNorm;
    private readonly float[] _scratch;

    private SpectrumFitTarget(float[] sx2, float[] sxy2, float[] sy2, float[] s4, float[] data, double dataNorm)
    {
        _sx2 = sx2;
        _sxy2 = sxy2;
        _sy2 = sy2;
        _s4 = s4;
        _data = data;
        _dataNorm = dataNorm;
        _scratch = new float[data.Length];
    }

    public int Count => _data.Length;

    /// <summary>
    /// Collects the band [<paramref name="lowRadiusPx"/>, <paramref name="highRadiusPx"/>] of the centred spectrum
    /// <paramref name="subtracted"/> (<paramref name="size"/>² px, frequency step <paramref name="step"/> 1/Å), taking
    /// every <paramref name="stride"/>-th row and column. Values are centred and clipped at ±3σ, as CTFFIND4 clips the
    /// spectrum before fitting, so an ice crystal's spots cannot dominate the correlation.
    /// </summary>
    public static SpectrumFitTarget Create(float[] subtracted, int size, double step, double lowRadiusPx, double highRadiusPx, int stride = 1)
    {
        int half = size / 2;
        var sx2 = new List<float>();
        var sxy2 = new List<float>();
        var sy2 = new List<float>();
        var s4 = new List<float>();
        var data = new List<float>();
        for (int y = 0; y < size; y += stride)
            for (int x = half; x < size; x += stride)
            {
                int kx = x - half, ky = y - half;
                if (kx == 0 && ky < 0)
                    continue;
                double r2 = (double)kx * kx + (double)ky * ky;
                if (r2 < lowRadiusPx * lowRadiusPx || r2 > highRadiusPx * highRadiusPx)
                    continue;
                double sx = kx * step, sy = ky * step, s2 = sx * sx + sy * sy;
                sx2.Add((float)(sx * sx));
                sxy2.Add((float)(2 * sx * sy));
                sy2.Add((float)(sy * sy));
                s4.Add((float)(s2 * s2));
                data.Add(subtracted[y * size + x]);
            }
        var values = data.ToArray();
        double norm = CentreAndClip(values);
        return new SpectrumFitTarget(sx2.ToArray(), sxy2.ToArray(), sy2.ToArray(), s4.ToArray(), values, norm);
    }

    public SpectrumFitTarget Clone() => new(_sx2, _sxy2, _sy2, _s4, _data, _dataNorm);

    /// <summary>Normalised cross-correlation of the data with sin²γ of <paramref name="ctf"/> over the band (−1 … 1).</summary>
    public double Score(CtfModel ctf)
    {
        if (_dataNorm <= 0 || _data.Length < 3)
            return 0;
        var g = _scratch.AsSpan();
        // The quadratic form of the astigmatic defocus, as CtfModel builds it: Δf(α)s² = Dxx sx² + 2 Dxy sx sy + Dyy sy².
        var p = ctf.Parameters;
        double angle = p.DefocusAngleDeg * Math.PI / 180, mean = p.DefocusAverageA, deviation = 0.5 * (p.DefocusUA - p.DefocusVA);
        float k1 = (float)ctf.DefocusTermK1;
        TensorPrimitives.Multiply(_s4, (float)ctf.SphericalTermK2, g);
        TensorPrimitives.Add(g, (float)-ctf.ConstantPhaseRad, g);
        TensorPrimitives.MultiplyAdd(_sx2, -k1 * (float)(mean + deviation * Math.Cos(2 * angle)), g, g);
        TensorPrimitives.MultiplyAdd(_sxy2, -k1 * (float)(deviation * Math.Sin(2 * angle)), g, g);
        TensorPrimitives.MultiplyAdd(_sy2, -k1 * (float)(mean - deviation * Math.Cos(2 * angle)), g, g);
        TensorPrimitives.Sin(g, g);
        TensorPrimitives.Multiply(g, g, g);
        double sum = TensorPrimitives.Sum<float>(g);
        double sumSquares = TensorPrimitives.SumOfSquares<float>(g);
        double variance = sumSquares - sum * sum / g.Length;
        if (variance <= 0)
            return 0;
        // The data are centred, so Σ d·(m − m̄) = Σ d·m.
        return TensorPrimitives.Dot<float>(_data, g) / (_dataNorm * Math.Sqrt(variance));
    }

    private static double CentreAndClip(float[] values)
    {
        if (values.Length == 0)
            return 0;
        for (int pass = 0; pass < 2; pass++)
        {
            float mean = TensorPrimitives.Sum<float>(values) / values.Length;
            TensorPrimitives.Subtract(values, mean, values);
            float sigma = MathF.Sqrt(TensorPrimitives.SumOfSquares<float>(values) / values.Length);
            if (sigma > 0)
                TensorPrimitives.Clamp(values, -3 * sigma, 3 * sigma, values);
        }
        float finalMean = TensorPrimitives.Sum<float>(values) / values.Length;
        TensorPrimitives.Subtract(values, finalMean, values);
        return Math.Sqrt(TensorPrimitives.SumOfSquares<float>(values));
    }
}
