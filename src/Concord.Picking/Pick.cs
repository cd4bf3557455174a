namespace Concord.Picking;

/// <summary>
/// One picked particle centre in pixels of the full micrograph (x to the right, y down the rows, pixel centres at
/// integers, RELION's rlnCoordinateX/Y convention) with the picker's figure of merit (higher is more particle-like;
/// units depend on the picker).
/// </summary>
public readonly record struct Pick(double XPx, double YPx, double Score);

/// <summary>A set of picks from one method on one micrograph, named so consensus can report who found what.</summary>
public sealed record PickSet(string Method, IReadOnlyList<Pick> Picks);
