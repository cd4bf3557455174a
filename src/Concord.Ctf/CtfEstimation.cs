using Concord.Core.Ctf;
using Concord.Core.Imaging;

namespace Concord.Ctf;

/// <summary>
/// What every CTF estimator needs to know about a micrograph: the microscope (fixed, not fitted) and the search
/// ranges. Lengths in Å; frequencies are given as resolutions in Å. Defaults follow CTFFIND4's usual settings.
/// </summary>
public sealed record CtfEstimationSettings
{
    /// <summary>The finest resolution any fit reaches, in pixels (2.1 px, just inside Nyquist's 2 px).</summary>
    public const double FinestFitResolutionPx = 2.1;

    public double VoltageKv { get; init; } = 300;
    public double SphericalAberrationMm { get; init; } = 2.7;
    public double AmplitudeContrast { get; init; } = 0.1;

    /// <summary>Side of the square tiles whose periodograms are averaged (px).</summary>
    public int TileSizePx { get; init; } = 512;

    /// <summary>Lowest resolution used in the fit (Å): excludes the strong low-frequency background.</summary>
    public double MinResolutionA { get; init; } = 30;

    /// <summary>Highest resolution used in the fit (Å); clamped to <see cref="FinestFitResolutionPx"/> × pixel size.</summary>
    public double MaxResolutionA { get; init; } = 5;

    public double MinDefocusA { get; init; } = 3000;
    public double MaxDefocusA { get; init; } = 50000;
    public double DefocusStepA { get; init; } = 500;

    /// <summary>Astigmatism above which a search stops looking (Å); also the scale of its restraint.</summary>
    public double ExpectedAstigmatismA { get; init; } = 1000;

    /// <summary>Fit an additional phase shift (phase plate data).</summary>
    public bool FitPhaseShift { get; init; }

    /// <summary>A starting estimate (for example estimator A's), used by estimators that refine rather than search.</summary>
    public CtfParameters? Start { get; init; }

    public int MaxDegreeOfParallelism { get; init; } = -1;
}

/// <summary>
/// One estimate of a micrograph's CTF and the estimator's own quality figures. <see cref="Ctf"/> carries the
/// microscope values of the settings and the fitted DefocusU/V (Å, U ≥ V), angle (degrees, RELION convention) and
/// phase shift. <see cref="FitScore"/> is the estimator's fit correlation (CTFFIND4's cross-correlation, or the
/// model-to-spectrum correlation), <see cref="MaxResolutionA"/> the resolution up to which the fit holds
/// (rlnCtfMaxResolution). <see cref="Figures"/> holds further named, unit-carrying criteria of that estimator.
/// </summary>
public sealed record CtfEstimate(
    string Method,
    CtfParameters Ctf,
    double FitScore,
    double MaxResolutionA,
    IReadOnlyDictionary<string, double> Figures);

/// <summary>A CTF estimator: a pure computation on one micrograph (no files, no console).</summary>
public interface ICtfEstimator
{
    /// <summary>Short name written to files and reasons ("periodogram", "parametric").</summary>
    string Name { get; }

    CtfEstimate Estimate(Image2D micrograph, CtfEstimationSettings settings, CancellationToken cancellation = default);
}
