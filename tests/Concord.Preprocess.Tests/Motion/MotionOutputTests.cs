using Concord.Core;
using Concord.Core.Imaging;
using Concord.Preprocess.Methods.Gain;
using Concord.Preprocess.Methods.Motion;
using Concord.Simulation.Movies;

namespace Concord.Preprocess.Tests.Motion;

public class MotionOutputTests
{
    private static SimulatedMovie SmallMovie(int frames = 6) =>
        SimulatedMovies.Render(32, 32, 1.0, MotionModel.Random(frames, 32, 32, 2, 0, new Random(71)), CameraModel.Ideal(32, 32),
            new ExposureModel(50, frames, RadiationDamage: false), SimulatedMovies.BlobPhase(32, 32, 72, 20, 0.1), 73, fft: SimulatedMovies.FastFft);

    [Fact]
    public void Binning_halves_the_sums_and_the_power_spectrum_is_centred_and_symmetric()
    {
        using var movie = SmallMovie();
        var options = new MotionCorrectionOptions { PatchesX = 1, PatchesY = 1, BinningFactor = 2, DosePerFrameEA2 = 50, MaxDegreeOfParallelism = 1 };
        using var result = new MotionCorrector(SimulatedMovies.FastFft, options).Run(movie.Frames);
        Assert.Equal(16, result.AlignedSum.Width);
        Assert.Equal(2.0, result.AlignedSum.PixelSizeA, 12);
        Assert.Equal(16, result.DoseWeightedSum!.Height);
        var ps = result.PowerSpectrum;
        // The centre holds the squared mean times N; every other pixel mirrors through the centre.
        double mean = ImageStatistics.Mean(result.AlignedSum.Span);
        Assert.Equal(mean * mean * 256, ps[8, 8], mean * mean * 256 * 1e-4);
        for (int y = 1; y < 16; y++)
            for (int x = 1; x < 16; x++)
                Assert.Equal(ps[x, y], ps[16 - x, 16 - y], Math.Max(1e-3, ps[x, y] * 1e-4));
        Assert.Equal(9, result.PowerSpectrumProfile.Average.Length);
    }

    [Fact]
    public void Sum_of_a_still_movie_equals_the_plain_frame_sum()
    {
        var still = MotionModel.GlobalOnly(Enumerable.Repeat((0.0, 0.0), 4).ToArray(), 32, 32);
        using var movie = SimulatedMovies.Render(32, 32, 1.0, still, CameraModel.Ideal(32, 32), new ExposureModel(20000, 4, false),
            SimulatedMovies.BlobPhase(32, 32, 74, 20, 0.1), 75, fft: SimulatedMovies.FastFft);
        var options = new MotionCorrectionOptions { PatchesX = 1, PatchesY = 1, MaxDegreeOfParallelism = 1 };
        using var result = new MotionCorrector(SimulatedMovies.FastFft, options).Run(movie.Frames);
        Assert.All(result.Trajectory.Shifts, s => Assert.True(Math.Abs(s.ShiftXPx) < 0.05 && Math.Abs(s.ShiftYPx) < 0.05, $"frame {s.Frame}: ({s.ShiftXPx:F3}, {s.ShiftYPx:F3})"));
        for (int i = 0; i < 32 * 32; i += 37)
        {
            double plain = 0;
            for (int f = 0; f < 4; f++)
                plain += movie.Frames.Slice(f)[i];
            Assert.Equal(plain, result.AlignedSum.Span[i], plain * 0.02);
        }
    }

    [Fact]
    public void Progress_is_reported_and_cancellation_is_honoured()
    {
        using var movie = SmallMovie();
        var reports = new List<WorkProgress>();
        var progress = new SynchronousProgress(reports.Add);
        var options = new MotionCorrectionOptions { PatchesX = 1, PatchesY = 1, MaxDegreeOfParallelism = 1 };
        using (new MotionCorrector(SimulatedMovies.FastFft, options).Run(movie.Frames, progress: progress)) { }
        Assert.Contains(reports, r => r.Item == "global alignment");
        Assert.Contains(reports, r => r.Item == "frame transforms" && r.Done == 6);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new MotionCorrector(SimulatedMovies.FastFft, options).Run(movie.Frames, cancellationToken: cancelled.Token));
    }

    [Fact]
    public void Bad_input_throws_specific_exceptions_that_name_the_problem()
    {
        using var movie = SmallMovie(3);
        var corrector = new MotionCorrector(SimulatedMovies.FastFft, new MotionCorrectionOptions { PatchesX = 1, PatchesY = 1 });
        using var wrongGain = new Image2D(32, 30);
        var gainError = Assert.Throws<ShapeMismatchException>(() => corrector.Run(movie.Frames, new GainCorrectionSettings(Gain: wrongGain)));
        Assert.Contains("32×30", gainError.Message);
        Assert.Contains("32×32", gainError.Message);
        // A 32×30 gain rotated a quarter turn is 30×32: still wrong, and the message says so.
        var rotated = Assert.Throws<ShapeMismatchException>(() => corrector.Run(movie.Frames, new GainCorrectionSettings(Gain: wrongGain, Orientation: new GainOrientation(1))));
        Assert.Contains("30×32 after --gain_rot 1", rotated.Message);
        var empty = Assert.Throws<InvalidDimensionsException>(() => corrector.Run(Array.Empty<Image2D>()));
        Assert.Contains("no frames", empty.Message);
        using var a = new Image2D(32, 32);
        using var b = new Image2D(32, 31);
        var mixed = Assert.Throws<ShapeMismatchException>(() => corrector.Run([a, b]));
        Assert.Contains("frame 1 is 32×31", mixed.Message);
        var badReference = Assert.Throws<InvalidParameterException>(() =>
            new MotionCorrector(SimulatedMovies.FastFft, new MotionCorrectionOptions { ReferenceFrame = 7 }).Run(movie.Frames));
        Assert.Equal("ReferenceFrame", badReference.Parameter);
        Assert.Throws<InvalidParameterException>(() => new MotionCorrector(SimulatedMovies.FastFft, new MotionCorrectionOptions { GroupFrames = 2 }).Run(movie.Frames));
    }

    /// <summary>Reports on the calling thread, so the test sees every report before Run returns.</summary>
    private sealed class SynchronousProgress(Action<WorkProgress> report) : IProgress<WorkProgress>
    {
        private readonly Lock _gate = new();

        public void Report(WorkProgress value)
        {
            lock (_gate)
                report(value);
        }
    }
}
