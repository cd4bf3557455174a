namespace Concord.Core.Geometry;

/// <summary>A 3-vector of doubles (x, y, z); System.Numerics vectors are float and too coarse for composing rotations.</summary>
public readonly record struct Vector3d(double X, double Y, double Z)
{
    public static Vector3d Zero => new(0, 0, 0);
    public static Vector3d UnitX => new(1, 0, 0);
    public static Vector3d UnitY => new(0, 1, 0);
    public static Vector3d UnitZ => new(0, 0, 1);

    public double Length => Math.Sqrt(X * X + Y * Y + Z * Z);

    public double Dot(Vector3d other) => X * other.X + Y * other.Y + Z * other.Z;

    public Vector3d Cross(Vector3d o) => new(Y * o.Z - Z * o.Y, Z * o.X - X * o.Z, X * o.Y - Y * o.X);

    /// <summary>This vector scaled to unit length; throws for a zero or non-finite vector, which has no direction.</summary>
    public Vector3d Normalized()
    {
        double length = Length;
        if (!(length > 0) || double.IsInfinity(length))
            throw new InvalidParameterException("Vector3d", $"cannot normalise {this}: its length is {length}.");
        return new Vector3d(X / length, Y / length, Z / length);
    }

    /// <summary>Angle between two vectors in degrees, computed with atan2 so it stays accurate near 0° and 180°.</summary>
    public static double AngleDegrees(Vector3d a, Vector3d b) =>
        Math.Atan2(a.Cross(b).Length, a.Dot(b)) * (180.0 / Math.PI);

    public static Vector3d operator +(Vector3d a, Vector3d b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
    public static Vector3d operator -(Vector3d a, Vector3d b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);
    public static Vector3d operator -(Vector3d a) => new(-a.X, -a.Y, -a.Z);
    public static Vector3d operator *(double s, Vector3d a) => new(s * a.X, s * a.Y, s * a.Z);
}
