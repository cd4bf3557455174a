using Concord.Preprocess.Consensus;
using Concord.Preprocess.Methods.Motion;

namespace Concord.Preprocess.Tests.Consensus;

public class DriftSanityCheckTests
{
    private static MotionTrajectory Trajectory(double pixelSizeA, params (double X, double Y)[] shifts) => new(shifts, 0, pixelSizeA);

    [Fact]
    public void Smooth_movie_is_accepted_and_a_jump_or_a_long_path_is_rejected_with_the_reason()
    {
        var smooth = Trajectory(1.0, (0, 0), (1, 0.5), (1.8, 0.9), (2.3, 1.1), (2.6, 1.2));
        var jump = Trajectory(1.0, (0, 0), (0.5, 0), (1, 0), (9, 0), (9.2, 0));
        var wander = Trajectory(2.0, (0, 0), (2, 0), (2, 2), (0, 2), (0, 0), (2, 0));
        var report = DriftSanityCheck.Evaluate([("smooth", smooth), ("jump", jump), ("wander", wander)]);
        Assert.Equal(["smooth"], report.Accepted.Select(v => v.Movie));
        Assert.Equal(["jump", "wander"], report.Rejected.Select(v => v.Movie));
        var j = report.Rejected[0];
        Assert.Equal(8.0, j.MaxFrameShiftA, 9);
        Assert.Equal(3, j.MaxFrameShiftAt);
        Assert.Single(j.Reasons);
        Assert.Contains("Frame 2→3 moves 8.00 Å, more than the 5 Å allowed between consecutive frames", j.Reason);
        var w = report.Rejected[1];
        Assert.Equal(20.0, w.TrajectoryLengthA, 9);
        Assert.Contains("trajectory is 20.00 Å long, more than the 15 Å allowed", w.Reason);
        Assert.True(report.Accepted[0].Accepted);
        Assert.Equal("", report.Accepted[0].Reason);
    }

    [Fact]
    public void Limits_are_configurable_and_validated()
    {
        var t = Trajectory(1.0, (0, 0), (3, 0));
        Assert.False(DriftSanityCheck.Evaluate("m", t, new DriftSanityOptions(MaxFrameShiftA: 2)).Accepted);
        Assert.True(DriftSanityCheck.Evaluate("m", t, new DriftSanityOptions(MaxFrameShiftA: 4)).Accepted);
        Assert.Throws<Core.InvalidParameterException>(() => DriftSanityCheck.Evaluate("m", t, new DriftSanityOptions(MaxFrameShiftA: -1)));
    }
}
