using Concord.Preprocess.Methods.Motion;
using Concord.Simulation.Movies;

using Xunit.Abstractions;

namespace Concord.Preprocess.Tests.Motion;

public class GlobalAlignmentTests(ITestOutputHelper output)
{
    /// <summary>
    /// 128×128 px at 1.5 Å/px, 30 frames of 1.5 e/Å² (45 e/Å² in all; 3.4 counts per pixel per frame), 6 px of
    /// decaying drift plus a 0.1 px/frame random walk, radiation damage on, ideal camera. The specimen is a field of
    /// Gaussian blobs of 0.25 rad: far more contrast than real ice, to make up for a field 1,000× smaller than a
    /// detector frame. Default settings (B-factor 500 Å², no frame grouping): 0.177 px (0.176 px with B = 150 Å² and groups of 3).
    /// </summary>
    [Fact]
    public void Global_trajectory_error_is_below_a_quarter_pixel_at_realistic_dose()
    {
        const int size = 128, frames = 30;
        var motion = MotionModel.Random(frames, size, size, totalDriftPx: 6, localAmplitudePx: 0, new Random(21));
        using var movie = SimulatedMovies.Render(size, size, 1.5, motion, CameraModel.Ideal(size, size), new ExposureModel(1.5, frames),
            SimulatedMovies.BlobPhase(size, size, 22, blobs: 150, amplitude: 0.25), seed: 23, fft: SimulatedMovies.FastFft);
        var options = new MotionCorrectionOptions { PatchesX = 1, PatchesY = 1, MaxDegreeOfParallelism = 2 };
        using var result = new MotionCorrector(SimulatedMovies.FastFft, options).Run(movie.Frames);
        double rms = RmsError(result.Trajectory, motion);
        output.WriteLine($"global RMS error {rms:F3} px over {frames} frames; {result.GlobalIterations} iterations, converged {result.GlobalConverged}");
        Assert.True(rms <= 0.25, $"global trajectory RMS error {rms:F3} px > 0.25 px");
        Assert.Equal(0, result.Trajectory.Shifts[0].ShiftXPx);
        Assert.Equal(0, result.Trajectory.Shifts[0].ShiftYPx);
    }

    /// <summary>
    /// The small preset's exposure (1.5 Å/px, 16 frames of 2.5 e/Å², 6 Å of decaying drift plus the simulator's 0.1 px
    /// random walk, 1 Å of local motion at the corners) on a 256² field of weak blobs (0.1 rad), three noise and motion
    /// draws, scored against the truth at the field centre (the simulator's global trajectory; see docs/conventions.md
    /// for why the field average is the other fair reference). Pins the default B-factor: at 150 Å² the correlation
    /// keeps noise-dominated frequencies up to Nyquist and the error is larger.
    /// </summary>
    [Fact]
    public void Global_trajectory_error_at_the_small_presets_dose_beats_a_quarter_pixel()
    {
        using var fft = new Concord.Core.Fourier.ManagedFftBackend(2);
        var defaults = new MotionCorrectionOptions { PatchesX = 1, PatchesY = 1, MaxDegreeOfParallelism = 2 };
        double[] withDefaults = new double[3], withB150 = new double[3];
        for (int m = 0; m < 3; m++)
        {
            const int size = 256, frames = 16;
            var motion = MotionModel.Random(frames, size, size, totalDriftPx: 6 / 1.5, localAmplitudePx: 1 / 1.5, new Random(61 + m));
            using var movie = SimulatedMovies.Render(size, size, 1.5, motion, CameraModel.Ideal(size, size), new ExposureModel(2.5, frames),
                SimulatedMovies.BlobPhase(size, size, 71 + m, blobs: 600, amplitude: 0.1), seed: 81 + m, fft: fft);
            using var result = new MotionCorrector(fft, defaults).Run(movie.Frames);
            using var b150 = new MotionCorrector(fft, defaults with { BFactorA2 = 150 }).Run(movie.Frames);
            withDefaults[m] = RmsError(result.Trajectory, motion);
            withB150[m] = RmsError(b150.Trajectory, motion);
            output.WriteLine($"movie {m}: RMS error {withDefaults[m]:F3} px (B = {defaults.BFactorA2} Å²), {withB150[m]:F3} px (B = 150 Å²); "
                + $"vs the field-averaged truth {RmsErrorAgainstFieldMean(result.Trajectory, motion):F3} px");
        }
        double rms = Math.Sqrt(withDefaults.Average(e => e * e)), rms150 = Math.Sqrt(withB150.Average(e => e * e));
        output.WriteLine($"over 3 movies: {rms:F3} px with the defaults, {rms150:F3} px with B = 150 Å²");
        Assert.True(rms <= 0.25, $"global trajectory RMS error {rms:F3} px > 0.25 px at the small preset's dose");
        Assert.True(rms < rms150, $"the default B-factor ({rms:F3} px) should beat 150 Å² ({rms150:F3} px)");
    }

    /// <summary>At very high dose every frame is measured precisely: the convention (shift that aligns, relative to the
    /// reference frame) is checked against the truth to a few hundredths of a pixel, with the reference DFT backend.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Trajectory_is_the_negated_specimen_displacement_relative_to_the_reference_frame(int referenceFrame)
    {
        const int size = 48, frames = 5;
        var trajectory = new[] { (0.0, 0.0), (1.3, -0.7), (2.1, -1.9), (3.4, -2.2), (3.9, -3.05) };
        var motion = MotionModel.GlobalOnly(trajectory, size, size);
        using var movie = SimulatedMovies.Render(size, size, 1.0, motion, CameraModel.Ideal(size, size), new ExposureModel(20000, frames, RadiationDamage: false),
            SimulatedMovies.BlobPhase(size, size, 5, blobs: 30, amplitude: 0.1), seed: 6);
        var options = new MotionCorrectionOptions { PatchesX = 1, PatchesY = 1, ReferenceFrame = referenceFrame, MaxDegreeOfParallelism = 2 };
        using var result = new MotionCorrector(SimulatedMovies.Fft, options).Run(movie.Frames);
        foreach (var s in result.Trajectory.Shifts)
        {
            double tx = -(trajectory[s.Frame].Item1 - trajectory[referenceFrame].Item1), ty = -(trajectory[s.Frame].Item2 - trajectory[referenceFrame].Item2);
            Assert.True(Math.Abs(s.ShiftXPx - tx) < 0.05 && Math.Abs(s.ShiftYPx - ty) < 0.05,
                $"frame {s.Frame}: ({s.ShiftXPx:F3}, {s.ShiftYPx:F3}) vs ({tx:F3}, {ty:F3})");
            Assert.Equal(s.ShiftXPx * 1.0, s.ShiftXA, 12);
        }
        Assert.True(result.GlobalConverged);
    }

    /// <summary>RMS over frames against the truth averaged over a 16×16 grid of pixel centres spanning the field.</summary>
    private static double RmsErrorAgainstFieldMean(MotionTrajectory trajectory, MotionModel motion)
    {
        double sum = 0;
        foreach (var s in trajectory.Shifts)
        {
            double tx = 0, ty = 0;
            for (int j = 0; j < 16; j++)
                for (int i = 0; i < 16; i++)
                {
                    var t = SimulatedMovies.TrueAlignmentShift(motion, s.Frame, trajectory.ReferenceFrame, (i + 0.5) * motion.Width / 16, (j + 0.5) * motion.Height / 16);
                    tx += t.X / 256;
                    ty += t.Y / 256;
                }
            sum += ((s.ShiftXPx - tx) * (s.ShiftXPx - tx)) + ((s.ShiftYPx - ty) * (s.ShiftYPx - ty));
        }
        return Math.Sqrt(sum / trajectory.Frames);
    }

    /// <summary>RMS over frames against the truth at the field centre, where the simulator's local field is zero, so the
    /// truth there is its global trajectory.</summary>
    internal static double RmsError(MotionTrajectory trajectory, MotionModel motion)
    {
        double sum = 0;
        foreach (var s in trajectory.Shifts)
        {
            var (tx, ty) = SimulatedMovies.TrueAlignmentShift(motion, s.Frame, trajectory.ReferenceFrame, motion.Width / 2.0, motion.Height / 2.0);
            sum += ((s.ShiftXPx - tx) * (s.ShiftXPx - tx)) + ((s.ShiftYPx - ty) * (s.ShiftYPx - ty));
        }
        return Math.Sqrt(sum / trajectory.Frames);
    }
}
