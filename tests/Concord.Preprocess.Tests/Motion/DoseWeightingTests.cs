using Concord.Core.Fourier;
using Concord.Preprocess.Methods.Motion;
using Concord.Simulation.Movies;

using Xunit.Abstractions;

namespace Concord.Preprocess.Tests.Motion;

public class DoseWeightingTests(ITestOutputHelper output)
{
    [Fact]
    public void Weights_keep_the_noise_power_of_a_plain_sum_and_favour_early_frames()
    {
        var exposures = DoseWeighting.FrameExposures(40, 2.0, 0, 300);
        Assert.Equal(2.0, exposures[0]);
        Assert.Equal(80.0, exposures[^1]);
        var weights = new double[40];
        foreach (double k in new[] { 0.0, 0.05, 0.2, 0.4 })
        {
            DoseWeighting.FrameWeights(k, exposures, weights);
            Assert.Equal(40, weights.Sum(w => w * w), 9);
            for (int f = 1; f < 40; f++)
                Assert.True(weights[f] <= weights[f - 1]);
        }
        DoseWeighting.FrameWeights(0, exposures, weights);
        Assert.All(weights, w => Assert.Equal(1, w, 12));
        // 200 kV damages more per electron: its exposures count 1/0.8 times.
        Assert.Equal(2.5, DoseWeighting.FrameExposures(1, 2.0, 0, 200)[0], 12);
        Assert.Throws<Core.InvalidParameterException>(() => DoseWeighting.FrameExposures(1, 2.0, 0, 120));
    }

    /// <summary>
    /// 64×64 px at 1 Å/px, 40 frames of 2 e/Å² (80 e/Å² in all, so the late frames carry almost no signal beyond 5 Å),
    /// a small drift. Spectral SNR = ρ²/(1 − ρ²) with ρ the correlation of the sum's and the truth's Fourier
    /// coefficients pooled over 0.15–0.5 Å⁻¹.
    /// </summary>
    [Fact]
    public void Dose_weighted_sum_has_higher_spectral_SNR_at_high_frequency_than_the_plain_sum()
    {
        const int size = 64, frames = 40;
        var motion = MotionModel.Random(frames, size, size, totalDriftPx: 2, localAmplitudePx: 0, new Random(61));
        using var movie = SimulatedMovies.Render(size, size, 1.0, motion, CameraModel.Ideal(size, size), new ExposureModel(2.0, frames),
            SimulatedMovies.BlobPhase(size, size, 62, blobs: 150, amplitude: 0.2), seed: 63, fft: SimulatedMovies.FastFft);
        var options = new MotionCorrectionOptions { PatchesX = 1, PatchesY = 1, GroupFrames = 3, DosePerFrameEA2 = 2.0, MaxDegreeOfParallelism = 2 };
        using var result = new MotionCorrector(SimulatedMovies.FastFft, options).Run(movie.Frames);
        Assert.NotNull(result.DoseWeightedSum);
        double plain = SpectralSnr(result.AlignedSum.Span, movie.Truth, size, 0.15, 0.5);
        double weighted = SpectralSnr(result.DoseWeightedSum!.Span, movie.Truth, size, 0.15, 0.5);
        double lowPlain = SpectralSnr(result.AlignedSum.Span, movie.Truth, size, 0.02, 0.08);
        double lowWeighted = SpectralSnr(result.DoseWeightedSum!.Span, movie.Truth, size, 0.02, 0.08);
        output.WriteLine($"SSNR 0.15–0.5 Å⁻¹: plain {plain:F4}, dose weighted {weighted:F4}; 0.02–0.08 Å⁻¹: plain {lowPlain:F3}, weighted {lowWeighted:F3}");
        Assert.True(weighted > 1.2 * plain, $"dose weighting should raise the high-frequency SSNR: {weighted:F4} vs {plain:F4}");
    }

    private static double SpectralSnr(ReadOnlySpan<float> image, float[] truth, int size, double lowPerA, double highPerA)
    {
        var shape = new FftShape(size, size);
        var a = new Complex32[shape.ComplexLength];
        var b = new Complex32[shape.ComplexLength];
        SimulatedMovies.FastFft.GetPlan(shape).Forward(image, a);
        SimulatedMovies.FastFft.GetPlan(shape).Forward(truth, b);
        double cross = 0, aa = 0, bb = 0;
        FourierLayout.ForEach(shape, (i, kx, ky, _) =>
        {
            double k = Math.Sqrt((kx * kx) + (ky * ky)) / size;
            if (k < lowPerA || k > highPerA)
                return;
            cross += (a[i].Re * b[i].Re) + (a[i].Im * b[i].Im);
            aa += a[i].MagnitudeSquared;
            bb += b[i].MagnitudeSquared;
        });
        double rho = cross / Math.Sqrt(aa * bb);
        return rho * rho / (1 - (rho * rho));
    }
}
