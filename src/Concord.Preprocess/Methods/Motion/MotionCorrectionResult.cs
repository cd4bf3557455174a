using Concord.Core.Fourier;
using Concord.Core.Imaging;

namespace Concord.Preprocess.Methods.Motion;

/// <summary>
/// What <see cref="MotionCorrector"/> produces for one movie. Owns its images; dispose it.
/// </summary>
/// <param name="Trajectory">Global alignment shifts per frame (RELION convention, see <see cref="MotionTrajectory"/>).</param>
/// <param name="LocalModel">The fitted local model, or null when local alignment was off.</param>
/// <param name="PatchShifts">The patch measurements the local model was fitted to (empty without local alignment).</param>
/// <param name="AlignedSum">Sum of the aligned frames (binned when asked), in the units of the input frames.</param>
/// <param name="DoseWeightedSum">Dose-weighted sum, or null when no dose per frame was given.</param>
/// <param name="PowerSpectrum">Centred 2D power spectrum |F|²/N of <see cref="AlignedSum"/>.</param>
/// <param name="PowerSpectrumProfile">Rotational average of the power spectrum per Fourier shell.</param>
/// <param name="GlobalIterations">Iterations the global alignment ran.</param>
/// <param name="GlobalConverged">Whether it reached the convergence tolerance.</param>
public sealed record MotionCorrectionResult(
    MotionTrajectory Trajectory,
    LocalMotionModel? LocalModel,
    IReadOnlyList<PatchShift> PatchShifts,
    Image2D AlignedSum,
    Image2D? DoseWeightedSum,
    Image2D PowerSpectrum,
    ShellProfile PowerSpectrumProfile,
    int GlobalIterations,
    bool GlobalConverged) : IDisposable
{
    /// <summary>Total alignment shift (px, unbinned) at pixel (<paramref name="xPx"/>, <paramref name="yPx"/>) of
    /// frame <paramref name="frame"/>: global plus local.</summary>
    public (double X, double Y) AlignmentShiftAt(int frame, double xPx, double yPx)
    {
        var g = Trajectory.Shifts[frame];
        if (LocalModel is null)
            return (g.ShiftXPx, g.ShiftYPx);
        var (lx, ly) = LocalModel.Evaluate(xPx, yPx, frame);
        return (g.ShiftXPx + lx, g.ShiftYPx + ly);
    }

    public void Dispose()
    {
        AlignedSum.Dispose();
        DoseWeightedSum?.Dispose();
        PowerSpectrum.Dispose();
    }
}
