using Concord.Workflow.Sets;

namespace Concord.Protocols.Sets;

/// <summary>
/// A raw movie with its acquisition and optics (one optics group per distinct set of values, as RELION groups them).
/// </summary>
/// <param name="Path">The frames (MRC stack or TIFF).</param>
/// <param name="GainPath">Gain reference multiplied into each frame, or null when the frames are already gain-corrected.</param>
/// <param name="TruthMotionPath">For simulated movies, the true alignment shifts (RELION motion STAR layout); null for real data.</param>
public sealed record MovieRow(
    [property: ProjectPath] string Path,
    [property: ProjectPath] string? GainPath,
    [property: ProjectPath] string? TruthMotionPath,
    double PixelSizeA,
    int Frames,
    double DosePerFrameEA2,
    double VoltageKv,
    double SphericalAberrationMm,
    double AmplitudeContrast,
    int OpticsGroup);

/// <summary>
/// A motion-corrected micrograph (RELION's corrected_micrographs.star row): sums, trajectory and accumulated motion in
/// Å (total, early = frames within the first 4 e/Å², late = the rest, as RELION splits them).
/// </summary>
/// <param name="MoviePath">The movie it came from (null when imported from a STAR file without movies).</param>
/// <param name="Path">Sum of the aligned frames.</param>
/// <param name="DoseWeightedPath">Dose-weighted sum (RELION's rlnMicrographName when dose weighting is on), or null.</param>
/// <param name="MotionPath">Per-frame shifts (data_global_shift, RELION layout), or null.</param>
/// <param name="MaxFrameShiftA">Largest step between consecutive frames.</param>
/// <param name="TruthRmsErrorPx">For simulated movies: RMS over frames of |estimated − true shift|; null for real data.</param>
/// <param name="MoviePixelSizeA">
/// Pixel size of the movie before any binning (RELION's rlnMicrographOriginalPixelSize); null where it is not known
/// (projects made before kind version 2, micrographs imported without it).
/// </param>
public sealed record CorrectedMicrographRow(
    string? MoviePath,
    [property: ProjectPath] string Path,
    [property: ProjectPath] string? DoseWeightedPath,
    [property: ProjectPath] string? MotionPath,
    double PixelSizeA,
    int Frames,
    double TotalMotionA,
    double EarlyMotionA,
    double LateMotionA,
    double MaxFrameShiftA,
    double? TruthRmsErrorPx,
    double VoltageKv,
    double SphericalAberrationMm,
    double AmplitudeContrast,
    int OpticsGroup,
    double? MoviePixelSizeA = null);

/// <summary>A CTF estimate of one micrograph (RELION micrographs_ctf.star row).</summary>
/// <param name="FitScore">Figure of merit of the fit (higher is better; estimator specific).</param>
/// <param name="MaxResolutionA">Highest resolution to which the fitted rings match the spectrum.</param>
/// <param name="DiagnosticPath">Observed versus fitted spectrum image, or null.</param>
/// <param name="IceRingRatio">
/// The ice-ring band (3.7 Å) amplitude over its flanks (about 1 for vitreous ice; rlnConcordCtfIceRingRatio), or null
/// when the estimator does not measure it or the row was stored before kind version 2.
/// </param>
public sealed record CtfRow(
    [property: ProjectPath] string MicrographPath,
    double DefocusUA,
    double DefocusVA,
    double DefocusAngleDeg,
    double PhaseShiftDeg,
    double FitScore,
    double MaxResolutionA,
    [property: ProjectPath] string? DiagnosticPath,
    double? IceRingRatio);

/// <summary>A picked position; the set's item key is unique per coordinate, <paramref name="MicrographKey"/> groups them.</summary>
/// <param name="XPx">Centre, in pixels of the micrograph (RELION rlnCoordinateX).</param>
/// <param name="Votes">How many pickers agreed on it (1 for a single picker).</param>
public sealed record CoordinateRow(string MicrographKey, double XPx, double YPx, double Score, int Votes);

/// <summary>
/// A particle image with its pose (RELION 3.1: ZYZ angles in degrees, origin in Å), CTF, half-set and optics (one row
/// carries its optics group's values, so a set can be written as data_optics + data_particles without a side table).
/// </summary>
/// <param name="ImagePath">The stack holding the image.</param>
/// <param name="ImageNumber">1-based slice in the stack (RELION's NNNNNN@stack).</param>
/// <param name="MicrographName">The micrograph it was extracted from (as written in its source), or null.</param>
/// <param name="DefocusUA">Defocus U, or null when the particle has no CTF.</param>
/// <param name="RandomSubset">Gold-standard half-set (1 or 2; 0 when unassigned).</param>
public sealed record ParticleRow(
    [property: ProjectPath] string ImagePath,
    int ImageNumber,
    string? MicrographName,
    double? XPx,
    double? YPx,
    double RotDeg,
    double TiltDeg,
    double PsiDeg,
    double OriginXA,
    double OriginYA,
    double? DefocusUA,
    double? DefocusVA,
    double? DefocusAngleDeg,
    double PhaseShiftDeg,
    double CtfBFactorA2,
    int RandomSubset,
    int OpticsGroup,
    string OpticsGroupName,
    double PixelSizeA,
    int BoxPx,
    double VoltageKv,
    double SphericalAberrationMm,
    double AmplitudeContrast);

/// <summary>A 2D class average (one image of a class stack).</summary>
public sealed record Class2DRow([property: ProjectPath] string ImagePath, int ImageNumber, int ClassNumber, int Particles, double Distribution, double ResolutionA);

/// <summary>A 3D class (its map).</summary>
public sealed record Class3DRow([property: ProjectPath] string MapPath, int ClassNumber, int Particles, double Distribution, double ResolutionA, double PixelSizeA, int BoxPx);

/// <summary>
/// A Fourier shell correlation curve between two maps, stored as a RELION-style STAR table (data_fsc) with its plot.
/// </summary>
/// <param name="MapA">Label of the first map (a set item key or a path).</param>
/// <param name="Shells">Number of Fourier shells in the curve.</param>
public sealed record FscRow(
    [property: ProjectPath] string CurvePath,
    [property: ProjectPath] string? PlotPath,
    string MapA,
    string MapB,
    double ResolutionAt0143A,
    double ResolutionAt05A,
    int Shells,
    double PixelSizeA);

/// <summary>The outcome of one consensus over N estimates of a stage: sources, counts and agreement statistics.</summary>
/// <param name="Sources">The compared sets, "RUN.PORT" joined by commas.</param>
public sealed record ConsensusReportRow(string Stage, string Sources, int Agreed, int Disagreed, double ScoreMean, double ScoreMin, double ScoreMax);
