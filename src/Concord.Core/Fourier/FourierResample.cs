using System.Buffers;

using Concord.Core.Imaging;

namespace Concord.Core.Fourier;

/// <summary>
/// Resampling by Fourier cropping (binning, down-sampling) or zero-padding (up-sampling) to any size, including
/// non-integer size ratios, in 2D and 3D.
/// <para>
/// Model: the input is the samples of its trigonometric interpolant, with an even axis' Nyquist coefficient split
/// equally between +N/2 and −N/2 (the symmetric, real interpolant). The output samples that interpolant, band-limited
/// to the output's frequencies: coefficients with |f| ≤ M/2 are kept, and on an even output axis the two coefficients
/// at ±M/2 alias onto the one Nyquist bin, so they are added (as scipy.signal.resample does; splitting on up-sampling
/// and joining on down-sampling make equal sizes the identity). Frequencies above the new Nyquist are discarded,
/// which is ideal low-pass anti-aliasing.
/// </para>
/// <para>
/// Scale: the forward transform is unscaled and the inverse divides by the element count, so the spectrum is
/// multiplied by M/N (total element counts) to keep the mean (the DC term over the count) unchanged.
/// </para>
/// <para>
/// Centre: Fourier cropping keeps sample 0 fixed. Concord's centre is pixel N/2 (integer division); when N/2·M/N ≠ M/2
/// (an odd size on either side) the output is shifted by the sub-pixel difference so that the input centre lands
/// exactly on the output centre, consistent with <see cref="Windowing"/>. The pixel size becomes p·N/M (from the
/// x axis; choose sizes with equal ratios per axis to keep pixels isotropic).
/// </para>
/// </summary>
public static class FourierResample
{
    /// <summary>Resamples a half-complex spectrum of <paramref name="sourceShape"/> into one of <paramref name="destinationShape"/>
    /// (same rank), applying the scale and centre rules of the type summary.</summary>
    public static void ResampleSpectrum(ReadOnlySpan<Complex32> source, FftShape sourceShape, Span<Complex32> destination, FftShape destinationShape)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(source.Length, sourceShape.ComplexLength, "resample source spectrum");
        ShapeMismatchException.ThrowIfLengthDiffers(destination.Length, destinationShape.ComplexLength, "resample destination spectrum");
        if (sourceShape.Rank != destinationShape.Rank)
            throw new ShapeMismatchException($"FourierResample: cannot resample {sourceShape} (rank {sourceShape.Rank}) to {destinationShape} (rank {destinationShape.Rank}).");
        int hx = sourceShape.HalfNX;
        // Pass 1: z (complex axis), on the source's x and y extents.
        var afterZ = ArrayPool<Complex32>.Shared.Rent(hx * sourceShape.NY * destinationShape.NZ);
        var afterY = ArrayPool<Complex32>.Shared.Rent(hx * destinationShape.NY * destinationShape.NZ);
        try
        {
            var z = afterZ.AsSpan(0, hx * sourceShape.NY * destinationShape.NZ);
            ResampleComplexAxis(source, z, hx * sourceShape.NY, sourceShape.NZ, destinationShape.NZ);
            var y = afterY.AsSpan(0, hx * destinationShape.NY * destinationShape.NZ);
            for (int plane = 0; plane < destinationShape.NZ; plane++)
                ResampleComplexAxis(z.Slice(plane * hx * sourceShape.NY, hx * sourceShape.NY), y.Slice(plane * hx * destinationShape.NY, hx * destinationShape.NY), hx, sourceShape.NY, destinationShape.NY);
            ResampleHalfComplexAxis(y, destination, sourceShape.NX, destinationShape);
        }
        finally
        {
            ArrayPool<Complex32>.Shared.Return(afterZ);
            ArrayPool<Complex32>.Shared.Return(afterY);
        }
        float scale = (float)((double)destinationShape.RealLength / sourceShape.RealLength);
        for (int i = 0; i < destination.Length; i++)
            destination[i] *= scale;
        PhaseShift.ApplyToSpectrum(destination, destinationShape,
            CentreCorrection(sourceShape.NX, destinationShape.NX),
            CentreCorrection(sourceShape.NY, destinationShape.NY),
            CentreCorrection(sourceShape.NZ, destinationShape.NZ));
    }

    /// <summary>Resamples real data of <paramref name="sourceShape"/> into <paramref name="destination"/> of <paramref name="destinationShape"/>.</summary>
    public static void Resample(ReadOnlySpan<float> source, FftShape sourceShape, Span<float> destination, FftShape destinationShape, IFftBackend fft)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(source.Length, sourceShape.RealLength, "resample source");
        ShapeMismatchException.ThrowIfLengthDiffers(destination.Length, destinationShape.RealLength, "resample destination");
        var sourceSpectrum = ArrayPool<Complex32>.Shared.Rent(sourceShape.ComplexLength);
        var destinationSpectrum = ArrayPool<Complex32>.Shared.Rent(destinationShape.ComplexLength);
        try
        {
            var s = sourceSpectrum.AsSpan(0, sourceShape.ComplexLength);
            var d = destinationSpectrum.AsSpan(0, destinationShape.ComplexLength);
            fft.GetPlan(sourceShape).Forward(source, s);
            ResampleSpectrum(s, sourceShape, d, destinationShape);
            fft.GetPlan(destinationShape).Inverse(d, destination);
        }
        finally
        {
            ArrayPool<Complex32>.Shared.Return(sourceSpectrum);
            ArrayPool<Complex32>.Shared.Return(destinationSpectrum);
        }
    }

    /// <summary>A new image of <paramref name="width"/> × <paramref name="height"/> resampled from <paramref name="image"/>; pixel size p·W/width.</summary>
    public static Image2D Resample(Image2D image, int width, int height, IFftBackend fft)
    {
        var result = Image2D.CreateUninitialized(width, height, image.PixelSizeA * image.Width / width);
        Resample(image.Span, new FftShape(image.Width, image.Height), result.Span, new FftShape(width, height), fft);
        return result;
    }

    /// <summary>A new volume of <paramref name="nx"/> × <paramref name="ny"/> × <paramref name="nz"/> resampled from <paramref name="volume"/>; voxel size p·NX/nx.</summary>
    public static Volume Resample(Volume volume, int nx, int ny, int nz, IFftBackend fft)
    {
        var result = Volume.CreateUninitialized(nx, ny, nz, volume.PixelSizeA * volume.NX / nx);
        Resample(volume.Span, new FftShape(volume.NX, volume.NY, volume.NZ), result.Span, new FftShape(nx, ny, nz), fft);
        return result;
    }

    /// <summary>
    /// Bins <paramref name="image"/> by <paramref name="factor"/> (any real factor &gt; 0; &lt; 1 up-samples): the new size
    /// is round(N / factor) per axis, so the exact new pixel size is p·N/M, which may differ slightly from p·factor.
    /// </summary>
    public static Image2D Bin(Image2D image, double factor, IFftBackend fft) =>
        Resample(image, BinnedSize(image.Width, factor), BinnedSize(image.Height, factor), fft);

    /// <inheritdoc cref="Bin(Image2D, double, IFftBackend)"/>
    public static Volume Bin(Volume volume, double factor, IFftBackend fft) =>
        Resample(volume, BinnedSize(volume.NX, factor), BinnedSize(volume.NY, factor), BinnedSize(volume.NZ, factor), fft);

    /// <summary>round(<paramref name="size"/> / <paramref name="factor"/>), at least 1.</summary>
    public static int BinnedSize(int size, double factor)
    {
        if (!(factor > 0) || double.IsInfinity(factor))
            throw new InvalidParameterException("factor", $"binning factor must be a positive finite number, got {factor}.");
        double m = Math.Round(size / factor);
        if (m > Array.MaxLength)
            throw new InvalidDimensionsException($"Binning {size} px by {factor} gives {m} px, more than a buffer can hold.");
        return (int)Math.Max(1, m);
    }

    /// <summary>Even box size whose pixel size is closest to <paramref name="targetPixelSizeA"/> for a box of
    /// <paramref name="size"/> pixels of <paramref name="pixelSizeA"/> Å (RELION requires even boxes).</summary>
    public static int EvenSizeForPixelSize(int size, double pixelSizeA, double targetPixelSizeA)
    {
        FourierShells.ValidatePixelSize(pixelSizeA);
        FourierShells.ValidatePixelSize(targetPixelSizeA);
        return Math.Max(2, 2 * (int)Math.Round(size * pixelSizeA / targetPixelSizeA / 2));
    }

    /// <summary>Shift (output px) that moves the image of the input centre ⌊N/2⌋ (at ⌊N/2⌋·M/N) onto ⌊M/2⌋.</summary>
    private static double CentreCorrection(int n, int m) => n == m ? 0 : (m / 2) - ((n / 2) * (double)m / n);

    /// <summary>Continuous-interpolant coefficient weight of source frequency <paramref name="f"/> (half at an even axis' Nyquist).</summary>
    private static float SourceWeight(int f, int n) => n % 2 == 0 && 2 * Math.Abs(f) == n ? 0.5f : 1f;

    /// <summary>
    /// Resamples a complex axis stored in FFT order with stride <paramref name="stride"/> (the axis is the slowest of a
    /// block of <paramref name="stride"/> contiguous values): output frequency g collects source frequencies g and g − M
    /// that satisfy |f| ≤ M/2 and |f| ≤ N/2.
    /// </summary>
    private static void ResampleComplexAxis(ReadOnlySpan<Complex32> source, Span<Complex32> destination, int stride, int n, int m)
    {
        for (int j = 0; j < m; j++)
        {
            int g = FourierLayout.FrequencyOfIndex(j, m);
            var row = destination.Slice(j * stride, stride);
            row.Clear();
            foreach (int f in (ReadOnlySpan<int>)[g, g - m])
            {
                if (2 * Math.Abs(f) > m || 2 * Math.Abs(f) > n)
                    continue;
                float w = SourceWeight(f, n);
                var sourceRow = source.Slice(FourierLayout.IndexOfFrequency(f, n) * stride, stride);
                for (int i = 0; i < stride; i++)
                    row[i] += sourceRow[i] * w;
            }
        }
    }

    /// <summary>
    /// Resamples the half-complex x axis from <paramref name="nx"/> to <paramref name="shape"/>.NX. The output Nyquist of
    /// an even size also collects the source coefficient at −M/2, which the half-complex array holds as the conjugate of
    /// +M/2 at the mirrored (−ky, −kz) row.
    /// </summary>
    private static void ResampleHalfComplexAxis(ReadOnlySpan<Complex32> source, Span<Complex32> destination, int nx, FftShape shape)
    {
        int sourceHx = (nx / 2) + 1, hx = shape.HalfNX, m = shape.NX;
        for (int z = 0; z < shape.NZ; z++)
            for (int y = 0; y < shape.NY; y++)
            {
                int rowIndex = (z * shape.NY) + y;
                int mirrorRow = ((shape.NZ - z) % shape.NZ * shape.NY) + ((shape.NY - y) % shape.NY);
                var sourceRow = source.Slice(rowIndex * sourceHx, sourceHx);
                var mirror = source.Slice(mirrorRow * sourceHx, sourceHx);
                var row = destination.Slice(rowIndex * hx, hx);
                for (int kx = 0; kx < hx; kx++)
                {
                    var value = Complex32.Zero;
                    if (2 * kx <= nx)
                        value = sourceRow[kx] * SourceWeight(kx, nx);
                    if (m % 2 == 0 && 2 * kx == m && kx > 0 && 2 * kx <= nx)
                        value += mirror[kx].Conjugate * SourceWeight(kx, nx);
                    row[kx] = value;
                }
            }
    }
}
