using Concord.Core.Fourier;
using Concord.Picking.Methods.Log;

namespace Concord.Picking.Methods.Learned;

/// <summary>
/// Rotation-invariant descriptors of the patch around a candidate centre on a <see cref="WorkingMicrograph"/>, in the
/// spirit of Xmipp's automatic picker (Abrishami et al. 2013, Bioinformatics 29:2460): the image is sampled on polar
/// rings out to 1.5 particle radii; per ring the mean (radial profile) and the magnitudes of the angular Fourier
/// components m = 1…<see cref="Harmonics"/> (a Fourier–Bessel-like rotational power spectrum, invariant because a
/// rotation only shifts their phases); blob-filter responses at several scales at the centre; disc and annulus mean,
/// variance and contrast; and the correlation of the patch with its 180° rotation (template-free symmetry).
/// </summary>
public sealed class PatchFeatures
{
    /// <summary>Number of polar rings.</summary>
    public const int Rings = 12;

    /// <summary>Angular Fourier components kept per ring (m = 1…Harmonics).</summary>
    public const int Harmonics = 4;

    private const int Angles = 32;
    private static readonly double[] DogScales = [0.5, 0.75, 1.0, 1.5];

    private readonly float[] _image;
    private readonly float[][] _blob;
    private readonly int _width, _height;
    private readonly double _radius;

    /// <summary>Number of features per candidate.</summary>
    public static int Count => Rings * (1 + Harmonics) + DogScales.Length + 6;

    /// <summary>Precomputes the multi-scale blob responses of <paramref name="work"/>.</summary>
    public PatchFeatures(WorkingMicrograph work, bool darkParticles, IFftBackend fft)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(fft);
        _image = work.Image.Span.ToArray();
        _width = work.Width;
        _height = work.Height;
        _radius = work.RadiusPx;
        _blob = DogScales.Select(s => LogPicker.Response(work.Image, s * work.RadiusPx, BlobFilter.DifferenceOfGaussians, darkParticles, fft)).ToArray();
    }

    /// <summary>Features of each working-pixel centre (rows in input order), computed in parallel.</summary>
    public double[][] Compute(IReadOnlyList<(double X, double Y)> centresWorkingPx, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(centresWorkingPx);
        var rows = new double[centresWorkingPx.Count][];
        Parallel.For(0, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, i =>
            rows[i] = One(centresWorkingPx[i].X, centresWorkingPx[i].Y));
        return rows;
    }

    private double[] One(double cx, double cy)
    {
        var f = new double[Count];
        Span<double> ring = stackalloc double[Angles];
        double outer = 1.5 * _radius;
        double discSum = 0, discSq = 0, annSum = 0, annSq = 0;
        int discN = 0, annN = 0;
        for (int k = 0; k < Rings; k++)
        {
            double r = (k + 0.5) * outer / Rings;
            for (int a = 0; a < Angles; a++)
            {
                double t = 2 * Math.PI * a / Angles;
                ring[a] = Sample(_image, cx + r * Math.Cos(t), cy + r * Math.Sin(t));
            }
            double mean = 0;
            foreach (double v in ring)
                mean += v;
            mean /= Angles;
            f[k * (1 + Harmonics)] = mean;
            for (int m = 1; m <= Harmonics; m++)
            {
                double re = 0, im = 0;
                for (int a = 0; a < Angles; a++)
                {
                    double t = 2 * Math.PI * m * a / Angles;
                    re += ring[a] * Math.Cos(t);
                    im -= ring[a] * Math.Sin(t);
                }
                f[k * (1 + Harmonics) + m] = Math.Sqrt(re * re + im * im) / Angles;
            }
            foreach (double v in ring)
            {
                if (r < _radius) { discSum += v; discSq += v * v; discN++; }
                else { annSum += v; annSq += v * v; annN++; }
            }
        }
        int o = Rings * (1 + Harmonics);
        for (int s = 0; s < _blob.Length; s++)
            f[o + s] = Sample(_blob[s], cx, cy);
        o += _blob.Length;
        double dm = discSum / discN, am = annSum / Math.Max(annN, 1);
        f[o] = dm;
        f[o + 1] = Math.Max(0, discSq / discN - dm * dm);
        f[o + 2] = am;
        f[o + 3] = Math.Max(0, annSq / Math.Max(annN, 1) - am * am);
        f[o + 4] = am - dm;
        f[o + 5] = PointSymmetry(cx, cy);
        return f;
    }

    /// <summary>Pearson correlation of the disc with itself rotated by 180° (1 for centro-symmetric content).</summary>
    private double PointSymmetry(double cx, double cy)
    {
        int r = (int)Math.Ceiling(_radius);
        double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
        int n = 0;
        for (int dy = -r; dy <= r; dy++)
            for (int dx = 0; dx <= r; dx++)
            {
                if (dx * dx + dy * dy > _radius * _radius || (dx == 0 && dy <= 0))
                    continue;
                double a = Sample(_image, cx + dx, cy + dy), b = Sample(_image, cx - dx, cy - dy);
                sa += a; sb += b; saa += a * a; sbb += b * b; sab += a * b; n++;
            }
        if (n < 2)
            return 0;
        double cov = sab - sa * sb / n, va = saa - sa * sa / n, vb = sbb - sb * sb / n;
        return va > 0 && vb > 0 ? cov / Math.Sqrt(va * vb) : 0;
    }

    /// <summary>Bilinear interpolation with edge clamping (candidates near a border see replicated edge pixels).</summary>
    private double Sample(float[] map, double x, double y)
    {
        x = Math.Clamp(x, 0, _width - 1.001);
        y = Math.Clamp(y, 0, _height - 1.001);
        int x0 = (int)x, y0 = (int)y;
        double fx = x - x0, fy = y - y0;
        int i = y0 * _width + x0;
        return (1 - fy) * ((1 - fx) * map[i] + fx * map[i + 1]) + fy * ((1 - fx) * map[i + _width] + fx * map[i + _width + 1]);
    }
}
