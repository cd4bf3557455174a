using Concord.Core;

namespace Concord.Preprocess.Methods.Motion;

/// <summary>
/// Settings of <see cref="MotionCorrector"/>. Lengths in Å; the pixel size comes from the movie.
/// </summary>
public sealed record MotionCorrectionOptions
{
    /// <summary>B-factor (Å²) of the Gaussian low-pass exp(−B·s²/4) applied to the cross-correlation of whole frames: it
    /// suppresses the noise-dominated high frequencies. 500 Å² rather than RELION's 150 Å²: at the small preset's dose
    /// (2.5 e/Å² per frame, 1.5 Å/px) the global trajectory error falls from 0.27 to 0.19 px (docs/BENCHMARKS.md), the
    /// peak (σ ≈ 2.5 Å) stays several pixels wide for the sub-pixel fit, and the alignment can run on frames
    /// Fourier-cropped to about 0.25 Å⁻¹, the same crop as the patches.</summary>
    public double BFactorA2 { get; init; } = 500;

    /// <summary>B-factor (Å²) for patch alignment; patches hold less signal, so they need at least the whole frames' low-pass.</summary>
    public double PatchBFactorA2 { get; init; } = 500;

    /// <summary>Largest shift searched in one iteration, in Å (clamped to just under half the box being aligned).</summary>
    public double MaxShiftA { get; init; } = 100;

    /// <summary>Most refinement iterations of the frame-to-(sum − frame) alignment.</summary>
    public int MaxIterations { get; init; } = 10;

    /// <summary>The alignment stops when the RMS change of the frame shifts in an iteration falls below this (px), or the
    /// largest change below twice this; it also stops once the changes no longer shrink (they then only follow noise).</summary>
    public double ConvergencePx { get; init; } = 0.005;

    /// <summary>Consecutive frames measured together in global alignment (odd; 1 = each frame alone). Each frame's
    /// shift is then measured from the sum of the frames around it, which raises the signal at low dose at the cost of
    /// time resolution (MotionCor2's and RELION's frame grouping).</summary>
    public int GroupFrames { get; init; } = 1;

    /// <summary>Frame grouping for patch alignment, where the signal per frame is lower still.</summary>
    public int PatchGroupFrames { get; init; } = 3;

    /// <summary>Patches across x for local alignment; 0 or 1 with <see cref="PatchesY"/> ≤ 1 turns local alignment off.</summary>
    public int PatchesX { get; init; } = 5;

    /// <summary>Patches across y for local alignment.</summary>
    public int PatchesY { get; init; } = 5;

    /// <summary>Fraction by which each patch is larger than the grid spacing (0.5: neighbouring patches overlap by a third of their size).</summary>
    public double PatchOverlap { get; init; } = 0.5;

    /// <summary>Frame (0-based) whose position is the origin of all shifts; 0 = the first frame, as RELION.</summary>
    public int ReferenceFrame { get; init; }

    /// <summary>Electrons per Å² per frame; 0 turns dose weighting off.</summary>
    public double DosePerFrameEA2 { get; init; }

    /// <summary>Electrons per Å² received before the first frame.</summary>
    public double PreExposureEA2 { get; init; }

    /// <summary>Acceleration voltage, for the critical exposure (300 or 200 kV).</summary>
    public double VoltageKv { get; init; } = 300;

    /// <summary>Fourier binning of the output sums (1 = none; any real factor ≥ 1).</summary>
    public double BinningFactor { get; init; } = 1;

    /// <summary>Threads for per-frame and per-patch work; −1 = all cores.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    public bool LocalAlignment => Math.Max(PatchesX, 1) * Math.Max(PatchesY, 1) > 1;

    /// <summary>Throws <see cref="InvalidParameterException"/> naming the first setting out of range.</summary>
    public void Validate(int frames)
    {
        if (frames < 1)
            throw new InvalidDimensionsException("Motion correction: the movie has no frames; at least one is needed.");
        RequireFinite(BFactorA2, nameof(BFactorA2), min: 0, "Å²");
        RequireFinite(PatchBFactorA2, nameof(PatchBFactorA2), min: 0, "Å²");
        if (!(MaxShiftA > 0) || double.IsInfinity(MaxShiftA))
            throw new InvalidParameterException(nameof(MaxShiftA), $"must be a positive number of Å, got {MaxShiftA}.");
        if (MaxIterations < 1)
            throw new InvalidParameterException(nameof(MaxIterations), $"must be at least 1, got {MaxIterations}.");
        if (GroupFrames < 1 || GroupFrames % 2 == 0 || PatchGroupFrames < 1 || PatchGroupFrames % 2 == 0)
            throw new InvalidParameterException(nameof(GroupFrames), $"frame groups must be odd and ≥ 1 (global {GroupFrames}, patches {PatchGroupFrames}).");
        RequireFinite(ConvergencePx, nameof(ConvergencePx), min: 0, "px");
        if (PatchesX < 0 || PatchesY < 0 || PatchesX > 64 || PatchesY > 64)
            throw new InvalidParameterException("Patches", $"must be between 0 and 64 per axis, got {PatchesX}×{PatchesY}.");
        if (!(PatchOverlap >= 0 && PatchOverlap <= 2))
            throw new InvalidParameterException(nameof(PatchOverlap), $"must lie in [0, 2], got {PatchOverlap}.");
        if (ReferenceFrame < 0 || ReferenceFrame >= frames)
            throw new InvalidParameterException(nameof(ReferenceFrame), $"must be a frame of the movie (0…{frames - 1}), got {ReferenceFrame}.");
        RequireFinite(DosePerFrameEA2, nameof(DosePerFrameEA2), min: 0, "e/Å²");
        RequireFinite(PreExposureEA2, nameof(PreExposureEA2), min: 0, "e/Å²");
        if (DosePerFrameEA2 > 0)
            DoseWeighting.VoltageScale(VoltageKv);
        if (!(BinningFactor >= 1) || double.IsInfinity(BinningFactor))
            throw new InvalidParameterException(nameof(BinningFactor), $"must be a finite factor ≥ 1, got {BinningFactor}.");
        if (MaxDegreeOfParallelism == 0 || MaxDegreeOfParallelism < -1)
            throw new InvalidParameterException(nameof(MaxDegreeOfParallelism), $"must be −1 (all cores) or a positive thread count, got {MaxDegreeOfParallelism}.");
    }

    private static void RequireFinite(double value, string name, double min, string unit)
    {
        if (!(value >= min) || double.IsInfinity(value))
            throw new InvalidParameterException(name, $"must be a finite number ≥ {min} {unit}, got {value}.");
    }
}
