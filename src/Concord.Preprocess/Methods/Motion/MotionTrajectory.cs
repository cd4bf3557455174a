using Concord.Core;

namespace Concord.Preprocess.Methods.Motion;

/// <summary>
/// The alignment shift of one frame. <see cref="ShiftXPx"/>, <see cref="ShiftYPx"/> are what must be applied to the
/// frame to align it (a positive shift moves content towards +x/+y, the sign of <see cref="Core.Fourier.PhaseShift"/>),
/// in pixels of the unbinned movie, relative to the reference frame.
/// </summary>
public readonly record struct FrameShift(int Frame, double ShiftXPx, double ShiftYPx, double PixelSizeA)
{
    public double ShiftXA => ShiftXPx * PixelSizeA;
    public double ShiftYA => ShiftYPx * PixelSizeA;
}

/// <summary>
/// Per-frame global alignment shifts in RELION's convention.
/// <para>
/// Convention: frame f is aligned by shifting it by (<see cref="FrameShift.ShiftXPx"/>, <see cref="FrameShift.ShiftYPx"/>);
/// the reference frame (RELION: the first) has shift 0. RELION's motion STAR file (<c>data_global_shift</c>) lists the
/// same numbers as <c>rlnMicrographFrameNumber</c> = <see cref="FrameShift.Frame"/> + 1 and <c>rlnMicrographShiftX/Y</c>
/// in unbinned pixels (RELION's <c>MotioncorrRunner</c> sets frame 1 to zero and applies −shift with its opposite
/// Fourier sign, i.e. it moves the frame content by +shift).
/// </para>
/// <para>
/// Relation to the simulator: <c>Concord.Simulation.Movies.MotionModel</c> displaces the specimen of frame f by
/// +d_f, so the alignment shift is −(d_f − d_ref): ShiftXPx(f) = −(MotionModel.Global(f).X − MotionModel.Global(ref).X).
/// </para>
/// </summary>
public sealed class MotionTrajectory
{
    public MotionTrajectory(IReadOnlyList<(double X, double Y)> shiftsPx, int referenceFrame, double pixelSizeA)
    {
        if (shiftsPx.Count == 0)
            throw new InvalidDimensionsException("MotionTrajectory: a trajectory needs at least one frame.");
        if (referenceFrame < 0 || referenceFrame >= shiftsPx.Count)
            throw new InvalidParameterException(nameof(referenceFrame), $"must be a frame of the trajectory (0…{shiftsPx.Count - 1}), got {referenceFrame}.");
        if (!(pixelSizeA > 0) || double.IsInfinity(pixelSizeA))
            throw new InvalidParameterException(nameof(pixelSizeA), $"must be a positive finite number of Å, got {pixelSizeA}.");
        ReferenceFrame = referenceFrame;
        PixelSizeA = pixelSizeA;
        var origin = shiftsPx[referenceFrame];
        Shifts = shiftsPx.Select((s, f) => new FrameShift(f, s.X - origin.X, s.Y - origin.Y, pixelSizeA)).ToArray();
    }

    public IReadOnlyList<FrameShift> Shifts { get; }
    public int ReferenceFrame { get; }
    public double PixelSizeA { get; }
    public int Frames => Shifts.Count;

    /// <summary>Path length of the trajectory in Å: the sum of the steps between consecutive frames (RELION's rlnAccumMotionTotal).</summary>
    public double AccumulatedMotionA
    {
        get
        {
            double length = 0;
            for (int f = 1; f < Shifts.Count; f++)
                length += StepA(f);
            return length;
        }
    }

    /// <summary>Length in Å of the step from frame <paramref name="frame"/> − 1 to <paramref name="frame"/>.</summary>
    public double StepA(int frame)
    {
        if (frame < 1 || frame >= Shifts.Count)
            throw new ArgumentOutOfRangeException(nameof(frame), frame, $"Steps exist for frames 1…{Shifts.Count - 1}.");
        double dx = Shifts[frame].ShiftXA - Shifts[frame - 1].ShiftXA, dy = Shifts[frame].ShiftYA - Shifts[frame - 1].ShiftYA;
        return Math.Sqrt((dx * dx) + (dy * dy));
    }
}
