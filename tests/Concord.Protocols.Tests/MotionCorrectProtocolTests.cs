using System.Text.Json;
using Concord.Protocols.Protocols.Preprocess;
using Concord.Protocols.Sets;
using Concord.Protocols.Tests.Infrastructure;
using Concord.Workflow.Projects;

namespace Concord.Protocols.Tests;

[Collection(TinyProjectCollection.Name)]
public sealed class MotionCorrectProtocolTests(TinyProject tiny)
{
    [Fact]
    public void Every_movie_is_kept_or_rejected_with_a_reason_and_kept_ones_match_the_truth()
    {
        var kept = tiny.Rows(EmKinds.CorrectedMicrograph, "motion.micrographs");
        var rejected = tiny.Rows(EmKinds.CorrectedMicrograph, "motion.rejected");
        // Per-item provenance: each output row carries the key of its movie.
        Assert.Equal(["movie_001", "movie_002"], kept.Concat(rejected).Select(r => r.Key).Order());
        Assert.NotEmpty(kept);
        Assert.All(kept, r => Assert.Null(r.Reason));
        Assert.All(rejected, r => Assert.StartsWith("drift: ", r.Reason, StringComparison.Ordinal));
        foreach (var r in kept.Concat(rejected).Select(r => r.Row))
        {
            Assert.True(File.Exists(tiny.Project.Resolve(r.Path)) && File.Exists(tiny.Project.Resolve(r.DoseWeightedPath!)) && File.Exists(tiny.Project.Resolve(r.MotionPath!)));
            Assert.Equal(8, r.Frames);
            Assert.Equal(r.TotalMotionA, r.EarlyMotionA + r.LateMotionA, 9);
            Assert.True(r.EarlyMotionA > 0 && r.LateMotionA > 0);
        }
        // Tiny movies (256², 8 frames, a dozen particles) drift 5 Å at 2.5 Å/px; alignment recovers the truth to under a
        // pixel (measured 0.58 px for seed 3, 0.13 px for seed 1); a sign or frame-order error would give several.
        Assert.All(kept, r => Assert.InRange(r.Row.TruthRmsErrorPx!.Value, 0, 1));
        var report = JsonSerializer.Deserialize<MotionReport>(tiny.Project.Reports(tiny.Run("motion").Id)["motion"])!;
        Assert.Equal((kept.Count, rejected.Count), (report.Kept, report.Rejected));
        Assert.InRange(report.TruthRmsErrorPx!.Value, 0, 1);
        Assert.Equal(rejected.Select(r => r.Reason), report.Rejections.Select(r => r.Reason));
    }

    [Fact]
    public void A_strict_drift_limit_rejects_every_movie_with_a_readable_reason()
    {
        Assert.Empty(tiny.Rows(EmKinds.CorrectedMicrograph, "motion_strict.micrographs"));
        var rejected = tiny.Rows(EmKinds.CorrectedMicrograph, "motion_strict.rejected");
        Assert.Equal(2, rejected.Count);
        Assert.All(rejected, r => Assert.Matches(@"^drift: .*The trajectory is \d+\.\d\d Å long, more than the 0\.5 Å allowed in total\.$", r.Reason!));
        var report = JsonSerializer.Deserialize<MotionReport>(tiny.Project.Reports(tiny.Run("motion_strict").Id)["motion"])!;
        Assert.Null(report.TruthRmsErrorPx);
    }

    [Fact]
    public void The_written_trajectory_reads_back_and_splits_early_and_late_by_dose()
    {
        var row = tiny.Rows(EmKinds.CorrectedMicrograph, "motion.micrographs")[0].Row;
        var shifts = MotionStar.ReadGlobalShifts(tiny.Project.Resolve(row.MotionPath!));
        Assert.Equal(8, shifts.Count);
        Assert.Equal((0.0, 0.0), shifts[0]);
        double Step(int f) => Math.Sqrt(Math.Pow(shifts[f].X - shifts[f - 1].X, 2) + Math.Pow(shifts[f].Y - shifts[f - 1].Y, 2)) * row.PixelSizeA;
        // 4 e/Å² per frame: only the step out of frame 0 (dose before it 0 < 4) is early. The STAR keeps shifts to
        // 1e-4 px, so sums of 7 steps read back agree with the row (computed before rounding) to about 1e-3 Å.
        Assert.InRange(Math.Abs(Step(1) - row.EarlyMotionA), 0, 2e-3);
        Assert.InRange(Math.Abs(Enumerable.Range(1, 7).Sum(Step) - row.TotalMotionA), 0, 5e-3);
    }
}
