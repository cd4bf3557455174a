using Concord.IO.Relion;
using Concord.IO.Star;
using Xunit.Abstractions;

namespace Concord.Cli.Tests.Interop;

/// <summary>
/// Side by side with RELION's own motion correction (<c>relion_run_motioncorr --use_own</c>) on the same simulated
/// movies (tiny preset, 3 movies of 256² × 8 frames, with the gain): both trajectories are read from the per-movie
/// motion STAR files and scored against the simulator's truth.
/// </summary>
[Collection("tiny movies")]
public sealed class RelionMotionInteropTests(TinyMoviesFixture data, ITestOutputHelper output)
{
    [FactRequiresRelion]
    public void Concord_trajectories_are_no_further_from_the_truth_than_relions()
    {
        string relionOut = $"RelionMC_{Guid.NewGuid():N}", concordOut = Path.Combine(data.Folder, $"ConcordMC_{Guid.NewGuid():N}");
        int code = RelionTool.Run("relion_run_motioncorr",
            $"--i movies.star --o {relionOut}/ --use_own --j 2 --gainref gain.mrc --angpix 2.5 --patch_x 1 --patch_y 1", data.Folder, out string log);
        Assert.True(code == 0, log);
        var r = CliHarness.Run("motion", data.MoviesStar, "-o", concordOut, "--gain", data.Gain, "--patches", "1x1", "--threads", "2");
        Assert.Equal(0, r.ExitCode);
        var relion = new List<double>();
        var relionNegated = new List<double>();
        var concord = new List<double>();
        foreach (string movie in new[] { "movie_001", "movie_002", "movie_003" })
        {
            var truth = StarReader.Read(Path.Combine(data.Folder, "truth", "motion", movie + ".star")).Require("global_shift").RequireLoop();
            var theirs = RelionMotionStar.Read(Path.Combine(data.Folder, relionOut, "Movies", movie + ".star"));
            var ours = RelionMotionStar.Read(Path.Combine(concordOut, movie + ".star"));
            for (int f = 0; f < truth.RowCount; f++)
            {
                double tx = truth.GetDouble(f, StarLabels.MicrographShiftX), ty = truth.GetDouble(f, StarLabels.MicrographShiftY);
                relion.Add(Squared(theirs.GlobalShiftsPx[f], tx, ty));
                relionNegated.Add(Squared((-theirs.GlobalShiftsPx[f].X, -theirs.GlobalShiftsPx[f].Y), tx, ty));
                concord.Add(Squared(ours.GlobalShiftsPx[f], tx, ty));
            }
        }
        double relionRms = Math.Sqrt(relion.Average()), concordRms = Math.Sqrt(concord.Average()), negatedRms = Math.Sqrt(relionNegated.Average());
        output.WriteLine($"global trajectory RMS error vs truth: Concord {concordRms:F3} px, RELION {relionRms:F3} px (RELION negated: {negatedRms:F3} px)");
        // Sign and frame reference: RELION's numbers, read as written, are the shifts that align each frame to frame 1,
        // the same convention as Concord's and the truth's; negated they would be far off.
        Assert.True(relionRms < negatedRms, $"RELION {relionRms:F3} px as written vs {negatedRms:F3} px negated");
        Assert.True(concordRms <= relionRms, $"Concord {concordRms:F3} px > RELION {relionRms:F3} px");
    }

    private static double Squared((double X, double Y) shift, double tx, double ty) =>
        ((shift.X - tx) * (shift.X - tx)) + ((shift.Y - ty) * (shift.Y - ty));
}
