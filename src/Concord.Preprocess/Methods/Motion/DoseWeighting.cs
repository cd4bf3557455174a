using Concord.Core;
using Concord.Core.Fourier;

namespace Concord.Preprocess.Methods.Motion;

/// <summary>
/// Exposure filtering after Grant &amp; Grigorieff (2015, eLife 4:e06980). Radiation damage fades frequency k after an
/// exposure N as exp(−N / (2·Ne(k))) with the critical exposure Ne(k) = 0.245·k^−1.665 + 2.81 e/Å² (k in 1/Å, at
/// 300 kV). Frame f, which has received N_f e/Å² by its end (RELION's convention), is weighted at each frequency by
/// q_f(k) = exp(−N_f / (2·Ne(k))), and the weights are normalised per frequency by √(F / Σ_g q_g(k)²) (their Eq. 9,
/// times √F). The sum of F frames of equal noise then keeps the noise power of an unweighted sum at every frequency
/// while the signal-bearing early frames count more; at frequencies where no damage has occurred the weights are all 1,
/// so the weighted sum equals the plain sum. RELION divides by √(Σ q²) only, which differs by the constant √F.
/// </summary>
public static class DoseWeighting
{
    /// <summary>Critical exposure Ne(k) in e/Å² at 300 kV (∞ at k = 0).</summary>
    public static double CriticalExposure(double frequencyPerA) =>
        frequencyPerA > 0 ? (0.245 * Math.Pow(frequencyPerA, -1.665)) + 2.81 : double.PositiveInfinity;

    /// <summary>
    /// Factor turning an exposure at <paramref name="voltageKv"/> into the 300 kV equivalent: 1 at 300 kV and 1/0.8 at
    /// 200 kV (damage per electron is higher at lower voltage; Grant &amp; Grigorieff 2015, as RELION and cisTEM use).
    /// </summary>
    public static double VoltageScale(double voltageKv) => voltageKv switch
    {
        >= 299 and <= 301 => 1,
        >= 199 and <= 201 => 1 / 0.8,
        _ => throw new InvalidParameterException(nameof(voltageKv), $"dose weighting knows the critical exposure at 300 and 200 kV only, got {voltageKv} kV."),
    };

    /// <summary>300 kV-equivalent exposure at the end of each frame: (pre + (f + 1)·dose per frame)·voltage scale.</summary>
    public static double[] FrameExposures(int frames, double dosePerFrameEA2, double preExposureEA2, double voltageKv)
    {
        double scale = VoltageScale(voltageKv);
        var exposures = new double[frames];
        for (int f = 0; f < frames; f++)
            exposures[f] = (preExposureEA2 + ((f + 1) * dosePerFrameEA2)) * scale;
        return exposures;
    }

    /// <summary>
    /// Writes Σ_f w_f(k)·A_f(k) into <paramref name="destination"/>: <paramref name="alignedSpectra"/> holds the frames'
    /// half-complex spectra one after another, <paramref name="exposures"/> the exposure of each (see <see cref="FrameExposures"/>).
    /// Row by row: the weights of a row are computed first and each frame's row is then added in one sequential pass, so
    /// the frames are read in memory order instead of one element from each frame per frequency.
    /// </summary>
    public static void WeightedSum(ReadOnlySpan<Complex32> alignedSpectra, FftShape shape, double pixelSizeA, ReadOnlySpan<double> exposures, Span<Complex32> destination)
    {
        Validate(alignedSpectra.Length, shape, pixelSizeA, exposures.Length, destination.Length);
        var weights = new double[exposures.Length];
        var table = new float[exposures.Length * shape.HalfNX];
        for (int row = 0; row < shape.NY * shape.NZ; row++)
            WeightedRow(alignedSpectra, shape, pixelSizeA, exposures, destination, row, weights, table);
    }

    /// <summary>The same sum with the rows in parallel under <paramref name="parallel"/>.</summary>
    public static void WeightedSum(Complex32[] alignedSpectra, FftShape shape, double pixelSizeA, double[] exposures, Complex32[] destination, ParallelOptions parallel)
    {
        ArgumentNullException.ThrowIfNull(alignedSpectra);
        ArgumentNullException.ThrowIfNull(exposures);
        ArgumentNullException.ThrowIfNull(destination);
        Validate(alignedSpectra.Length, shape, pixelSizeA, exposures.Length, destination.Length);
        int frames = exposures.Length;
        Parallel.For(0, shape.NY * shape.NZ, parallel, () => (new double[frames], new float[frames * shape.HalfNX]), (row, _, buffers) =>
        {
            WeightedRow(alignedSpectra, shape, pixelSizeA, exposures, destination, row, buffers.Item1, buffers.Item2);
            return buffers;
        }, _ => { });
    }

    private static void Validate(int spectraLength, FftShape shape, double pixelSizeA, int frames, int destinationLength)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(spectraLength, (long)frames * shape.ComplexLength, "dose weighting spectra");
        ShapeMismatchException.ThrowIfLengthDiffers(destinationLength, shape.ComplexLength, "dose weighted sum");
        if (!(pixelSizeA > 0))
            throw new InvalidParameterException(nameof(pixelSizeA), $"must be positive, got {pixelSizeA} Å.");
    }

    private static void WeightedRow(ReadOnlySpan<Complex32> spectra, FftShape shape, double pixelSizeA, ReadOnlySpan<double> exposures, Span<Complex32> destination,
        int row, double[] weights, float[] table)
    {
        int frames = exposures.Length, hx = shape.HalfNX, c = shape.ComplexLength;
        double fy = FourierLayout.FrequencyOfIndex(row % shape.NY, shape.NY) / (shape.NY * pixelSizeA);
        bool arithmetic = IsArithmetic(exposures);
        for (int kx = 0; kx < hx; kx++)
        {
            double fx = kx / (shape.NX * pixelSizeA);
            FrameWeights(Math.Sqrt((fx * fx) + (fy * fy)), exposures, weights, arithmetic);
            for (int f = 0; f < frames; f++)
                table[(f * hx) + kx] = (float)weights[f];
        }
        var sum = destination.Slice(row * hx, hx);
        sum.Clear();
        for (int f = 0; f < frames; f++)
        {
            var a = spectra.Slice((f * c) + (row * hx), hx);
            var w = table.AsSpan(f * hx, hx);
            for (int kx = 0; kx < hx; kx++)
                sum[kx] += a[kx] * w[kx];
        }
    }

    /// <summary>The normalised weights w_f at one spatial frequency (1/Å).</summary>
    public static void FrameWeights(double frequencyPerA, ReadOnlySpan<double> exposures, Span<double> weights) =>
        FrameWeights(frequencyPerA, exposures, weights, IsArithmetic(exposures));

    /// <summary>
    /// With equal doses per frame (<paramref name="arithmetic"/> exposures E₀ + f·Δ) the weights form a geometric series
    /// q₀·ρ^f with ρ = exp(−Δ/2Ne), so two exponentials per frequency replace one per frame (a 4096² × 40 movie has
    /// 3·10⁸ frame-frequency pairs); the products agree with the direct exponentials to double round-off.
    /// </summary>
    private static void FrameWeights(double frequencyPerA, ReadOnlySpan<double> exposures, Span<double> weights, bool arithmetic)
    {
        double twoNe = 2 * CriticalExposure(frequencyPerA);
        double sumSquares = 0;
        if (arithmetic)
        {
            double q = Math.Exp(-exposures[0] / twoNe), ratio = Math.Exp(-(exposures[1] - exposures[0]) / twoNe);
            for (int f = 0; f < exposures.Length; f++)
            {
                weights[f] = q;
                sumSquares += q * q;
                q *= ratio;
            }
        }
        else
        {
            for (int f = 0; f < exposures.Length; f++)
            {
                weights[f] = Math.Exp(-exposures[f] / twoNe);
                sumSquares += weights[f] * weights[f];
            }
        }
        // Beyond a few Å the late-frame weights underflow; the normalisation keeps the sum's noise power in any case.
        double norm = sumSquares > 0 ? Math.Sqrt(exposures.Length / sumSquares) : 0;
        for (int f = 0; f < exposures.Length; f++)
            weights[f] *= norm;
    }

    /// <summary>Whether the exposures step by one constant (at least two frames), as they do for a constant dose rate.</summary>
    private static bool IsArithmetic(ReadOnlySpan<double> exposures)
    {
        if (exposures.Length < 2)
            return false;
        double step = exposures[1] - exposures[0];
        for (int f = 2; f < exposures.Length; f++)
        {
            if (Math.Abs(exposures[f] - (exposures[0] + (f * step))) > 1e-9 * Math.Max(1, Math.Abs(exposures[f])))
                return false;
        }
        return true;
    }
}
