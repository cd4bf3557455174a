using Concord.Core;
using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Simulation.Movies;

namespace Concord.Simulation.Micrographs;

/// <summary>
/// How CTF test micrographs are made (sizes in px, lengths in Å, dose in e/Å²). Defaults give clear but noisy Thon
/// rings at 1.2 Å/px (Nyquist 2.4 Å, so the 3.7 Å ice ring is inside the spectrum).
/// </summary>
public sealed record CtfTestMicrographOptions
{
    public int Width { get; init; } = 1024;
    public int Height { get; init; } = 1024;
    public double PixelSizeA { get; init; } = 1.2;
    public double VoltageKv { get; init; } = 300;
    public double SphericalAberrationMm { get; init; } = 2.7;
    public double AmplitudeContrast { get; init; } = 0.07;

    /// <summary>Mean defocus range (Å): 0.5–3.5 µm.</summary>
    public double DefocusMinA { get; init; } = 5000;
    public double DefocusMaxA { get; init; } = 35000;

    /// <summary>Astigmatism |U − V| of good micrographs is drawn uniformly in [0, this] (Å).</summary>
    public double AstigmatismMaxA { get; init; } = 1500;

    /// <summary>Astigmatism range of <see cref="MicrographDefect.StrongAstigmatism"/> micrographs (Å).</summary>
    public double StrongAstigmatismMinA { get; init; } = 3500;
    public double StrongAstigmatismMaxA { get; init; } = 5000;

    /// <summary>CTF envelope B-factor (Å², exp(−B s²/4)): partial coherence, drift and damage in one.</summary>
    public double EnvelopeBFactorA2 { get; init; } = 80;

    /// <summary>Total electron dose (e/Å²); the shot noise of the micrograph.</summary>
    public double DoseEA2 { get; init; } = 40;

    /// <summary>RMS phase (rad) of the specimen (protein in vitreous ice) per pixel before the CTF.</summary>
    public double SpecimenPhaseRad { get; init; } = 0.12;

    /// <summary>Length of the straight-line blur of <see cref="MicrographDefect.HeavyDrift"/> micrographs (Å, range).</summary>
    public double HeavyDriftMinA { get; init; } = 40;
    public double HeavyDriftMaxA { get; init; } = 80;

    /// <summary>Fraction of micrographs given one of the four <see cref="MicrographDefect"/>s at random.</summary>
    public double BadMicrographFraction { get; init; }

    /// <summary>Throws <see cref="InvalidParameterException"/> for options that cannot make a micrograph.</summary>
    public CtfTestMicrographOptions Validate()
    {
        if (Width < 64 || Height < 64)
            throw new InvalidDimensionsException($"CTF test micrographs must be at least 64×64 px, got {Width}×{Height}.");
        if (!(PixelSizeA > 0))
            throw new InvalidParameterException(nameof(PixelSizeA), $"must be a positive number of Å, got {PixelSizeA}.");
        if (!(DefocusMinA > 0) || DefocusMaxA < DefocusMinA)
            throw new InvalidParameterException(nameof(DefocusMinA), $"defocus range must be positive and ordered, got {DefocusMinA}–{DefocusMaxA} Å.");
        if (!(DoseEA2 > 0))
            throw new InvalidParameterException(nameof(DoseEA2), $"must be a positive dose, got {DoseEA2} e/Å².");
        if (BadMicrographFraction is < 0 or > 1)
            throw new InvalidParameterException(nameof(BadMicrographFraction), $"must be in [0, 1], got {BadMicrographFraction}.");
        return this;
    }
}

/// <summary>
/// One CTF test micrograph and its truth. <see cref="Micrograph"/> holds counts (e⁻ per pixel); dispose it when done.
/// <see cref="DriftA"/> and <see cref="DriftAngleDeg"/> describe the line blur (0 unless the defect is HeavyDrift).
/// </summary>
public sealed record CtfTestMicrograph(
    string Name,
    CtfParameters Ctf,
    MicrographDefect Defect,
    Image2D Micrograph,
    double DriftA,
    double DriftAngleDeg) : IDisposable
{
    public void Dispose() => Micrograph.Dispose();
}

/// <summary>
/// A fast generator of micrographs with a known CTF for testing CTF estimators, simulated directly rather than
/// through movies: a random specimen phase image (Gaussian, with a power falling as 1/(1 + (s·10 Å)²) like protein in
/// ice) is filtered by the CTF and its envelope, turned into intensity dose·(1 − 2·c + a) in the weak-phase
/// approximation (c the CTF-filtered phase, RELION's CTF sign as in <see cref="MovieRenderer"/>), and recorded with
/// Poisson noise. The term a carries what the CTF does not modulate: a slowly varying background (ice thickness,
/// inelastic scattering) and the ice diffraction ring at 3.7 Å (weak for vitreous ice, strong for thick ice).
/// Defects (<see cref="MicrographDefect"/>): NoSignal (no specimen, a tenth of the dose), HeavyDrift (the image
/// blurred along a line of 40–80 Å), ThickIce (a third of the specimen contrast, a strong low-frequency background
/// and a strong ice ring), StrongAstigmatism (3,500–5,000 Å). Same options and seed ⇒ same micrograph.
/// </summary>
public sealed class CtfTestMicrographs
{
    /// <summary>Spacing of the ice ring (Å): the first diffraction ring of amorphous and hexagonal ice.</summary>
    public const double IceRingA = 3.7;

    private const double SpecimenCornerA = 10;
    private const double IceRingWidthPerA = 0.006;
    private const double BackgroundLengthA = 300;

    private readonly CtfTestMicrographOptions _options;
    private readonly IFftBackend _fft;

    public CtfTestMicrographs(CtfTestMicrographOptions options, IFftBackend fft)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fft);
        _options = options.Validate();
        _fft = fft;
    }

    public CtfTestMicrographOptions Options => _options;

    /// <summary>
    /// Micrograph <paramref name="index"/> of the batch <paramref name="seed"/>: its defect is drawn with
    /// <see cref="CtfTestMicrographOptions.BadMicrographFraction"/> (one of the four with equal probability).
    /// </summary>
    public CtfTestMicrograph Generate(int index, int seed, int maxDegreeOfParallelism = -1)
    {
        var random = new Random(SeedMixer.Derive(seed, index, 0));
        var defect = random.NextDouble() < _options.BadMicrographFraction ? (MicrographDefect)(1 + random.Next(4)) : MicrographDefect.None;
        return Generate(index, seed, defect, maxDegreeOfParallelism);
    }

    /// <summary>Micrograph <paramref name="index"/> of the batch <paramref name="seed"/> with the given defect.</summary>
    public CtfTestMicrograph Generate(int index, int seed, MicrographDefect defect, int maxDegreeOfParallelism = -1)
    {
        var o = _options;
        var random = new Random(SeedMixer.Derive(seed, index, 1));
        var (astigmatismMin, astigmatismMax) = defect == MicrographDefect.StrongAstigmatism
            ? (o.StrongAstigmatismMinA, o.StrongAstigmatismMaxA)
            : (0.0, o.AstigmatismMaxA);
        var ctf = RandomCtf.Draw(random, o.VoltageKv, o.SphericalAberrationMm, o.AmplitudeContrast, o.DefocusMinA, o.DefocusMaxA,
            astigmatismMin, astigmatismMax, o.EnvelopeBFactorA2);
        double drift = defect == MicrographDefect.HeavyDrift ? o.HeavyDriftMinA + random.NextDouble() * (o.HeavyDriftMaxA - o.HeavyDriftMinA) : 0;
        double driftAngleDeg = defect == MicrographDefect.HeavyDrift ? random.NextDouble() * 180 : 0;

        var look = Appearance.Of(defect, o);
        var shape = new FftShape(o.Width, o.Height);
        var plan = _fft.GetPlan(shape);
        var specimen = WhiteNoiseSpectrum(shape, plan, SeedMixer.Derive(seed, index, 2), maxDegreeOfParallelism);
        var unmodulated = WhiteNoiseSpectrum(shape, plan, SeedMixer.Derive(seed, index, 3), maxDegreeOfParallelism);
        var ctfImage = CtfImage.HalfComplex(new CtfModel(ctf), shape, o.PixelSizeA, maxDegreeOfParallelism: maxDegreeOfParallelism);
        double dosePerPixel = o.DoseEA2 * look.DoseFactor * o.PixelSizeA * o.PixelSizeA;
        // Amplitudes of the unmodulated term, relative to one pixel's shot-noise standard deviation 1/√dose.
        double noiseRms = 1 / Math.Sqrt(dosePerPixel);
        var filter = new SpectrumFilter(o.PixelSizeA, shape, look.SpecimenPhaseRad, noiseRms * look.BackgroundRelative,
            noiseRms * look.IceRingRelative, drift, driftAngleDeg * Math.PI / 180);
        filter.Combine(specimen, unmodulated, ctfImage, maxDegreeOfParallelism);

        var contrast = new float[shape.RealLength];
        plan.Inverse(specimen, contrast);
        var micrograph = Image2D.CreateUninitialized(o.Width, o.Height, o.PixelSizeA);
        Record(contrast, micrograph, dosePerPixel, SeedMixer.Derive(seed, index, 4), maxDegreeOfParallelism);
        return new CtfTestMicrograph($"ctf_test_{index:D4}", ctf, defect, micrograph, drift, driftAngleDeg);
    }

    /// <summary>The half-complex spectrum of a real image of independent N(0, 1) pixels (one stream per row).</summary>
    private static Complex32[] WhiteNoiseSpectrum(FftShape shape, IRealFft plan, int seed, int maxDegreeOfParallelism)
    {
        var noise = new float[shape.RealLength];
        int width = shape.NX;
        Parallel.For(0, shape.NY, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, y =>
        {
            var random = new Random(SeedMixer.Derive(seed, y));
            var row = noise.AsSpan(y * width, width);
            for (int x = 0; x < width; x++)
                row[x] = (float)Gaussian(random);
        });
        var spectrum = new Complex32[shape.ComplexLength];
        plan.Forward(noise, spectrum);
        return spectrum;
    }

    /// <summary>Counts = Poisson(dose·(1 − 2·c)) with c the inverse-transformed contrast (one stream per row).</summary>
    private static void Record(float[] contrast, Image2D micrograph, double dosePerPixel, int seed, int maxDegreeOfParallelism)
    {
        int width = micrograph.Width;
        var memory = micrograph.Memory;
        Parallel.For(0, micrograph.Height, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, y =>
        {
            var random = new Random(SeedMixer.Derive(seed, y));
            var row = memory.Span.Slice(y * width, width);
            for (int x = 0; x < width; x++)
                row[x] = Poisson.Sample(Math.Max(0, dosePerPixel * (1 - 2 * contrast[y * width + x])), random);
        });
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>How a defect changes the image: specimen phase (rad), dose factor and unmodulated terms (× shot-noise RMS).</summary>
    private readonly record struct Appearance(double SpecimenPhaseRad, double DoseFactor, double BackgroundRelative, double IceRingRelative)
    {
        public static Appearance Of(MicrographDefect defect, CtfTestMicrographOptions o) => defect switch
        {
            MicrographDefect.NoSignal => new Appearance(0, 0.1, 1.0, 0.3),
            MicrographDefect.ThickIce => new Appearance(o.SpecimenPhaseRad / 3, 1, 12.0, 2.5),
            _ => new Appearance(o.SpecimenPhaseRad, 1, 2.0, 0.3),
        };
    }

    /// <summary>
    /// Builds contrast spectrum C = Φ·(phase·shape(s)·CTF·drift) − ½·A·(background(s) + ice ring(s))·drift from two white
    /// spectra, so that 1 − 2c = 1 − 2·(CTF-filtered phase) + (unmodulated amplitude term). White noise of unit pixel
    /// variance has |F|² = N per coefficient, so multiplying by an amplitude g(s) gives a pixel RMS of g where g is flat.
    /// </summary>
    private sealed class SpectrumFilter(double pixelSizeA, FftShape shape, double phaseRad, double background, double iceRing,
        double driftA, double driftAngleRad)
    {
        public void Combine(Complex32[] specimen, Complex32[] unmodulated, float[] ctf, int maxDegreeOfParallelism)
        {
            double dx = Math.Cos(driftAngleRad), dy = Math.Sin(driftAngleRad);
            double stepX = 1.0 / (shape.NX * pixelSizeA), stepY = 1.0 / (shape.NY * pixelSizeA);
            double ringFrequency = 1 / IceRingA;
            Parallel.For(0, shape.NY, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, y =>
            {
                double sy = FourierLayout.FrequencyOfIndex(y, shape.NY) * stepY;
                int row = y * shape.HalfNX;
                for (int kx = 0; kx < shape.HalfNX; kx++)
                {
                    double sx = kx * stepX, s2 = sx * sx + sy * sy, s = Math.Sqrt(s2);
                    double specimenShape = phaseRad / Math.Sqrt(1 + s2 * SpecimenCornerA * SpecimenCornerA);
                    double ring = (s - ringFrequency) / IceRingWidthPerA;
                    double amplitude = background * Math.Exp(-0.5 * s2 * BackgroundLengthA * BackgroundLengthA) + iceRing * Math.Exp(-0.5 * ring * ring);
                    double blur = Sinc(Math.PI * driftA * (sx * dx + sy * dy));
                    int i = row + kx;
                    specimen[i] = specimen[i] * (float)(specimenShape * ctf[i] * blur) + unmodulated[i] * (float)(-0.5 * amplitude * blur);
                }
            });
            specimen[0] = Complex32.Zero;
        }

        private static double Sinc(double x) => Math.Abs(x) < 1e-9 ? 1 : Math.Sin(x) / x;
    }
}
