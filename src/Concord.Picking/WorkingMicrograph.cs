using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Imaging;

namespace Concord.Picking;

/// <summary>
/// A micrograph resampled (Fourier cropping) so a particle radius spans about <see cref="TargetRadiusPx"/> pixels and
/// normalised to zero mean and unit variance. Picking at this scale keeps every filter the same size in pixels
/// whatever the detector sampling, and cuts the cost by the square of the binning factor; coordinates map back with
/// <see cref="ToMicrograph"/>.
/// </summary>
public sealed class WorkingMicrograph : IDisposable
{
    /// <summary>Particle radius in working pixels the binning aims for (large enough to resolve the particle's outline).</summary>
    public const double TargetRadiusPx = 12;

    private WorkingMicrograph(Image2D image, double scaleX, double scaleY, double radiusPx)
    {
        Image = image;
        ScaleX = scaleX;
        ScaleY = scaleY;
        RadiusPx = radiusPx;
    }

    /// <summary>The binned, normalised micrograph (pixel size in Å set).</summary>
    public Image2D Image { get; }

    /// <summary>Micrograph pixels per working pixel along x and y.</summary>
    public double ScaleX { get; }

    public double ScaleY { get; }

    /// <summary>Particle radius in working pixels.</summary>
    public double RadiusPx { get; }

    public int Width => Image.Width;
    public int Height => Image.Height;

    /// <summary>Bins <paramref name="micrograph"/> for a particle of <paramref name="diameterA"/> Å (never up-samples).</summary>
    public static WorkingMicrograph Create(Image2D micrograph, double diameterA, IFftBackend fft, double targetRadiusPx = TargetRadiusPx)
    {
        ArgumentNullException.ThrowIfNull(micrograph);
        if (!(diameterA > 0) || !double.IsFinite(diameterA))
            throw new InvalidParameterException("diameter", $"particle diameter must be a positive number of Å, got {diameterA}.");
        if (!(micrograph.PixelSizeA > 0))
            throw new InvalidParameterException("micrograph", $"pixel size must be positive, got {micrograph.PixelSizeA} Å.");
        double radiusPx = diameterA / 2 / micrograph.PixelSizeA;
        if (radiusPx < 2)
            throw new InvalidParameterException("diameter", $"{diameterA} Å is under 4 pixels of {micrograph.PixelSizeA} Å; too small to pick.");
        double factor = Math.Max(1, radiusPx / targetRadiusPx);
        int width = Math.Max(8, 2 * (int)Math.Round(micrograph.Width / factor / 2));
        int height = Math.Max(8, 2 * (int)Math.Round(micrograph.Height / factor / 2));
        var image = width == micrograph.Width && height == micrograph.Height
            ? micrograph.Clone()
            : FourierResample.Resample(micrograph, width, height, fft);
        Normalization.NormalizeWhole(image.Span);
        double scaleX = (double)micrograph.Width / width, scaleY = (double)micrograph.Height / height;
        return new WorkingMicrograph(image, scaleX, scaleY, radiusPx / Math.Sqrt(scaleX * scaleY))
        {
            OriginalWidth = micrograph.Width,
            OriginalHeight = micrograph.Height,
        };
    }

    /// <summary>A working-scale position in micrograph pixels. Fourier resampling keeps pixel ⌊N/2⌋ on ⌊M/2⌋, so the map is affine about the centres.</summary>
    public (double X, double Y) ToMicrograph(double x, double y) =>
        (((x - (Width / 2)) * ScaleX) + (OriginalWidth / 2), ((y - (Height / 2)) * ScaleY) + (OriginalHeight / 2));

    /// <summary>A micrograph position in working pixels (inverse of <see cref="ToMicrograph"/>).</summary>
    public (double X, double Y) ToWorking(double x, double y) =>
        (((x - (OriginalWidth / 2)) / ScaleX) + (Width / 2), ((y - (OriginalHeight / 2)) / ScaleY) + (Height / 2));

    /// <summary>Size of the micrograph this was made from, in its pixels.</summary>
    public int OriginalWidth { get; private init; }

    public int OriginalHeight { get; private init; }

    public void Dispose() => Image.Dispose();
}
