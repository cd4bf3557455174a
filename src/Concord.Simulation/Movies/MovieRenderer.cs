using Concord.Core;
using Concord.Core.Fourier;

namespace Concord.Simulation.Movies;

/// <summary>Electron exposure of a movie.</summary>
/// <param name="DosePerFrameEA2">Electrons per Å² per frame.</param>
/// <param name="Frames">Number of frames.</param>
/// <param name="RadiationDamage">Attenuate high frequencies with accumulated dose (Grant &amp; Grigorieff 2015).</param>
public sealed record ExposureModel(double DosePerFrameEA2, int Frames, bool RadiationDamage = true)
{
    public double TotalDoseEA2 => DosePerFrameEA2 * Frames;

    /// <summary>
    /// Amplitude remaining at spatial frequency <paramref name="frequencyPerA"/> after <paramref name="doseEA2"/> e/Å²:
    /// exp(−dose / (2·Ne(k))) with the critical exposure Ne(k) = 0.245·k^−1.665 + 2.81 (Grant &amp; Grigorieff 2015, 300 kV).
    /// </summary>
    public static double DamageAttenuation(double frequencyPerA, double doseEA2)
    {
        if (frequencyPerA <= 0)
            return 1;
        double critical = 0.245 * Math.Pow(frequencyPerA, -1.665) + 2.81;
        return Math.Exp(-doseEA2 / (2 * critical));
    }
}

/// <summary>
/// Renders the frames of a movie from a specimen phase image: per frame, the CTF (and dose-dependent damage) is
/// applied to the phase spectrum, the specimen is moved by the frame's global shift (Fourier phase ramp) and local
/// deformation (bilinear warp), the intensity 1 − 2·IFFT(CTF·Φ) (weak-phase object, RELION's CTF sign: protein dark)
/// is attenuated by inelastic scattering in the ice, scaled to the dose and recorded by the camera (Poisson).
/// Frame f shows the specimen displaced by +<see cref="MotionModel.Total"/>: content(x) = specimen(x − d_f(x)).
/// </summary>
public sealed class MovieRenderer
{
    private readonly IFftBackend _fft;

    public MovieRenderer(IFftBackend fft) => _fft = fft;

    /// <summary>Renders all frames, handing each raw frame (counts, width × height) to <paramref name="frameSink"/> in order.</summary>
    /// <param name="ctf">RELION-convention CTF on the half-complex grid of the micrograph; empty for none.</param>
    /// <returns>The noiseless, motion-free, undamaged expected image summed over all frames (the truth for SNR measurements).</returns>
    public float[] Render(ReadOnlySpan<float> phase, int width, int height, double pixelSizeA, ReadOnlySpan<float> ctf,
        MotionModel motion, CameraModel camera, IceModel ice, ExposureModel exposure, int seed, Action<int, ReadOnlySpan<float>> frameSink,
        int maxDegreeOfParallelism = -1)
    {
        var shape = new FftShape(width, height);
        ShapeMismatchException.ThrowIfLengthDiffers(phase.Length, shape.RealLength, "specimen phase image");
        if (!ctf.IsEmpty)
            ShapeMismatchException.ThrowIfLengthDiffers(ctf.Length, shape.ComplexLength, "micrograph CTF");
        if (motion.Frames != exposure.Frames)
            throw new InvalidParameterException("frames", $"motion model has {motion.Frames} frames, exposure {exposure.Frames}.");
        if (camera.Width != width || camera.Height != height)
            throw new ShapeMismatchException($"camera is {camera.Width}×{camera.Height}, micrograph {width}×{height}.");
        var plan = _fft.GetPlan(shape);
        var phaseSpectrum = new Complex32[shape.ComplexLength];
        plan.Forward(phase, phaseSpectrum);
        if (!ctf.IsEmpty)
            for (int i = 0; i < phaseSpectrum.Length; i++)
                phaseSpectrum[i] *= ctf[i];
        // A uniform phase is invisible: the mean intensity is set by the dose and the ice, not by the specimen's mean phase.
        phaseSpectrum[0] = Complex32.Zero;
        double dosePerPixel = exposure.DosePerFrameEA2 * pixelSizeA * pixelSizeA;
        var transmission = new float[width];
        for (int x = 0; x < width; x++)
            transmission[x] = (float)Math.Exp(-ice.ThicknessAt(x, width) / IceModel.InelasticMeanFreePathA);

        var truth = Intensity(phaseSpectrum, shape, plan, 0, 0, null, 0, pixelSizeA, exposure, damage: false);
        ToCounts(truth, width, height, transmission, dosePerPixel * exposure.Frames);
        var expected = new float[shape.RealLength];
        var frame = new float[shape.RealLength];
        for (int f = 0; f < exposure.Frames; f++)
        {
            var (gx, gy) = motion.Global(f);
            var contrast = Intensity(phaseSpectrum, shape, plan, gx, gy, motion.HasLocalMotion ? motion : null, f, pixelSizeA, exposure, exposure.RadiationDamage);
            contrast.CopyTo(expected, 0);
            ToCounts(expected, width, height, transmission, dosePerPixel);
            camera.Record(expected, frame, SeedMixer.Derive(seed, f), maxDegreeOfParallelism);
            frameSink(f, frame);
        }
        return truth;
    }

    /// <summary>Contrast c(x) = IFFT(CTF·damage·shift·Φ), warped by the local field; returned as 1 − 2c.</summary>
    private float[] Intensity(Complex32[] ctfPhase, FftShape shape, IRealFft plan, double shiftX, double shiftY, MotionModel? local, int frame,
        double pixelSizeA, ExposureModel exposure, bool damage)
    {
        var spectrum = (Complex32[])ctfPhase.Clone();
        if (damage)
        {
            double dose = (frame + 0.5) * exposure.DosePerFrameEA2;
            int w = shape.NX, h = shape.NY;
            FourierLayout.ForEach(shape, (i, kx, ky, _) =>
            {
                double fx = kx / (w * pixelSizeA), fy = ky / (h * pixelSizeA);
                spectrum[i] *= (float)ExposureModel.DamageAttenuation(Math.Sqrt(fx * fx + fy * fy), dose);
            });
        }
        PhaseShift.ApplyToSpectrum(spectrum, shape, WrapShift(shiftX, shape.NX), WrapShift(shiftY, shape.NY));
        var contrast = new float[shape.RealLength];
        plan.Inverse(spectrum, contrast);
        if (local is not null)
            contrast = Warp(contrast, shape.NX, shape.NY, local, frame);
        for (int i = 0; i < contrast.Length; i++)
            contrast[i] = 1 - 2 * contrast[i];
        return contrast;
    }

    private static double WrapShift(double s, int n) => s - n * Math.Round(s / n);

    /// <summary>Samples c at x − u(x) (bilinear), so content moves by the local displacement u.</summary>
    private static float[] Warp(float[] c, int width, int height, MotionModel motion, int frame)
    {
        var warped = new float[c.Length];
        Parallel.For(0, height, y =>
        {
            for (int x = 0; x < width; x++)
            {
                var (ux, uy) = motion.Local(frame, x, y);
                double sx = Math.Clamp(x - ux, 0, width - 1.001), sy = Math.Clamp(y - uy, 0, height - 1.001);
                int x0 = (int)sx, y0 = (int)sy;
                double fx = sx - x0, fy = sy - y0;
                int i = y0 * width + x0;
                double top = c[i] + (c[i + 1] - c[i]) * fx;
                double bottom = c[i + width] + (c[i + width + 1] - c[i + width]) * fx;
                warped[y * width + x] = (float)(top + (bottom - top) * fy);
            }
        });
        return warped;
    }

    private static void ToCounts(float[] intensity, int width, int height, float[] transmission, double dosePerPixel)
    {
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = y * width + x;
                intensity[i] = (float)Math.Max(0, intensity[i] * transmission[x] * dosePerPixel);
            }
    }
}
