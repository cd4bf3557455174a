using Concord.Core;
using Concord.Core.Ctf;

namespace Concord.Picking.Methods.Template;

/// <summary>Settings of the template picker.</summary>
public sealed record TemplatePickerOptions
{
    /// <summary>Particle diameter in Å: the correlation mask and the suppression distance.</summary>
    public required double DiameterA { get; init; }

    /// <summary>In-plane rotation step of the templates, in degrees.</summary>
    public double AngularStepDeg { get; init; } = 10;

    /// <summary>Picks need a correlation above median + k·σ̂ of the correlation map.</summary>
    public double ThresholdSigmas { get; init; } = 4;

    /// <summary>Absolute floor on the normalised correlation (−1…1) a pick needs.</summary>
    public double MinCorrelation { get; init; } = 0.05;

    /// <summary>Non-maximum suppression distance as a fraction of the diameter.</summary>
    public double MinDistanceFraction { get; init; } = 0.8;

    /// <summary>At most this many picks per micrograph (0: no limit).</summary>
    public int MaxCount { get; init; }

    /// <summary>
    /// Templates show protein bright (projections, RELION class averages of contrast-inverted particles) while the
    /// micrograph shows it dark; false when both have the same contrast.
    /// </summary>
    public bool DarkParticles { get; init; } = true;

    /// <summary>The micrograph's CTF, multiplied into the templates so they look like particles on it (null: none).</summary>
    public CtfParameters? Ctf { get; init; }

    public int MaxDegreeOfParallelism { get; init; } = -1;

    public void Validate()
    {
        if (!(DiameterA > 0) || !double.IsFinite(DiameterA))
            throw new InvalidParameterException("diameter", $"must be a positive number of Å, got {DiameterA}.");
        if (!(AngularStepDeg > 0 && AngularStepDeg <= 360))
            throw new InvalidParameterException("angular-step", $"must be in (0, 360]°, got {AngularStepDeg}.");
        if (!double.IsFinite(ThresholdSigmas))
            throw new InvalidParameterException("threshold", $"must be finite, got {ThresholdSigmas}.");
        if (!(MinCorrelation >= -1 && MinCorrelation <= 1))
            throw new InvalidParameterException("min-correlation", $"must be in [−1, 1], got {MinCorrelation}.");
        if (!(MinDistanceFraction >= 0 && MinDistanceFraction <= 4))
            throw new InvalidParameterException("min-distance", $"must be 0–4 diameters, got {MinDistanceFraction}.");
        if (MaxCount < 0)
            throw new InvalidParameterException("max-count", $"must be ≥ 0, got {MaxCount}.");
        if (MaxDegreeOfParallelism == 0 || MaxDegreeOfParallelism < -1)
            throw new InvalidParameterException("threads", $"must be ≥ 1 or −1 for all cores, got {MaxDegreeOfParallelism}.");
    }
}
