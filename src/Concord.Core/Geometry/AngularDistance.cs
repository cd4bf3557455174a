namespace Concord.Core.Geometry;

/// <summary>
/// Symmetry-aware distances between RELION orientations. For a map with point group G, the poses A and A·S (S ∈ G,
/// proper rotations) give identical projections, because the projection samples the map at Aᵀp and
/// V(SᵀAᵀp) = V(Aᵀp). Equivalent projection directions are therefore Sᵀ·d.
/// </summary>
public static class AngularDistance
{
    /// <summary>Rotation angle in degrees (0..180) of A1·(A2·S)ᵀ, minimised over the proper rotations S of the group.</summary>
    public static double PoseDegrees(EulerAngles first, EulerAngles second, PointGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var a1 = first.ToMatrix();
        var a2 = second.ToMatrix();
        double best = double.MaxValue;
        foreach (var s in group.Rotations)
            best = Math.Min(best, (a1 * (a2 * s).Transpose()).RotationAngleDegrees());
        return best;
    }

    /// <summary>Angle in degrees between the projection directions, ignoring psi, minimised over the group's proper rotations.</summary>
    public static double ViewingDirectionDegrees(EulerAngles first, EulerAngles second, PointGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return DirectionDegrees(first.ProjectionDirection(), second.ProjectionDirection(), group);
    }

    /// <summary>Smallest angle in degrees between d1 and Sᵀ·d2 over the group's proper rotations S.</summary>
    public static double DirectionDegrees(Vector3d first, Vector3d second, PointGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        double best = double.MaxValue;
        foreach (var s in group.Rotations)
            best = Math.Min(best, Vector3d.AngleDegrees(first, s.Transpose() * second));
        return best;
    }
}
