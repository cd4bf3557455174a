using Concord.Core;
using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Imaging;

namespace Concord.Ctf.Methods.Periodogram;

/// <summary>
/// Estimator A, "periodogram", in the manner of CTFFIND4 (Rohou &amp; Grigorieff 2015): the averaged amplitude spectrum of
/// tiles (<see cref="AmplitudeSpectrum"/>), background removed by a box convolution (<see cref="SpectrumBackground"/>),
/// an exhaustive 1D search of the mean defocus (and phase shift) on the rotational average, an exhaustive 2D search of
/// mean defocus, astigmatism and angle on the 2D spectrum, and a Nelder–Mead refinement of U, V, angle (and phase
/// shift), all maximising the normalised cross-correlation with CTF² over the fit band
/// (<see cref="SpectrumFitTarget"/>). The fit score is that correlation; the maximum resolution is CTFFIND4's fit
/// resolution (<see cref="EquiphaseProfile.FitResolutionA"/>). Figures: <see cref="CtfFigures.IceRingRatio"/> (see <see cref="IceRing"/>)
/// and <see cref="CtfFigures.Tiles"/>. Stateless apart from the injected FFT backend, so one instance serves many threads.
/// </summary>
public sealed class PeriodogramEstimator : ICtfEstimator
{
    public const string MethodName = "periodogram";

    private readonly IFftBackend _fft;

    public PeriodogramEstimator(IFftBackend fft)
    {
        ArgumentNullException.ThrowIfNull(fft);
        _fft = fft;
    }

    public string Name => MethodName;

    public CtfEstimate Estimate(Image2D micrograph, CtfEstimationSettings settings, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(micrograph);
        ArgumentNullException.ThrowIfNull(settings);
        Validate(settings);
        var spectrum = AmplitudeSpectrum.Compute(micrograph, settings.TileSizePx, _fft, settings.MaxDegreeOfParallelism);
        cancellation.ThrowIfCancellationRequested();
        var band = FitBand.Of(spectrum, settings);
        var subtracted = SpectrumBackground.Subtract(spectrum.Amplitude, spectrum.Size, band.LowRadiusPx);
        var full = SpectrumFitTarget.Create(subtracted, spectrum.Size, spectrum.FrequencyStep, band.LowRadiusPx, band.HighRadiusPx);
        var coarse = SpectrumFitTarget.Create(subtracted, spectrum.Size, spectrum.FrequencyStep, band.LowRadiusPx, band.HighRadiusPx, stride: 2);

        var search = new DefocusSearch(settings);
        var (defocus1D, phase1D) = search.Radial(RadialProfile(subtracted, spectrum.Size), spectrum.FrequencyStep, band);
        cancellation.ThrowIfCancellationRequested();
        var starts = search.Grid(coarse, defocus1D, phase1D, settings.MaxDegreeOfParallelism);
        cancellation.ThrowIfCancellationRequested();
        var (best, score) = search.Refine(full, starts);

        var model = new CtfModel(best);
        var profile = EquiphaseProfile.Compute(subtracted, spectrum.Size, spectrum.FrequencyStep, model, band.LowFrequency);
        var figures = new Dictionary<string, double>
        {
            [CtfFigures.Tiles] = spectrum.Tiles,
            [CtfFigures.IceRingRatio] = IceRing.Ratio(spectrum),
        };
        return new CtfEstimate(MethodName, best, score, profile.FitResolutionA(band.LowFrequency), figures);
    }

    /// <summary>Rotational average of the centred spectrum in 1-px rings (rounded radius), zero to Nyquist.</summary>
    internal static double[] RadialProfile(float[] centred, int size)
    {
        int half = size / 2;
        var sums = new double[half + 1];
        var counts = new int[half + 1];
        for (int y = 0; y < size; y++)
            for (int x = half; x < size; x++)
            {
                int r = (int)Math.Round(Math.Sqrt((double)(x - half) * (x - half) + (double)(y - half) * (y - half)));
                if (r <= half)
                {
                    sums[r] += centred[y * size + x];
                    counts[r]++;
                }
            }
        for (int r = 0; r <= half; r++)
            sums[r] = counts[r] > 0 ? sums[r] / counts[r] : 0;
        return sums;
    }

    private static void Validate(CtfEstimationSettings s)
    {
        if (!(s.MinResolutionA > s.MaxResolutionA) || !(s.MaxResolutionA > 0))
            throw new InvalidParameterException(nameof(s.MinResolutionA), $"fit band must run from a lower to a higher resolution, got {s.MinResolutionA}–{s.MaxResolutionA} Å.");
        if (!(s.MinDefocusA < s.MaxDefocusA) || !(s.DefocusStepA > 0))
            throw new InvalidParameterException(nameof(s.MinDefocusA), $"defocus search needs min < max and a positive step, got {s.MinDefocusA}–{s.MaxDefocusA} Å step {s.DefocusStepA} Å.");
        if (s.TileSizePx < 64)
            throw new InvalidParameterException(nameof(s.TileSizePx), $"tiles must be at least 64 px, got {s.TileSizePx}.");
        _ = new CtfParameters { VoltageKv = s.VoltageKv, SphericalAberrationMm = s.SphericalAberrationMm, AmplitudeContrast = s.AmplitudeContrast }.Validate();
    }
}

/// <summary>The fit band in Fourier pixels of the tile and in 1/Å.</summary>
internal readonly record struct FitBand(double LowRadiusPx, double HighRadiusPx, double LowFrequency, double HighFrequency)
{
    public static FitBand Of(AmplitudeSpectrum spectrum, CtfEstimationSettings settings)
    {
        double step = spectrum.FrequencyStep;
        double high = Math.Min(1 / settings.MaxResolutionA, 1 / (CtfEstimationSettings.FinestFitResolutionPx * spectrum.PixelSizeA));
        double low = Math.Min(1 / settings.MinResolutionA, 0.5 * high);
        return new FitBand(low / step, high / step, low, high);
    }
}
