namespace Concord.Ctf;

/// <summary>Names of the <see cref="CtfEstimate.Figures"/> entries that more than one component reads.</summary>
public static class CtfFigures
{
    /// <summary>
    /// Mean amplitude of the rotational average in the ice-ring band (3.7 Å) over its flanks; about 1 for vitreous ice,
    /// clearly above for thick or crystalline ice. The consensus ice-ring rule reads it from any estimate that has it.
    /// </summary>
    public const string IceRingRatio = "IceRingRatio";

    /// <summary>Number of tiles whose periodograms were averaged.</summary>
    public const string Tiles = "Tiles";
}
