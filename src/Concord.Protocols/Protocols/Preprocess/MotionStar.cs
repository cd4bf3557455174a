using System.Globalization;
using Concord.IO.Star;
using Concord.Preprocess.Methods.Motion;

namespace Concord.Protocols.Protocols.Preprocess;

/// <summary>Trajectories as RELION motion STAR tables (data_global_shift), accumulated motion, and error against truth.</summary>
public static class MotionStar
{
    /// <summary>Writes data_global_shift: frame number (1-based), shift X/Y in unbinned pixels that aligns the frame.</summary>
    public static void WriteGlobalShifts(string path, MotionTrajectory trajectory)
    {
        var table = new StarTable([StarLabels.MicrographFrameNumber, StarLabels.MicrographShiftX, StarLabels.MicrographShiftY]);
        foreach (var s in trajectory.Shifts)
            table.AddRow((s.Frame + 1).ToString(CultureInfo.InvariantCulture), F(s.ShiftXPx), F(s.ShiftYPx));
        var document = new StarDocument();
        document.Add("global_shift").Loops.Add(table);
        StarWriter.Write(path, document);
    }

    /// <summary>Reads data_global_shift as (x, y) per frame in pixels.</summary>
    public static IReadOnlyList<(double X, double Y)> ReadGlobalShifts(string path)
    {
        var table = StarReader.Read(path).Require("global_shift").RequireLoop(path);
        return Enumerable.Range(0, table.RowCount)
            .Select(r => (table.GetDouble(r, StarLabels.MicrographShiftX), table.GetDouble(r, StarLabels.MicrographShiftY))).ToList();
    }

    /// <summary>
    /// Path length in Å over the frames received within the first <paramref name="earlyDoseEA2"/> e/Å² (a frame counts
    /// as early when the dose before it is below the limit) and over the rest, as RELION's rlnAccumMotionEarly/Late.
    /// </summary>
    public static (double EarlyA, double LateA) EarlyLate(MotionTrajectory trajectory, double dosePerFrameEA2, double earlyDoseEA2)
    {
        double early = 0, late = 0;
        for (int f = 1; f < trajectory.Frames; f++)
        {
            double step = trajectory.StepA(f);
            if ((f - 1) * dosePerFrameEA2 < earlyDoseEA2)
                early += step;
            else
                late += step;
        }
        return (early, late);
    }

    /// <summary>RMS over frames of the distance (px) between estimated and true alignment shifts.</summary>
    public static double RmsErrorPx(MotionTrajectory estimate, string truthPath)
    {
        var truth = ReadGlobalShifts(truthPath);
        int frames = Math.Min(truth.Count, estimate.Frames);
        double sum = 0;
        for (int f = 0; f < frames; f++)
        {
            double dx = estimate.Shifts[f].ShiftXPx - truth[f].X, dy = estimate.Shifts[f].ShiftYPx - truth[f].Y;
            sum += (dx * dx) + (dy * dy);
        }
        return frames == 0 ? double.NaN : Math.Sqrt(sum / frames);
    }

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
