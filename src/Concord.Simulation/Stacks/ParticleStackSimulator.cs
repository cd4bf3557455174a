using Concord.Core;
using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Geometry;
using Concord.Core.Imaging;
using Concord.Core.Projection;

namespace Concord.Simulation.Stacks;

/// <summary>What kind of junk a simulated particle image is (None for a real particle).</summary>
public enum JunkKind
{
    None,

    /// <summary>A projection of a piece of the molecule.</summary>
    Fragment,

    /// <summary>A real particle far from the box centre (a bad pick).</summary>
    OffCentre,

    /// <summary>Noise only.</summary>
    Empty,
}

/// <summary>Ground truth of one simulated particle image (RELION 3.1 semantics for angles, origin and CTF).</summary>
public sealed record SimulatedStackParticle(int Index, Pose Pose, CtfParameters Ctf, int Conformation, JunkKind Junk, int RandomSubset);

/// <summary>How a particle stack is simulated.</summary>
public sealed record ParticleStackOptions
{
    public int Count { get; init; } = 1000;
    public int BoxSize { get; init; } = 64;
    public double PixelSizeA { get; init; } = 2.0;

    /// <summary>Signal-to-noise ratio: variance of the noiseless CTF-modulated image over the box / noise variance. ≤ 0 or ∞ for noiseless.</summary>
    public double Snr { get; init; } = 0.1;

    public bool ApplyCtf { get; init; } = true;
    public double VoltageKv { get; init; } = 300;
    public double SphericalAberrationMm { get; init; } = 2.7;
    public double AmplitudeContrast { get; init; } = 0.1;
    public double DefocusMinA { get; init; } = 8000;
    public double DefocusMaxA { get; init; } = 25000;
    public double AstigmatismMaxA { get; init; } = 500;

    /// <summary>Largest origin offset (each axis, Å) of a real particle: picks are never perfectly centred.</summary>
    public double MaxOriginA { get; init; } = 4;

    public double JunkFraction { get; init; }
    public double PreferredOrientationFraction { get; init; }
}

/// <summary>
/// Simulates particle images directly (the fast path for 2D/3D tests): for each particle a Fourier-slice projection of
/// its conformation at a random pose, shifted by −origin (so rlnOriginX/YAngst re-centre it, as in RELION), multiplied
/// by its CTF (RELION convention: protein white, CTF positive at low frequency), plus white Gaussian noise at the
/// requested SNR. Deterministic for a seed, whatever the thread count.
/// </summary>
public static class ParticleStackSimulator
{
    public static (ImageStack Images, IReadOnlyList<SimulatedStackParticle> Truth) Simulate(ParticleStackOptions options, IReadOnlyList<Volume> conformations,
        Volume? fragment, int seed, IFftBackend fft, int maxDegreeOfParallelism = -1, IProgress<WorkProgress>? progress = null)
    {
        if (conformations.Count == 0)
            throw new InvalidParameterException("conformations", "at least one map is needed.");
        if (conformations.Any(c => c.NX != options.BoxSize))
            throw new InvalidParameterException("conformations", $"maps must be {options.BoxSize}³ to make {options.BoxSize}-px particles.");
        if (options.Count < 1)
            throw new InvalidParameterException("count", $"must be at least 1, got {options.Count}.");
        var projectors = conformations.Select(c => new FourierProjector(c, fft)).ToList();
        var fragmentProjector = fragment is null ? null : new FourierProjector(fragment, fft);
        var truth = new SimulatedStackParticle[options.Count];
        var images = ImageStack.CreateUninitialized(options.BoxSize, options.BoxSize, options.Count, options.PixelSizeA);
        var memory = images.Memory;
        double noiseSigma = NoiseSigma(options, projectors[0], fft);
        int done = 0;
        Parallel.For(0, options.Count, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, i =>
        {
            var random = new Random(SeedMixer.Derive(seed, i));
            truth[i] = Draw(options, random, i, conformations.Count, fragmentProjector is not null);
            var t = truth[i];
            var image = memory.Span.Slice(i * options.BoxSize * options.BoxSize, options.BoxSize * options.BoxSize);
            if (t.Junk == JunkKind.Empty)
                image.Clear();
            else
                Render(t.Junk == JunkKind.Fragment ? fragmentProjector! : projectors[t.Conformation], t, options, fft, image);
            for (int k = 0; k < image.Length; k++)
                image[k] += (float)(noiseSigma * Movies.MotionModel.Gaussian(random));
            int finished = Interlocked.Increment(ref done);
            if (finished % 256 == 0 || finished == options.Count)
                progress?.Report(new WorkProgress(finished, options.Count));
        });
        return (images, truth);
    }

    private static SimulatedStackParticle Draw(ParticleStackOptions o, Random random, int index, int conformations, bool canFragment)
    {
        var junk = JunkKind.None;
        if (random.NextDouble() < o.JunkFraction)
            junk = (JunkKind)(canFragment ? 1 + random.Next(3) : 2 + random.Next(2));
        var angles = random.NextDouble() < o.PreferredOrientationFraction
            ? new EulerAngles(random.NextDouble() * 360, Math.Abs(Movies.MotionModel.Gaussian(random)) * 10, random.NextDouble() * 360)
            : RandomRotations.NextEulerAngles(random);
        double maxOrigin = junk == JunkKind.OffCentre ? o.BoxSize * o.PixelSizeA / 3 : o.MaxOriginA;
        double ox = (2 * random.NextDouble() - 1) * maxOrigin, oy = (2 * random.NextDouble() - 1) * maxOrigin;
        if (junk == JunkKind.OffCentre)
        {
            // Off-centre picks sit a third of a box away: push the offset out to that ring.
            double r = Math.Sqrt(ox * ox + oy * oy), target = o.BoxSize * o.PixelSizeA / 3;
            (ox, oy) = r > 0 ? (ox * target / r, oy * target / r) : (target, 0);
        }
        var ctf = RandomCtf.Draw(random, o.VoltageKv, o.SphericalAberrationMm, o.AmplitudeContrast, o.DefocusMinA, o.DefocusMaxA, 0, o.AstigmatismMaxA);
        return new SimulatedStackParticle(index, new Pose(angles, ox, oy), ctf, junk == JunkKind.None || junk == JunkKind.OffCentre ? random.Next(conformations) : -1,
            junk, 1 + random.Next(2));
    }

    /// <summary>Noiseless particle: CTF · shift(−origin) · projection, in real space (protein white).</summary>
    private static void Render(FourierProjector projector, SimulatedStackParticle t, ParticleStackOptions o, IFftBackend fft, Span<float> image)
    {
        int n = o.BoxSize;
        var shape = new FftShape(n, n);
        var spectrum = new Complex32[shape.ComplexLength];
        projector.ProjectSpectrum(Rotation3f.FromMatrix(t.Pose.Matrix), spectrum);
        var (sx, sy) = t.Pose.CentringShiftPx(o.PixelSizeA);
        PhaseShift.ApplyToSpectrum(spectrum, shape, -sx, -sy);
        if (o.ApplyCtf)
        {
            var ctf = CtfImage.HalfComplex(new CtfModel(t.Ctf), shape, o.PixelSizeA, maxDegreeOfParallelism: 1);
            for (int k = 0; k < spectrum.Length; k++)
                spectrum[k] *= ctf[k];
        }
        SpectrumCentering.Apply(spectrum, shape, -1);
        fft.GetPlan(shape).Inverse(spectrum, image);
    }

    /// <summary>σ of the noise for the requested SNR, from the mean signal variance of a few reference renders.</summary>
    private static double NoiseSigma(ParticleStackOptions o, FourierProjector projector, IFftBackend fft)
    {
        if (!(o.Snr > 0) || double.IsPositiveInfinity(o.Snr))
            return 0;
        var random = new Random(12345);
        var image = new float[o.BoxSize * o.BoxSize];
        double variance = 0;
        const int samples = 16;
        for (int s = 0; s < samples; s++)
        {
            var t = Draw(o with { JunkFraction = 0 }, random, s, 1, false);
            Render(projector, t, o, fft, image);
            variance += ImageStatistics.Compute(image).Std is var std ? std * std : 0;
        }
        return Math.Sqrt(variance / samples / o.Snr);
    }
}
