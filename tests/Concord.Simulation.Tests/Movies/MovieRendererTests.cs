using Concord.Core.Fourier;
using Concord.Simulation.Movies;

namespace Concord.Simulation.Tests.Movies;

public class MovieRendererTests
{
    private static readonly ReferenceDftBackend Fft = new();

    private static float[] BlobPhase(int width, int height, int seed, int blobs = 25, double amplitude = 0.05)
    {
        var random = new Random(seed);
        var phase = new float[width * height];
        for (int b = 0; b < blobs; b++)
        {
            double cx = random.NextDouble() * width, cy = random.NextDouble() * height, s = 1.5 + 2 * random.NextDouble();
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    phase[y * width + x] += (float)(amplitude * Math.Exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * s * s)));
        }
        return phase;
    }

    [Fact]
    public void Mean_counts_per_pixel_per_frame_equal_the_dose_times_ice_transmission()
    {
        const int w = 48, h = 40, frames = 6;
        var phase = BlobPhase(w, h, 1);
        var ice = new IceModel(ThicknessA: 300, GradientFraction: 0);
        var exposure = new ExposureModel(DosePerFrameEA2: 2.0, Frames: frames);
        var motion = MotionModel.Random(frames, w, h, totalDriftPx: 3, localAmplitudePx: 0, new Random(2));
        var means = new List<double>();
        new MovieRenderer(Fft).Render(phase, w, h, 1.2, ReadOnlySpan<float>.Empty, motion, CameraModel.Ideal(w, h), ice, exposure, seed: 3,
            (_, frame) => means.Add(frame.ToArray().Average()));
        double expected = 2.0 * 1.2 * 1.2 * Math.Exp(-300 / IceModel.InelasticMeanFreePathA);
        Assert.Equal(frames, means.Count);
        // Poisson error of a frame mean: √(λ/N) ≈ 0.035 here; the phase contrast averages to ≈ 0 over the field.
        Assert.All(means, m => Assert.InRange(m, expected * 0.93, expected * 1.07));
        Assert.InRange(means.Average(), expected * 0.97, expected * 1.03);
    }

    [Fact]
    public void Cross_correlating_frames_recovers_the_true_global_drift()
    {
        const int w = 64, h = 64, frames = 5;
        var phase = BlobPhase(w, h, 4, blobs: 40, amplitude: 0.1);
        var exposure = new ExposureModel(DosePerFrameEA2: 4000, Frames: frames, RadiationDamage: false);
        var motion = MotionModel.Random(frames, w, h, totalDriftPx: 4.5, localAmplitudePx: 0, new Random(5));
        var stack = new List<float[]>();
        new MovieRenderer(Fft).Render(phase, w, h, 1.0, ReadOnlySpan<float>.Empty, motion, CameraModel.Ideal(w, h), new IceModel(ThicknessA: 0, StructureScale: 0),
            exposure, seed: 6, (_, frame) => stack.Add(frame.ToArray()));
        var shape = new FftShape(w, h);
        for (int f = 1; f < frames; f++)
        {
            var peak = CrossCorrelation.FindShift(stack[0], stack[f], shape, Fft);
            var (tx, ty) = motion.Global(f);
            Assert.True(Math.Abs(peak.ShiftXPx - tx) < 0.1 && Math.Abs(peak.ShiftYPx - ty) < 0.1,
                $"frame {f}: measured ({peak.ShiftXPx:F3}, {peak.ShiftYPx:F3}) vs truth ({tx:F3}, {ty:F3})");
        }
    }

    [Fact]
    public void Same_seed_gives_bit_identical_frames_for_any_thread_count()
    {
        const int w = 32, h = 32, frames = 3;
        var phase = BlobPhase(w, h, 7);
        var camera = CameraModel.Random(w, h, new Random(8));
        var motion = MotionModel.Random(frames, w, h, 2, 1, new Random(9));
        var exposure = new ExposureModel(1.5, frames);
        float[][] Run(int threads)
        {
            var frames = new List<float[]>();
            new MovieRenderer(Fft).Render(phase, w, h, 1, ReadOnlySpan<float>.Empty, motion, camera, new IceModel(), exposure, 11,
                (_, f) => frames.Add(f.ToArray()), threads);
            return [.. frames];
        }
        var one = Run(1);
        var two = Run(2);
        for (int f = 0; f < frames; f++)
            Assert.Equal(one[f], two[f]);
    }

    [Fact]
    public void Damage_attenuates_high_frequencies_more_than_low_ones()
    {
        Assert.Equal(1, ExposureModel.DamageAttenuation(0, 40));
        // Ne(1/20 Å) ≈ 38.7 e/Å², Ne(1/3 Å) ≈ 4.3 e/Å²: after 10 e/Å², exp(−10/77.4) ≈ 0.88 and exp(−10/8.7) ≈ 0.32.
        double low = ExposureModel.DamageAttenuation(1 / 20.0, 10), high = ExposureModel.DamageAttenuation(1 / 3.0, 10);
        Assert.Equal(0.879, low, 2);
        Assert.Equal(0.316, high, 2);
    }

    [Fact]
    public void Camera_gain_reference_inverts_sensitivity_and_marks_defects()
    {
        var camera = CameraModel.Random(64, 64, new Random(12), defectFraction: 2e-3, defectColumns: 1);
        using var gain = camera.GainReference(1.0);
        foreach (int dead in camera.DeadPixels)
            Assert.Equal(0, gain.Span[dead]);
        foreach (int hot in camera.HotPixels)
            Assert.True(gain.Span[hot] < 0.1f);
        int column = camera.DefectColumns[0];
        Assert.True(gain[column, 10] > 2.5f);
        Assert.InRange(camera.Sensitivity.Where((_, i) => !camera.HotPixels.Contains(i)).Average(), 0.9, 1.1);
    }
}

public class SeedMixerTests
{
    [Fact]
    public void Neighbouring_seeds_and_keys_never_share_a_stream()
    {
        var seen = new HashSet<int>();
        for (int seed = 0; seed < 400; seed++)
            for (int key = 0; key < 40; key++)
                Assert.True(seen.Add(SeedMixer.Derive(seed, key)), $"seed {seed}, key {key} collides");
        Assert.Equal(SeedMixer.Derive(7, 3), SeedMixer.Derive(7, 3));
    }
}
