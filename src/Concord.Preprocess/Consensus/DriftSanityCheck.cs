using Concord.Core;
using Concord.Preprocess.Methods.Motion;

namespace Concord.Preprocess.Consensus;

/// <summary>Limits of <see cref="DriftSanityCheck"/> in Å (defaults as Scipion/Xmipp's movie max-shift consensus).</summary>
/// <param name="MaxFrameShiftA">Largest allowed step between consecutive frames.</param>
/// <param name="MaxTrajectoryLengthA">Largest allowed total path length of the trajectory.</param>
public sealed record DriftSanityOptions(double MaxFrameShiftA = 5, double MaxTrajectoryLengthA = 15)
{
    public void Validate()
    {
        if (!(MaxFrameShiftA > 0) || double.IsInfinity(MaxFrameShiftA))
            throw new InvalidParameterException(nameof(MaxFrameShiftA), $"must be a positive number of Å, got {MaxFrameShiftA}.");
        if (!(MaxTrajectoryLengthA > 0) || double.IsInfinity(MaxTrajectoryLengthA))
            throw new InvalidParameterException(nameof(MaxTrajectoryLengthA), $"must be a positive number of Å, got {MaxTrajectoryLengthA}.");
    }
}

/// <summary>The verdict on one movie: its measures and, when rejected, every reason in words.</summary>
public sealed record DriftVerdict(string Movie, bool Accepted, double MaxFrameShiftA, int MaxFrameShiftAt, double TrajectoryLengthA, IReadOnlyList<string> Reasons)
{
    /// <summary>All reasons joined into one line ("" when accepted).</summary>
    public string Reason => string.Join(" ", Reasons);
}

/// <summary>Verdicts for a set of movies, split into accepted and rejected.</summary>
public sealed record DriftSanityReport(IReadOnlyList<DriftVerdict> Accepted, IReadOnlyList<DriftVerdict> Rejected);

/// <summary>
/// The consensus-stage sanity check of movie alignment (after Scipion's "movie max shift" protocol, Xmipp): a movie is
/// rejected when any step between consecutive frames exceeds <see cref="DriftSanityOptions.MaxFrameShiftA"/> (a jump
/// that alignment on noise or a stage event produces) or when the path length of its trajectory exceeds
/// <see cref="DriftSanityOptions.MaxTrajectoryLengthA"/> (too much blur within the exposure). Pure: no I/O, the order of
/// the input is kept in each list.
/// </summary>
public static class DriftSanityCheck
{
    public static DriftVerdict Evaluate(string movie, MotionTrajectory trajectory, DriftSanityOptions? options = null)
    {
        options ??= new DriftSanityOptions();
        options.Validate();
        double maxStep = 0;
        int maxAt = 0;
        for (int f = 1; f < trajectory.Frames; f++)
        {
            double step = trajectory.StepA(f);
            if (step > maxStep)
            {
                maxStep = step;
                maxAt = f;
            }
        }
        double length = trajectory.AccumulatedMotionA;
        var reasons = new List<string>();
        if (maxStep > options.MaxFrameShiftA)
            reasons.Add($"Frame {maxAt - 1}→{maxAt} moves {maxStep:F2} Å, more than the {options.MaxFrameShiftA:G4} Å allowed between consecutive frames.");
        if (length > options.MaxTrajectoryLengthA)
            reasons.Add($"The trajectory is {length:F2} Å long, more than the {options.MaxTrajectoryLengthA:G4} Å allowed in total.");
        return new DriftVerdict(movie, reasons.Count == 0, maxStep, maxAt, length, reasons);
    }

    public static DriftSanityReport Evaluate(IEnumerable<(string Movie, MotionTrajectory Trajectory)> movies, DriftSanityOptions? options = null)
    {
        var verdicts = movies.Select(m => Evaluate(m.Movie, m.Trajectory, options)).ToList();
        return new DriftSanityReport(verdicts.Where(v => v.Accepted).ToList(), verdicts.Where(v => !v.Accepted).ToList());
    }
}
