namespace Concord.Core.Geometry;

/// <summary>
/// A near-uniform set of orientations at a given angular step, restricted to the asymmetric unit of a point group.
/// <para>
/// Counts follow RELION's HEALPix sampling: order n = round(log2(60° / step)), 12·4ⁿ projection directions over the
/// sphere and 6·2ⁿ psi angles (step 360/(6·2ⁿ)); 7.5° gives order 3, 768 directions, 48 psi. The directions are a
/// Fibonacci spiral (Swinbank and Purser 2006; González 2010) rather than HEALPix pixel centres: equal area per point,
/// no pixel-index machinery, and the same count.
/// </para>
/// <para>
/// Asymmetric unit: a direction d is kept when it is the member of its orbit {Sᵀd} (S the proper rotations) closest to
/// the fixed reference direction <see cref="ReferenceDirection"/>, i.e. the Dirichlet cell of that direction. This is
/// a well-defined fundamental domain for every group (a wedge about z for Cn, half of it for Dn), and each orbit not on
/// a cell boundary has exactly one member inside it.
/// </para>
/// </summary>
public sealed class OrientationSampling
{
    /// <summary>Generic direction (on no symmetry axis of any RELION group) whose Dirichlet cell is the asymmetric unit.</summary>
    public static readonly Vector3d ReferenceDirection = new Vector3d(0.0731, 0.1523, 0.9856).Normalized();

    private readonly Vector3d[] _directions;

    private OrientationSampling(int healpixOrder, PointGroup group, Vector3d[] directions)
    {
        HealpixOrder = healpixOrder;
        Group = group;
        _directions = directions;
        PsiCount = 6 << healpixOrder;
        PsiStepDegrees = 360.0 / PsiCount;
    }

    public int HealpixOrder { get; }
    public PointGroup Group { get; }

    /// <summary>Number of directions over the whole sphere before the asymmetric-unit restriction (12·4ⁿ).</summary>
    public int FullSphereDirectionCount => 12 << (2 * HealpixOrder);

    public int PsiCount { get; }
    public double PsiStepDegrees { get; }

    /// <summary>Projection directions in the asymmetric unit (unit vectors in volume coordinates).</summary>
    public IReadOnlyList<Vector3d> Directions => _directions;

    public long OrientationCount => (long)_directions.Length * PsiCount;

    /// <summary>Samples orientations at <paramref name="angularStepDegrees"/> (0.2° to 180°) in the asymmetric unit of <paramref name="group"/>.</summary>
    public static OrientationSampling Create(double angularStepDegrees, PointGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (!(angularStepDegrees >= 0.2 && angularStepDegrees <= 180))
            throw new InvalidParameterException("angularStepDegrees", $"must lie in [0.2, 180] degrees, got {angularStepDegrees}.");
        int order = Math.Max(0, (int)Math.Round(Math.Log2(60.0 / angularStepDegrees)));
        int count = 12 << (2 * order);
        var kept = new List<Vector3d>(count / Math.Max(1, group.Rotations.Count) + 16);
        double golden = Math.PI * (3 - Math.Sqrt(5));
        for (int i = 0; i < count; i++)
        {
            double z = 1 - (2.0 * i + 1) / count;
            double r = Math.Sqrt(Math.Max(0, 1 - z * z));
            (double s, double c) = Math.SinCos(i * golden);
            var d = new Vector3d(r * c, r * s, z);
            if (IsInAsymmetricUnit(d, group))
                kept.Add(d);
        }

        return new OrientationSampling(order, group, [.. kept]);
    }

    /// <summary>Whether <paramref name="direction"/> is its orbit's representative (closest to <see cref="ReferenceDirection"/>).</summary>
    public static bool IsInAsymmetricUnit(Vector3d direction, PointGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        double own = direction.Dot(ReferenceDirection);
        for (int k = 1; k < group.Rotations.Count; k++)
        {
            if ((group.Rotations[k].Transpose() * direction).Dot(ReferenceDirection) > own)
                return false;
        }

        return true;
    }

    /// <summary>The orientation with the given index: direction index · PsiCount + psi index.</summary>
    public EulerAngles GetOrientation(long index)
    {
        if (index < 0 || index >= OrientationCount)
            throw new InvalidParameterException("index", $"must lie in [0, {OrientationCount}), got {index}.");
        var (rot, tilt) = EulerAngles.DirectionToAngles(_directions[index / PsiCount]);
        return new EulerAngles(rot, tilt, (index % PsiCount) * PsiStepDegrees);
    }

    public IEnumerable<EulerAngles> EnumerateOrientations()
    {
        for (long i = 0; i < OrientationCount; i++)
            yield return GetOrientation(i);
    }
}
