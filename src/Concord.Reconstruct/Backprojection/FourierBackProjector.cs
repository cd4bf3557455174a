using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Core.Projection;

namespace Concord.Reconstruct.Backprojection;

/// <summary>
/// Accumulates particle spectra into a padded 3D Fourier grid and turns the sums into a map, with RELION's
/// semantics: each centred 2D spectrum F (box N) is multiplied by its CTF and inserted at Aᵀ·(kx, ky, 0)·padding with
/// trilinear weights; CTF² is accumulated alongside; the map is Σ CTF·F / Σ CTF² (with a small floor on the
/// denominator), inverse transformed, windowed to N and divided by the trilinear gridding apodisation.
/// One instance is not thread-safe: use one per thread and <see cref="Add"/> them.
/// </summary>
public sealed class FourierBackProjector
{
    public FourierBackProjector(int boxSize, double pixelSizeA, int padding = 2, double maxResolutionA = 0)
    {
        if (boxSize < 4)
            throw new InvalidDimensionsException($"Reconstruction box must be at least 4 px, got {boxSize}.");
        if (padding < 1 || padding > 4)
            throw new InvalidParameterException("padding", $"must be 1 to 4, got {padding}.");
        BoxSize = boxSize;
        PixelSizeA = pixelSizeA;
        Padding = padding;
        int nyquist = boxSize / 2;
        MaxRadius = maxResolutionA > 0 ? Math.Min(nyquist, (int)Math.Ceiling(boxSize * pixelSizeA / maxResolutionA)) : nyquist;
        Grid = new CenteredHalfGrid(padding * boxSize / 2, withWeights: true);
    }

    public int BoxSize { get; }
    public double PixelSizeA { get; }
    public int Padding { get; }

    /// <summary>Largest 2D frequency (pixels of the N box) that is inserted.</summary>
    public int MaxRadius { get; }

    /// <summary>The accumulated sums (data = Σ CTF·F, weight = Σ CTF²) on the padded grid.</summary>
    public CenteredHalfGrid Grid { get; }

    /// <summary>Number of spectra inserted.</summary>
    public long Count { get; private set; }

    /// <summary>
    /// Inserts one centred half-complex spectrum (N/2+1)×N at RELION matrix <paramref name="a"/>.
    /// <paramref name="ctf"/> (same layout, real) multiplies the data and its square the weight; empty means CTF = 1.
    /// <paramref name="weight"/> scales both (per-particle weights).
    /// </summary>
    public void Insert(ReadOnlySpan<Complex32> spectrum, ReadOnlySpan<float> ctf, in Rotation3f a, float weight = 1)
    {
        int n = BoxSize, hx = n / 2 + 1;
        ShapeMismatchException.ThrowIfLengthDiffers(spectrum.Length, (long)hx * n, "back-projected spectrum");
        if (!ctf.IsEmpty)
            ShapeMismatchException.ThrowIfLengthDiffers(ctf.Length, (long)hx * n, "back-projection CTF");
        float p = Padding;
        float ax = a.M00 * p, ay = a.M01 * p, az = a.M02 * p;
        float bx = a.M10 * p, by = a.M11 * p, bz = a.M12 * p;
        int r2max = MaxRadius * MaxRadius;
        for (int yi = 0; yi < n; yi++)
        {
            int ky = FourierLayout.FrequencyOfIndex(yi, n);
            if (ky * ky > r2max)
                continue;
            int row = yi * hx;
            for (int kx = 0; kx < hx; kx++)
            {
                if (kx * kx + ky * ky > r2max)
                    break;
                float c = ctf.IsEmpty ? 1 : ctf[row + kx];
                var value = spectrum[row + kx] * (c * weight);
                Grid.Insert(kx * ax + ky * bx, kx * ay + ky * by, kx * az + ky * bz, value, c * c * weight);
            }
        }
        Count++;
    }

    /// <summary>Adds another accumulator (per-thread partial sums) into this one.</summary>
    public void Add(FourierBackProjector other)
    {
        if (other.BoxSize != BoxSize || other.Padding != Padding)
            throw new ShapeMismatchException($"Back-projectors differ (box {BoxSize}/{other.BoxSize}, padding {Padding}/{other.Padding}).");
        Grid.Add(other.Grid);
        Count += other.Count;
    }

    /// <summary>Turns the accumulated sums into a map (see the type summary); call once, after all insertions.</summary>
    public Volume Reconstruct(IFftBackend fft, ReconstructionOptions? options = null, IReadOnlyList<Rotation3f>? symmetry = null)
    {
        options ??= new ReconstructionOptions();
        Grid.EnforceHermitianSymmetry();
        if (symmetry is { Count: > 1 })
            GridSymmetrization.Apply(Grid, symmetry, Padding * MaxRadius);
        int m = Padding * BoxSize;
        var shape = new FftShape(m, m, m);
        var spectrum = new Complex32[shape.ComplexLength];
        FillDividedSpectrum(spectrum, shape, options.WeightFloorFraction);
        SpectrumCentering.Apply(spectrum, shape, -1);
        var padded = new float[shape.RealLength];
        fft.GetPlan(shape).Inverse(spectrum, padded);
        var map = Window(padded, m);
        GriddingCorrection.Divide(map.Span, BoxSize, m);
        // As RELION's softMaskOutsideMap: blend to the background mean beyond N/2 to remove corner aliasing.
        if (options.MaskOutsideBox)
            Masks.ApplySoftSphere(map, BoxSize / 2.0, options.OutsideMaskEdgePx, MaskFill.OutsideMean);
        return map;
    }

    /// <summary>
    /// data / max(weight, floor) inside the resolution sphere, where floor = fraction × mean weight of the shell,
    /// so poorly sampled voxels do not blow up (RELION regularises the same ratio through its iterative gridding weights).
    /// </summary>
    private void FillDividedSpectrum(Complex32[] spectrum, FftShape shape, double floorFraction)
    {
        int rmax = Padding * MaxRadius;
        var shellMean = ShellMeanWeights(rmax);
        var w = Grid.Weight!;
        for (int kz = -rmax; kz <= rmax; kz++)
            for (int ky = -rmax; ky <= rmax; ky++)
                for (int kx = 0; kx <= rmax; kx++)
                {
                    int r2 = kx * kx + ky * ky + kz * kz;
                    if (r2 > rmax * rmax)
                        continue;
                    int g = Grid.IndexOf(kx, ky, kz);
                    int shell = (int)Math.Round(Math.Sqrt(r2));
                    double floor = Math.Max(floorFraction * shellMean[shell], 1e-20);
                    double weight = Math.Max(w[g], floor);
                    spectrum[FourierLayout.HalfComplexIndex(kx, ky, kz, shape)] = Grid.Data[g] * (float)(1 / weight);
                }
    }

    private double[] ShellMeanWeights(int rmax)
    {
        var sum = new double[rmax + 2];
        var count = new long[rmax + 2];
        var w = Grid.Weight!;
        for (int kz = -rmax; kz <= rmax; kz++)
            for (int ky = -rmax; ky <= rmax; ky++)
                for (int kx = 0; kx <= rmax; kx++)
                {
                    int r2 = kx * kx + ky * ky + kz * kz;
                    if (r2 > rmax * rmax)
                        continue;
                    int shell = (int)Math.Round(Math.Sqrt(r2));
                    sum[shell] += w[Grid.IndexOf(kx, ky, kz)];
                    count[shell]++;
                }
        for (int s = 0; s < sum.Length; s++)
            sum[s] = count[s] > 0 ? sum[s] / count[s] : 0;
        return sum;
    }

    private Volume Window(float[] padded, int m)
    {
        int n = BoxSize, offset = m / 2 - n / 2;
        var map = Volume.CreateUninitialized(n, n, n, PixelSizeA);
        var dst = map.Span;
        // Inserted spectra are unscaled sums over N² pixels, which by the Fourier slice theorem equal the unscaled 3D
        // transform of the map at the same frequency, and zero-padding to M leaves those sums unchanged: the
        // inverse transform of size M (scaled by 1/M³) therefore returns the images' grey levels with no extra factor.
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
            {
                int src = ((z + offset) * m + y + offset) * m + offset;
                for (int x = 0; x < n; x++)
                    dst[(z * n + y) * n + x] = padded[src + x];
            }
        return map;
    }
}

/// <summary>Options of the final division and windowing of a reconstruction.</summary>
/// <param name="WeightFloorFraction">Floor on Σ CTF² as a fraction of its mean in the same shell (guards sparse voxels).</param>
/// <param name="MaskOutsideBox">Blend to the background beyond radius N/2 (as RELION does) to remove corner aliasing.</param>
/// <param name="OutsideMaskEdgePx">Width of that mask's raised-cosine edge in pixels.</param>
public sealed record ReconstructionOptions(double WeightFloorFraction = 1e-3, bool MaskOutsideBox = true, double OutsideMaskEdgePx = 3);
