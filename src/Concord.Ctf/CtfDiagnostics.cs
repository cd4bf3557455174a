using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Ctf.Methods.Periodogram;

namespace Concord.Ctf;

/// <summary>
/// What a diagnostic figure of a CTF fit shows, for any estimator's result. <see cref="Spectrum"/> is a centred
/// <see cref="Size"/>² image laid out like CTFFIND's diagnostic: the left half is the background-subtracted amplitude
/// spectrum of the micrograph, the right half the fitted CTF² (each half standardised over the fit band, so one grey
/// scale shows both). The 1D curves are the equiphase averages of data and model (<see cref="EquiphaseProfile"/>),
/// the data rescaled to the model's mean and spread over the fit band, and the windowed fit correlation.
/// </summary>
public sealed record CtfDiagnostics(
    float[] Spectrum,
    int Size,
    double[] FrequencyPerA,
    double[] Data,
    double[] Model,
    double[] FitCorrelation,
    double LowFrequency,
    double HighFrequency)
{
    /// <summary>Computes the diagnostics of <paramref name="ctf"/> on <paramref name="micrograph"/> with the spectrum settings of <paramref name="settings"/>.</summary>
    public static CtfDiagnostics Compute(Image2D micrograph, CtfParameters ctf, CtfEstimationSettings settings, IFftBackend fft)
    {
        ArgumentNullException.ThrowIfNull(micrograph);
        ArgumentNullException.ThrowIfNull(ctf);
        ArgumentNullException.ThrowIfNull(settings);
        var spectrum = AmplitudeSpectrum.Compute(micrograph, settings.TileSizePx, fft, settings.MaxDegreeOfParallelism);
        var band = FitBand.Of(spectrum, settings);
        var subtracted = SpectrumBackground.Subtract(spectrum.Amplitude, spectrum.Size, band.LowRadiusPx);
        var model = new CtfModel(ctf);
        int size = spectrum.Size, half = size / 2;
        double step = spectrum.FrequencyStep;
        var modelImage = new float[subtracted.Length];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double sin = Math.Sin(model.Gamma((x - half) * step, (y - half) * step));
                modelImage[y * size + x] = (float)(sin * sin);
            }
        Standardise(subtracted, size, band);
        Standardise(modelImage, size, band);
        var image = new float[subtracted.Length];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                image[y * size + x] = x < half ? subtracted[y * size + x] : modelImage[y * size + x];

        var profile = EquiphaseProfile.Compute(subtracted, size, step, model, band.LowFrequency);
        var data = RescaleToModel(profile, band);
        return new CtfDiagnostics(image, size, profile.FrequencyPerA, data, profile.Model, profile.Correlation, band.LowFrequency, band.HighFrequency);
    }

    /// <summary>Zero mean and unit spread over the fit band; values outside it are clipped to ±3 so they do not set the grey scale.</summary>
    private static void Standardise(float[] image, int size, FitBand band)
    {
        int half = size / 2;
        double sum = 0, squares = 0;
        long count = 0;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double r = Math.Sqrt((double)(x - half) * (x - half) + (double)(y - half) * (y - half));
                if (r >= band.LowRadiusPx && r <= band.HighRadiusPx)
                {
                    sum += image[y * size + x];
                    squares += (double)image[y * size + x] * image[y * size + x];
                    count++;
                }
            }
        double mean = count > 0 ? sum / count : 0;
        double sigma = count > 1 ? Math.Sqrt(Math.Max(squares / count - mean * mean, 1e-30)) : 1;
        for (int i = 0; i < image.Length; i++)
            image[i] = (float)Math.Clamp((image[i] - mean) / sigma, -3, 3);
    }

    private static double[] RescaleToModel(EquiphaseProfile profile, FitBand band)
    {
        var inBand = Enumerable.Range(0, profile.Data.Length)
            .Where(b => profile.FrequencyPerA[b] >= band.LowFrequency && profile.FrequencyPerA[b] <= band.HighFrequency && !double.IsNaN(profile.Data[b]))
            .ToArray();
        var data = (double[])profile.Data.Clone();
        if (inBand.Length < 2)
            return data;
        static (double Mean, double Sigma) Moments(IEnumerable<double> v)
        {
            var a = v.ToArray();
            double m = a.Average();
            return (m, Math.Sqrt(Math.Max(a.Select(x => (x - m) * (x - m)).Average(), 1e-30)));
        }
        var (dm, ds) = Moments(inBand.Select(b => profile.Data[b]));
        var (mm, ms) = Moments(inBand.Select(b => profile.Model[b]));
        for (int b = 0; b < data.Length; b++)
            data[b] = mm + (data[b] - dm) / ds * ms;
        return data;
    }
}
