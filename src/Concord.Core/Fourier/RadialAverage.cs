using System.Buffers;

using Concord.Core.Imaging;

namespace Concord.Core.Fourier;

/// <summary>
/// A rotational average of a real image: <see cref="Average"/>[i] is the mean over pixels whose distance from the centre
/// rounds to i px (RELION's rounding rule); <see cref="RadiusA"/>[i] = i·pixel size.
/// </summary>
public sealed record RadialProfile(double[] Average, long[] Counts, double[] RadiusA);

/// <summary>
/// A per-shell Fourier profile (e.g. a 1D power spectrum): <see cref="Average"/>[s] is the mean over the full spectrum's
/// elements in shell s (see <see cref="FourierShells"/>), <see cref="FrequencyPerA"/>[s] its spatial frequency in 1/Å.
/// </summary>
public sealed record ShellProfile(double[] Average, long[] Counts, double[] FrequencyPerA);

/// <summary>Rotational averages in real space and 1D power spectra by Fourier shells.</summary>
public static class RadialAverage
{
    /// <summary>
    /// Rotational average about the centre (N/2 along each axis, integer division) of a 2D or 3D array. Bin i holds the
    /// pixels with round(distance) = i, for i = 0 … the largest distance in the box, so corners are included.
    /// </summary>
    public static RadialProfile Rotational(ReadOnlySpan<float> pixels, FftShape shape, double pixelSizeA)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(pixels.Length, shape.RealLength, "rotational average pixels");
        FourierShells.ValidatePixelSize(pixelSizeA);
        int cx = shape.NX / 2, cy = shape.NY / 2, cz = shape.NZ / 2;
        double farthest = Math.Sqrt(Sq(Math.Max(cx, shape.NX - 1 - cx)) + Sq(Math.Max(cy, shape.NY - 1 - cy)) + Sq(Math.Max(cz, shape.NZ - 1 - cz)));
        int bins = (int)Math.Round(farthest) + 1;
        var sums = new double[bins];
        var counts = new long[bins];
        for (int z = 0; z < shape.NZ; z++)
            for (int y = 0; y < shape.NY; y++)
            {
                double dyz = Sq(y - cy) + Sq(z - cz);
                int row = ((z * shape.NY) + y) * shape.NX;
                for (int x = 0; x < shape.NX; x++)
                {
                    int bin = (int)Math.Round(Math.Sqrt(dyz + Sq(x - cx)));
                    sums[bin] += pixels[row + x];
                    counts[bin]++;
                }
            }
        var radius = new double[bins];
        for (int i = 0; i < bins; i++)
        {
            sums[i] = counts[i] > 0 ? sums[i] / counts[i] : 0;
            radius[i] = i * pixelSizeA;
        }
        return new RadialProfile(sums, counts, radius);
    }

    /// <inheritdoc cref="Rotational(ReadOnlySpan{float}, FftShape, double)"/>
    public static RadialProfile Rotational(Image2D image) => Rotational(image.Span, new FftShape(image.Width, image.Height), image.PixelSizeA);

    /// <inheritdoc cref="Rotational(ReadOnlySpan{float}, FftShape, double)"/>
    public static RadialProfile Rotational(Volume volume) => Rotational(volume.Span, new FftShape(volume.NX, volume.NY, volume.NZ), volume.PixelSizeA);

    /// <summary>
    /// 1D power spectrum: the mean of |F(k)|²/N over the full spectrum's elements of each shell 0 … NX/2, with N the
    /// number of real elements. Dividing by N makes white noise of variance σ² give σ² in every shell (Parseval), so the
    /// profile does not depend on box size.
    /// </summary>
    public static ShellProfile PowerSpectrum(ReadOnlySpan<Complex32> spectrum, FftShape shape, double pixelSizeA)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(spectrum.Length, shape.ComplexLength, "power spectrum");
        var frequencies = FourierShells.ShellFrequencies(shape, pixelSizeA);
        var power = ArrayPool<float>.Shared.Rent(spectrum.Length);
        try
        {
            var p = power.AsSpan(0, spectrum.Length);
            float perElement = 1f / shape.RealLength;
            for (int i = 0; i < p.Length; i++)
                p[i] = spectrum[i].MagnitudeSquared * perElement;
            var average = FourierShells.AveragePerShell(p, shape, out var counts);
            return new ShellProfile(average, counts, frequencies);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(power);
        }
    }

    /// <summary>1D power spectrum of a real array, transformed with <paramref name="fft"/>.</summary>
    public static ShellProfile PowerSpectrum(ReadOnlySpan<float> pixels, FftShape shape, double pixelSizeA, IFftBackend fft)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(pixels.Length, shape.RealLength, "power spectrum pixels");
        var spectrum = ArrayPool<Complex32>.Shared.Rent(shape.ComplexLength);
        try
        {
            var s = spectrum.AsSpan(0, shape.ComplexLength);
            fft.GetPlan(shape).Forward(pixels, s);
            return PowerSpectrum(s, shape, pixelSizeA);
        }
        finally
        {
            ArrayPool<Complex32>.Shared.Return(spectrum);
        }
    }

    /// <inheritdoc cref="PowerSpectrum(ReadOnlySpan{float}, FftShape, double, IFftBackend)"/>
    public static ShellProfile PowerSpectrum(Image2D image, IFftBackend fft) =>
        PowerSpectrum(image.Span, new FftShape(image.Width, image.Height), image.PixelSizeA, fft);

    /// <inheritdoc cref="PowerSpectrum(ReadOnlySpan{float}, FftShape, double, IFftBackend)"/>
    public static ShellProfile PowerSpectrum(Volume volume, IFftBackend fft) =>
        PowerSpectrum(volume.Span, new FftShape(volume.NX, volume.NY, volume.NZ), volume.PixelSizeA, fft);

    private static double Sq(double v) => v * v;
}
