using Concord.IO.Mrc;
using Concord.IO.Relion;
using Concord.Plots;
using Concord.Preprocess.Consensus;
using Concord.Preprocess.Methods.Motion;

namespace Concord.Cli.Verbs;

/// <summary>
/// Writes what `concord motion` produces, in RELION's motion correction layout: per movie <c>&lt;movie&gt;.mrc</c> (the
/// dose-weighted sum when a dose is given, else the aligned sum), <c>&lt;movie&gt;_noDW.mrc</c> (the aligned sum, with dose
/// weighting), <c>&lt;movie&gt;_PS.mrc</c> (power spectrum of the aligned sum), <c>&lt;movie&gt;_shifts.png</c> (trajectory) and
/// <c>&lt;movie&gt;.star</c> (motion); at the end <c>corrected_micrographs.star</c> and <c>rejected_movies.star</c>.
/// Paths inside the STAR files start with the output folder as given, as RELION's are relative to its project folder.
/// </summary>
internal sealed class MotionOutputWriter(MotionVerb.Settings settings)
{
    /// <summary>Exposure (e/Å²) up to which motion counts as early in rlnAccumMotionEarly (RELION's --dose_motionstats_cutoff default).</summary>
    public const double EarlyMotionExposureEA2 = 4;

    private readonly List<(CorrectedMicrograph Row, MicrographOptics Optics)> _corrected = [];
    private readonly List<RejectedMovie> _rejected = [];

    public (string Micrograph, string Metadata) Write(MovieInput input, MotionCorrectionResult result, int width, int height, int frames, double pixelSizeA,
        double voltageKv, DriftVerdict verdict)
    {
        string folder = settings.OutputDirectory, stem = input.Stem;
        string micrograph = Path.Combine(folder, stem + ".mrc"), metadata = Path.Combine(folder, stem + ".star");
        string spectrum = Path.Combine(folder, stem + "_PS.mrc");
        MrcWriter.Write(micrograph, result.DoseWeightedSum ?? result.AlignedSum);
        if (result.DoseWeightedSum is not null)
            MrcWriter.Write(Path.Combine(folder, stem + "_noDW.mrc"), result.AlignedSum);
        MrcWriter.Write(spectrum, result.PowerSpectrum);
        SaveTrajectoryPlot(Path.Combine(folder, stem + "_shifts.png"), stem, result);
        RelionMotionStar.Write(metadata, MotionFile(input, result, width, height, frames, pixelSizeA, voltageKv));
        var (total, early, late) = AccumulatedMotion(result.Trajectory, settings.DosePerFrameEA2, settings.PreExposureEA2);
        if (verdict.Accepted)
        {
            var optics = new MicrographOptics(0, input.OpticsGroupName ?? "opticsGroup1", pixelSizeA, result.AlignedSum.PixelSizeA, voltageKv,
                input.SphericalAberrationMm ?? 2.7, input.AmplitudeContrast ?? 0.1);
            _corrected.Add((new CorrectedMicrograph(micrograph, metadata, spectrum, 0, total, early, late), optics));
        }
        else
        {
            _rejected.Add(new RejectedMovie(input.ListedName, OneLine(verdict.Reason), total));
        }
        return (micrograph, metadata);
    }

    public void AddFailed(MovieInput input, string reason) => _rejected.Add(new RejectedMovie(input.ListedName, OneLine("Failed: " + reason)));

    /// <summary>Writes corrected_micrographs.star (one optics group per distinct name, pixel sizes and voltage) and rejected_movies.star.</summary>
    public (string Corrected, string Rejected) WriteTables()
    {
        var groups = new List<MicrographOptics>();
        var rows = new List<CorrectedMicrograph>();
        foreach (var (row, optics) in _corrected)
        {
            int index = groups.FindIndex(g => g with { Number = 0 } == optics);
            if (index < 0)
            {
                groups.Add(optics with { Number = groups.Count + 1 });
                index = groups.Count - 1;
            }
            rows.Add(row with { OpticsGroup = index + 1 });
        }
        string corrected = Path.Combine(settings.OutputDirectory, "corrected_micrographs.star");
        string rejected = Path.Combine(settings.OutputDirectory, "rejected_movies.star");
        RelionMotionStar.WriteCorrectedMicrographs(corrected, groups, rows);
        RelionMotionStar.WriteRejected(rejected, _rejected);
        return (corrected, rejected);
    }

    private RelionMotionFile MotionFile(MovieInput input, MotionCorrectionResult result, int width, int height, int frames, double pixelSizeA, double voltageKv)
    {
        bool dose = settings.DosePerFrameEA2 > 0;
        var general = new RelionMotionGeneral(width, height, frames, input.ListedName, settings.GainPath, settings.Binning, pixelSizeA,
            dose ? settings.DosePerFrameEA2 : null, dose ? settings.PreExposureEA2 : null, voltageKv);
        var shifts = result.Trajectory.Shifts.Select(s => (s.ShiftXPx, s.ShiftYPx)).ToList();
        var local = result.LocalModel?.ToRelionCoefficients();
        var patches = result.PatchShifts.Select(p => new RelionLocalShift(p.Frame + 1, p.XPx, p.YPx, p.ShiftXPx, p.ShiftYPx)).ToList();
        return new RelionMotionFile(general, shifts, local, patches);
    }

    /// <summary>
    /// rlnAccumMotionTotal/Early/Late in Å: the path length of the global trajectory, split at the step whose frame ends
    /// beyond <see cref="EarlyMotionExposureEA2"/> e/Å² (RELION's definition; without a dose, 1 e/Å² per frame as
    /// RELION's default).
    /// </summary>
    internal static (double Total, double Early, double Late) AccumulatedMotion(MotionTrajectory trajectory, double dosePerFrameEA2, double preExposureEA2)
    {
        double dose = dosePerFrameEA2 > 0 ? dosePerFrameEA2 : 1;
        double early = 0, late = 0;
        for (int f = 1; f < trajectory.Frames; f++)
        {
            double step = trajectory.StepA(f);
            if (preExposureEA2 + (f * dose) <= EarlyMotionExposureEA2)
                early += step;
            else
                late += step;
        }
        return (early + late, early, late);
    }

    private static void SaveTrajectoryPlot(string path, string movie, MotionCorrectionResult result)
    {
        var shifts = result.Trajectory.Shifts;
        var series = new List<Series> { new("global (frame 1 at 0)", shifts.Select(s => s.ShiftXA).ToArray(), shifts.Select(s => s.ShiftYA).ToArray()) };
        Figures.SaveCurves(path, $"{movie}: alignment shifts", "shift X (Å)", "shift Y (Å)", series);
    }

    private static string OneLine(string text) => text.Replace('\n', ' ').Replace('\r', ' ').Replace('"', '\'');
}
