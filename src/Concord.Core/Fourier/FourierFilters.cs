using Concord.Core.Imaging;

namespace Concord.Core.Fourier;

/// <summary>
/// Isotropic Fourier filters on half-complex spectra, with image and volume conveniences that transform with an
/// injected <see cref="IFftBackend"/>.
/// <para>
/// Cut-offs are resolutions in Å; with pixel size p and box NX the cut-off sits at radius NX·p/d Fourier pixels of the
/// x axis (the shell unit of <see cref="FourierLayout"/>). Soft edges are raised cosines of width W shells centred on
/// the cut-off, so the gain is ½ exactly at the cut-off resolution, as in RELION's low-/high-pass filters (which use
/// W = 2 shells by default). W = 0 gives a hard edge (gain 1 up to and including the cut-off radius).
/// </para>
/// </summary>
public static class FourierFilters
{
    /// <summary>Default raised-cosine edge width in Fourier shells (RELION's default).</summary>
    public const double DefaultEdgeWidthShells = 2;

    /// <summary>Low-pass gain at <paramref name="radius"/> for a cut-off at <paramref name="cutoffRadius"/> (both in shells).</summary>
    public static double LowPassGain(double radius, double cutoffRadius, double edgeWidthShells)
    {
        if (edgeWidthShells == 0)
            return radius <= cutoffRadius ? 1 : 0;
        double low = cutoffRadius - (edgeWidthShells / 2);
        if (radius <= low)
            return 1;
        if (radius >= cutoffRadius + (edgeWidthShells / 2))
            return 0;
        return 0.5 * (1 + Math.Cos(Math.PI * (radius - low) / edgeWidthShells));
    }

    /// <summary>Keeps resolutions coarser than <paramref name="resolutionA"/> Å (gain ½ at the cut-off).</summary>
    public static void LowPass(Span<Complex32> spectrum, FftShape shape, double pixelSizeA, double resolutionA, double edgeWidthShells = DefaultEdgeWidthShells)
    {
        double cutoff = CutoffRadius(shape, pixelSizeA, resolutionA, "resolutionA", edgeWidthShells);
        ApplyRadialGain(spectrum, shape, r => LowPassGain(r, cutoff, edgeWidthShells));
    }

    /// <summary>Keeps resolutions finer than <paramref name="resolutionA"/> Å (removes the mean and slow gradients).</summary>
    public static void HighPass(Span<Complex32> spectrum, FftShape shape, double pixelSizeA, double resolutionA, double edgeWidthShells = DefaultEdgeWidthShells)
    {
        double cutoff = CutoffRadius(shape, pixelSizeA, resolutionA, "resolutionA", edgeWidthShells);
        ApplyRadialGain(spectrum, shape, r => 1 - LowPassGain(r, cutoff, edgeWidthShells));
    }

    /// <summary>
    /// Keeps the band between <paramref name="lowResolutionA"/> (the coarse end, e.g. 300 Å) and
    /// <paramref name="highResolutionA"/> (the fine end, e.g. 8 Å): the product of a high-pass and a low-pass.
    /// </summary>
    public static void BandPass(Span<Complex32> spectrum, FftShape shape, double pixelSizeA, double lowResolutionA, double highResolutionA, double edgeWidthShells = DefaultEdgeWidthShells)
    {
        double inner = CutoffRadius(shape, pixelSizeA, lowResolutionA, "lowResolutionA", edgeWidthShells);
        double outer = CutoffRadius(shape, pixelSizeA, highResolutionA, "highResolutionA", edgeWidthShells);
        if (!(lowResolutionA > highResolutionA))
            throw new InvalidParameterException("lowResolutionA", $"the coarse end ({lowResolutionA} Å) must be larger than the fine end ({highResolutionA} Å).");
        ApplyRadialGain(spectrum, shape, r => (1 - LowPassGain(r, inner, edgeWidthShells)) * LowPassGain(r, outer, edgeWidthShells));
    }

    /// <summary>
    /// Multiplies by the Gaussian temperature factor exp(−B·s²/4), s the spatial frequency in 1/Å (so |s| = 1/d).
    /// B &gt; 0 blurs (the decay of a Debye–Waller factor); B &lt; 0 sharpens, as in map sharpening
    /// (Rosenthal &amp; Henderson, 2003, J. Mol. Biol. 333:721).
    /// </summary>
    public static void BFactor(Span<Complex32> spectrum, FftShape shape, double pixelSizeA, double bFactorA2)
    {
        FourierShells.ValidatePixelSize(pixelSizeA);
        if (!double.IsFinite(bFactorA2))
            throw new InvalidParameterException("bFactorA2", $"must be a finite number of Å², got {bFactorA2}.");
        // radius (x-axis shells) / (NX·p) is the frequency in 1/Å for every axis (FourierLayout scales ky, kz to x units).
        double toFrequency = 1 / (shape.NX * pixelSizeA);
        ApplyRadialGain(spectrum, shape, r => Math.Exp(-bFactorA2 * (r * toFrequency) * (r * toFrequency) / 4));
    }

    /// <summary>Multiplies each element by <paramref name="gainOfRadius"/>(radius in x-axis Fourier pixels).</summary>
    public static void ApplyRadialGain(Span<Complex32> spectrum, FftShape shape, Func<double, double> gainOfRadius)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(spectrum.Length, shape.ComplexLength, "filter spectrum");
        int i = 0;
        for (int z = 0; z < shape.NZ; z++)
        {
            int kz = FourierLayout.FrequencyOfIndex(z, shape.NZ);
            for (int y = 0; y < shape.NY; y++)
            {
                int ky = FourierLayout.FrequencyOfIndex(y, shape.NY);
                for (int kx = 0; kx < shape.HalfNX; kx++, i++)
                    spectrum[i] *= (float)gainOfRadius(FourierLayout.Radius(kx, ky, kz, shape));
            }
        }
    }

    /// <summary>Low-pass filters <paramref name="image"/> in place (see <see cref="LowPass(Span{Complex32}, FftShape, double, double, double)"/>).</summary>
    public static void LowPass(Image2D image, double resolutionA, IFftBackend fft, double edgeWidthShells = DefaultEdgeWidthShells) =>
        SpectrumRoundTrip.Apply(image.Span, ShapeOf(image), fft, (s, shape) => LowPass(s, shape, image.PixelSizeA, resolutionA, edgeWidthShells));

    /// <summary>Low-pass filters <paramref name="volume"/> in place.</summary>
    public static void LowPass(Volume volume, double resolutionA, IFftBackend fft, double edgeWidthShells = DefaultEdgeWidthShells) =>
        SpectrumRoundTrip.Apply(volume.Span, ShapeOf(volume), fft, (s, shape) => LowPass(s, shape, volume.PixelSizeA, resolutionA, edgeWidthShells));

    /// <summary>High-pass filters <paramref name="image"/> in place.</summary>
    public static void HighPass(Image2D image, double resolutionA, IFftBackend fft, double edgeWidthShells = DefaultEdgeWidthShells) =>
        SpectrumRoundTrip.Apply(image.Span, ShapeOf(image), fft, (s, shape) => HighPass(s, shape, image.PixelSizeA, resolutionA, edgeWidthShells));

    /// <summary>High-pass filters <paramref name="volume"/> in place.</summary>
    public static void HighPass(Volume volume, double resolutionA, IFftBackend fft, double edgeWidthShells = DefaultEdgeWidthShells) =>
        SpectrumRoundTrip.Apply(volume.Span, ShapeOf(volume), fft, (s, shape) => HighPass(s, shape, volume.PixelSizeA, resolutionA, edgeWidthShells));

    /// <summary>Band-pass filters <paramref name="image"/> in place.</summary>
    public static void BandPass(Image2D image, double lowResolutionA, double highResolutionA, IFftBackend fft, double edgeWidthShells = DefaultEdgeWidthShells) =>
        SpectrumRoundTrip.Apply(image.Span, ShapeOf(image), fft, (s, shape) => BandPass(s, shape, image.PixelSizeA, lowResolutionA, highResolutionA, edgeWidthShells));

    /// <summary>Band-pass filters <paramref name="volume"/> in place.</summary>
    public static void BandPass(Volume volume, double lowResolutionA, double highResolutionA, IFftBackend fft, double edgeWidthShells = DefaultEdgeWidthShells) =>
        SpectrumRoundTrip.Apply(volume.Span, ShapeOf(volume), fft, (s, shape) => BandPass(s, shape, volume.PixelSizeA, lowResolutionA, highResolutionA, edgeWidthShells));

    /// <summary>Applies a B-factor to <paramref name="image"/> in place.</summary>
    public static void BFactor(Image2D image, double bFactorA2, IFftBackend fft) =>
        SpectrumRoundTrip.Apply(image.Span, ShapeOf(image), fft, (s, shape) => BFactor(s, shape, image.PixelSizeA, bFactorA2));

    /// <summary>Applies a B-factor to <paramref name="volume"/> in place.</summary>
    public static void BFactor(Volume volume, double bFactorA2, IFftBackend fft) =>
        SpectrumRoundTrip.Apply(volume.Span, ShapeOf(volume), fft, (s, shape) => BFactor(s, shape, volume.PixelSizeA, bFactorA2));

    private static FftShape ShapeOf(Image2D image) => new(image.Width, image.Height);

    private static FftShape ShapeOf(Volume volume) => new(volume.NX, volume.NY, volume.NZ);

    private static double CutoffRadius(FftShape shape, double pixelSizeA, double resolutionA, string name, double edgeWidthShells)
    {
        FourierShells.ValidatePixelSize(pixelSizeA);
        if (!(resolutionA > 0) || double.IsInfinity(resolutionA))
            throw new InvalidParameterException(name, $"must be a positive finite resolution in Å, got {resolutionA}.");
        if (!(edgeWidthShells >= 0) || double.IsInfinity(edgeWidthShells))
            throw new InvalidParameterException("edgeWidthShells", $"must be a finite number ≥ 0 of Fourier shells, got {edgeWidthShells}.");
        return shape.NX * pixelSizeA / resolutionA;
    }
}
