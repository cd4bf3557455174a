namespace Concord.Core.Geometry;

/// <summary>
/// Uniformly distributed (Haar measure) rotations from uniform unit quaternions, following Shoemake (1992),
/// "Uniform random rotations", Graphics Gems III. Deterministic for a given <see cref="Random"/> seed.
/// </summary>
public static class RandomRotations
{
    /// <summary>A uniform random unit quaternion (w, x, y, z).</summary>
    public static (double W, double X, double Y, double Z) NextQuaternion(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double u1 = random.NextDouble(), u2 = random.NextDouble(), u3 = random.NextDouble();
        double r1 = Math.Sqrt(1 - u1), r2 = Math.Sqrt(u1);
        (double s1, double c1) = Math.SinCos(2 * Math.PI * u2);
        (double s2, double c2) = Math.SinCos(2 * Math.PI * u3);
        return (r2 * c2, r1 * s1, r1 * c1, r2 * s2);
    }

    /// <summary>A uniform random rotation matrix.</summary>
    public static Matrix3 NextMatrix(Random random) => FromQuaternion(NextQuaternion(random));

    /// <summary>Uniform random Euler angles in RELION's canonical ranges.</summary>
    public static EulerAngles NextEulerAngles(Random random) => EulerAngles.FromMatrix(NextMatrix(random));

    /// <summary>Rotation matrix of a unit quaternion (w, x, y, z); the quaternion is normalised first.</summary>
    public static Matrix3 FromQuaternion((double W, double X, double Y, double Z) q)
    {
        double n = Math.Sqrt(q.W * q.W + q.X * q.X + q.Y * q.Y + q.Z * q.Z);
        if (!(n > 0) || double.IsInfinity(n))
            throw new InvalidParameterException("quaternion", $"must have a positive finite norm, got {n}.");
        double w = q.W / n, x = q.X / n, y = q.Y / n, z = q.Z / n;
        return new Matrix3(
            1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
            2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
            2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y));
    }
}
