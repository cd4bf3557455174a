using System.Globalization;
using Concord.IO.Star;

namespace Concord.IO.Relion;

/// <summary>
/// The <c>data_general</c> block of RELION's per-movie motion STAR file (RELION 3.1 <c>Micrograph::write</c>).
/// </summary>
/// <param name="Width">Movie width (px, unbinned): rlnImageSizeX.</param>
/// <param name="Height">Movie height: rlnImageSizeY.</param>
/// <param name="Frames">Frames in the movie: rlnImageSizeZ.</param>
/// <param name="MovieName">The movie as the user named it: rlnMicrographMovieName.</param>
/// <param name="GainName">Gain reference, or null: rlnMicrographGainName.</param>
/// <param name="Binning">Binning from movie to micrograph: rlnMicrographBinning.</param>
/// <param name="OriginalPixelSizeA">Pixel size of the movie: rlnMicrographOriginalPixelSize.</param>
/// <param name="DosePerFrameEA2">Dose per frame or null when not given: rlnMicrographDoseRate.</param>
/// <param name="PreExposureEA2">Dose before the first frame or null: rlnMicrographPreExposure.</param>
/// <param name="VoltageKv">Acceleration voltage or null: rlnVoltage.</param>
/// <param name="StartFrame">1-based first frame: rlnMicrographStartFrame.</param>
public sealed record RelionMotionGeneral(int Width, int Height, int Frames, string MovieName, string? GainName, double Binning, double OriginalPixelSizeA,
    double? DosePerFrameEA2, double? PreExposureEA2, double? VoltageKv, int StartFrame = 1);

/// <summary>A patch measurement as RELION's own motion correction lists it in <c>data_local_shift</c>: the shift (px,
/// on top of the global one) of the patch centred at (X, Y) in a 1-based frame.</summary>
public sealed record RelionLocalShift(int Frame, double XPx, double YPx, double ShiftXPx, double ShiftYPx);

/// <summary>
/// One movie's motion: RELION 3.1's per-movie STAR file (the metadata file that rlnMicrographMetadata names).
/// <para>
/// Convention (RELION's): <see cref="GlobalShiftsPx"/>[f] is what frame f + 1 must be shifted by to align it, in
/// unbinned pixels, with frame 1 at (0, 0); a positive shift moves the content towards +x/+y.
/// <see cref="LocalCoefficients"/>, when present, is RELION's third-order polynomial (motion model version 1): 36
/// numbers, 18 for X then 18 for Y, where the local shift at pixel (x, y) of 0-based frame z (counted from the start
/// frame) is Σ_p Σ_j c[3j + p − 1]·z^p·b_j with b = (1, X, X², Y, Y², X·Y), X = x/W − 0.5, Y = y/H − 0.5, p = 1…3.
/// The total alignment shift is the global shift plus the local one.
/// </para>
/// </summary>
public sealed record RelionMotionFile(RelionMotionGeneral General, IReadOnlyList<(double X, double Y)> GlobalShiftsPx, IReadOnlyList<double>? LocalCoefficients = null,
    IReadOnlyList<RelionLocalShift>? LocalShifts = null)
{
    /// <summary>Coefficients per axis of RELION's third-order polynomial model.</summary>
    public const int CoefficientsPerAxis = 18;

    /// <summary>Total alignment shift (px) at pixel (x, y) of 0-based frame <paramref name="frame"/>, as RELION's
    /// <c>Micrograph::getShiftAt</c> evaluates it.</summary>
    public (double X, double Y) ShiftAt(int frame, double xPx, double yPx)
    {
        var (gx, gy) = GlobalShiftsPx[frame];
        if (LocalCoefficients is null)
            return (gx, gy);
        double z = frame - (General.StartFrame - 1);
        double u = (xPx / General.Width) - 0.5, v = (yPx / General.Height) - 0.5;
        ReadOnlySpan<double> spatial = [1, u, u * u, v, v * v, u * v];
        double lx = 0, ly = 0;
        for (int j = 0; j < 6; j++)
        {
            double power = 1;
            for (int p = 0; p < 3; p++)
            {
                power *= z;
                lx += LocalCoefficients[(3 * j) + p] * power * spatial[j];
                ly += LocalCoefficients[CoefficientsPerAxis + (3 * j) + p] * power * spatial[j];
            }
        }
        return (gx + lx, gy + ly);
    }
}

/// <summary>One row of <c>corrected_micrographs.star</c>.</summary>
public sealed record CorrectedMicrograph(string MicrographName, string MetadataName, string? PowerSpectrumName, int OpticsGroup, double AccumMotionTotalA,
    double AccumMotionEarlyA, double AccumMotionLateA);

/// <summary>The optics group of motion-corrected micrographs.</summary>
public sealed record MicrographOptics(int Number, string Name, double OriginalPixelSizeA, double MicrographPixelSizeA, double VoltageKv = 300,
    double SphericalAberrationMm = 2.7, double AmplitudeContrast = 0.1);

/// <summary>A movie left out of the corrected set, with the reason in words.</summary>
public sealed record RejectedMovie(string MovieName, string Reason, double? AccumMotionTotalA = null);

/// <summary>
/// Writes and reads RELION 3.1's motion-correction outputs: the per-movie motion STAR file (<c>data_general</c>,
/// <c>data_global_shift</c>, optionally <c>data_local_motion_model</c> and <c>data_local_shift</c>) and
/// <c>corrected_micrographs.star</c> (<c>data_optics</c> + <c>data_micrographs</c>); plus Concord's
/// <c>rejected_movies.star</c>, which lists each movie that was left out and why.
/// </summary>
public static class RelionMotionStar
{
    public static void Write(string path, RelionMotionFile motion)
    {
        var g = motion.General;
        if (motion.GlobalShiftsPx.Count != g.Frames)
            throw new Core.ShapeMismatchException($"{path}: {motion.GlobalShiftsPx.Count} global shifts for a movie of {g.Frames} frames.");
        if (motion.LocalCoefficients is { Count: not 2 * RelionMotionFile.CoefficientsPerAxis })
            throw new Core.ShapeMismatchException($"{path}: the local motion model needs {2 * RelionMotionFile.CoefficientsPerAxis} coefficients, got {motion.LocalCoefficients.Count}.");
        var document = new StarDocument();
        var general = document.Add("general");
        general.LeadingComments.Add("version 30001");
        general.Set(StarLabels.ImageSizeX, I(g.Width));
        general.Set(StarLabels.ImageSizeY, I(g.Height));
        general.Set(StarLabels.ImageSizeZ, I(g.Frames));
        general.Set(StarLabels.MicrographMovieName, g.MovieName);
        if (g.GainName is not null)
            general.Set(StarLabels.MicrographGainName, g.GainName);
        general.Set(StarLabels.MicrographBinning, F(g.Binning));
        general.Set(StarLabels.MicrographOriginalPixelSize, F(g.OriginalPixelSizeA));
        if (g.DosePerFrameEA2 is double dose)
            general.Set(StarLabels.MicrographDoseRate, F(dose));
        if (g.PreExposureEA2 is double pre)
            general.Set(StarLabels.MicrographPreExposure, F(pre));
        if (g.VoltageKv is double kv)
            general.Set(StarLabels.Voltage, F(kv));
        general.Set(StarLabels.MicrographStartFrame, I(g.StartFrame));
        general.Set(StarLabels.MotionModelVersion, motion.LocalCoefficients is null ? "0" : "1");

        var global = new StarTable([StarLabels.MicrographFrameNumber, StarLabels.MicrographShiftX, StarLabels.MicrographShiftY]);
        for (int f = 0; f < g.Frames; f++)
            global.AddRow(I(f + 1), F(motion.GlobalShiftsPx[f].X), F(motion.GlobalShiftsPx[f].Y));
        AddLoop(document, "global_shift", global);
        if (motion.LocalCoefficients is { } coefficients)
        {
            var model = new StarTable([StarLabels.MotionModelCoeffsIdx, StarLabels.MotionModelCoeff]);
            for (int i = 0; i < coefficients.Count; i++)
                model.AddRow(I(i), coefficients[i].ToString("R", CultureInfo.InvariantCulture));
            AddLoop(document, "local_motion_model", model);
        }
        if (motion.LocalShifts is { Count: > 0 } shifts)
        {
            var local = new StarTable([StarLabels.MicrographFrameNumber, StarLabels.CoordinateX, StarLabels.CoordinateY, StarLabels.MicrographShiftX, StarLabels.MicrographShiftY]);
            foreach (var s in shifts)
                local.AddRow(I(s.Frame), F(s.XPx), F(s.YPx), F(s.ShiftXPx), F(s.ShiftYPx));
            AddLoop(document, "local_shift", local);
        }
        StarWriter.Write(path, document);
    }

    /// <summary>Reads a motion STAR file written by RELION (own implementation or MotionCor2 wrapper) or by Concord.</summary>
    public static RelionMotionFile Read(string path)
    {
        var document = StarReader.Read(path);
        var general = document.Require("general");
        int width = RequireInt(general, StarLabels.ImageSizeX, path), height = RequireInt(general, StarLabels.ImageSizeY, path);
        int frames = RequireInt(general, StarLabels.ImageSizeZ, path);
        var info = new RelionMotionGeneral(width, height, frames, general.GetString(StarLabels.MicrographMovieName) ?? "", general.GetString(StarLabels.MicrographGainName),
            general.GetDouble(StarLabels.MicrographBinning) ?? 1, general.GetDouble(StarLabels.MicrographOriginalPixelSize) ?? -1,
            general.GetDouble(StarLabels.MicrographDoseRate), general.GetDouble(StarLabels.MicrographPreExposure), general.GetDouble(StarLabels.Voltage),
            (int)(general.GetDouble(StarLabels.MicrographStartFrame) ?? 1));
        var table = document.Require("global_shift").RequireLoop(path);
        var shifts = new (double X, double Y)[frames];
        for (int r = 0; r < table.RowCount; r++)
        {
            int frame = table.GetInt(r, StarLabels.MicrographFrameNumber);
            if (frame < 1 || frame > frames)
                throw new StarFormatException(path, table.LineOf(r), StarLabels.MicrographFrameNumber.Tag, $"frame {frame} is outside 1…{frames}.");
            shifts[frame - 1] = (table.GetDouble(r, StarLabels.MicrographShiftX), table.GetDouble(r, StarLabels.MicrographShiftY));
        }
        double[]? coefficients = null;
        if (document.Find("local_motion_model")?.Loop is { } model)
        {
            coefficients = new double[2 * RelionMotionFile.CoefficientsPerAxis];
            for (int r = 0; r < model.RowCount; r++)
            {
                int index = model.GetInt(r, StarLabels.MotionModelCoeffsIdx);
                if (index < 0 || index >= coefficients.Length)
                    throw new StarFormatException(path, model.LineOf(r), StarLabels.MotionModelCoeffsIdx.Tag, $"coefficient index {index} is outside 0…{coefficients.Length - 1}.");
                coefficients[index] = model.GetDouble(r, StarLabels.MotionModelCoeff);
            }
        }
        List<RelionLocalShift>? local = null;
        if (document.Find("local_shift")?.Loop is { } patches)
        {
            local = [];
            for (int r = 0; r < patches.RowCount; r++)
            {
                local.Add(new RelionLocalShift(patches.GetInt(r, StarLabels.MicrographFrameNumber), patches.GetDouble(r, StarLabels.CoordinateX),
                    patches.GetDouble(r, StarLabels.CoordinateY), patches.GetDouble(r, StarLabels.MicrographShiftX), patches.GetDouble(r, StarLabels.MicrographShiftY)));
            }
        }
        return new RelionMotionFile(info, shifts, coefficients, local);
    }

    /// <summary>Writes <c>corrected_micrographs.star</c> as RELION's motion correction job does.</summary>
    public static void WriteCorrectedMicrographs(string path, IReadOnlyList<MicrographOptics> optics, IReadOnlyList<CorrectedMicrograph> micrographs)
    {
        var document = new StarDocument();
        var groups = new StarTable([StarLabels.OpticsGroupName, StarLabels.OpticsGroup, StarLabels.MicrographOriginalPixelSize, StarLabels.Voltage,
            StarLabels.SphericalAberration, StarLabels.AmplitudeContrast, StarLabels.MicrographPixelSize]);
        foreach (var o in optics)
        {
            groups.AddRow(o.Name, I(o.Number), F(o.OriginalPixelSizeA), F(o.VoltageKv), F(o.SphericalAberrationMm), F(o.AmplitudeContrast),
                F(o.MicrographPixelSizeA));
        }
        AddLoop(document, "optics", groups);
        var rows = new StarTable([StarLabels.CtfPowerSpectrum, StarLabels.MicrographName, StarLabels.MicrographMetadata, StarLabels.OpticsGroup,
            StarLabels.AccumMotionTotal, StarLabels.AccumMotionEarly, StarLabels.AccumMotionLate]);
        foreach (var m in micrographs)
        {
            rows.AddRow(m.PowerSpectrumName ?? "None", m.MicrographName, m.MetadataName, I(m.OpticsGroup), F(m.AccumMotionTotalA), F(m.AccumMotionEarlyA),
                F(m.AccumMotionLateA));
        }
        AddLoop(document, "micrographs", rows);
        StarWriter.Write(path, document);
    }

    /// <summary>Writes <c>rejected_movies.star</c>: <c>data_rejected_movies</c> with the movie, the reason and its accumulated motion (−1 if unknown).</summary>
    public static void WriteRejected(string path, IReadOnlyList<RejectedMovie> rejected)
    {
        var document = new StarDocument();
        var rows = new StarTable([StarLabels.MicrographMovieName, StarLabels.ConcordRejectionReason, StarLabels.AccumMotionTotal]);
        foreach (var r in rejected)
            rows.AddRow(r.MovieName, r.Reason, F(r.AccumMotionTotalA ?? -1));
        AddLoop(document, "rejected_movies", rows);
        StarWriter.Write(path, document);
    }

    private static void AddLoop(StarDocument document, string name, StarTable table)
    {
        var block = document.Add(name);
        block.LeadingComments.Add("version 30001");
        block.Loops.Add(table);
    }

    private static int RequireInt(StarBlock block, StarLabel label, string path) =>
        block.GetDouble(label) is double d ? (int)d : throw new StarFormatException(path, 0, label.Tag, $"data_{block.Name} has no {label.Tag}.");

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
