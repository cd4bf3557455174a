namespace Concord.Core.Geometry;

/// <summary>
/// A 3×3 matrix of doubles, row-major: <c>M[r, c]</c> is row r, column c, and <c>M * v</c> treats v as a column.
/// This is the layout of RELION's <c>Matrix2D</c>, so <c>A(i, j)</c> in RELION is <c>A[i, j]</c> here.
/// </summary>
public readonly struct Matrix3 : IEquatable<Matrix3>
{
    public readonly double M00, M01, M02, M10, M11, M12, M20, M21, M22;

    public Matrix3(double m00, double m01, double m02, double m10, double m11, double m12, double m20, double m21, double m22)
    {
        M00 = m00; M01 = m01; M02 = m02;
        M10 = m10; M11 = m11; M12 = m12;
        M20 = m20; M21 = m21; M22 = m22;
    }

    public static Matrix3 Identity => new(1, 0, 0, 0, 1, 0, 0, 0, 1);

    public double this[int row, int column] => (row, column) switch
    {
        (0, 0) => M00,
        (0, 1) => M01,
        (0, 2) => M02,
        (1, 0) => M10,
        (1, 1) => M11,
        (1, 2) => M12,
        (2, 0) => M20,
        (2, 1) => M21,
        (2, 2) => M22,
        _ => throw new InvalidParameterException("Matrix3 index", $"({row}, {column}) is outside 0..2."),
    };

    public Vector3d Row(int row) => new(this[row, 0], this[row, 1], this[row, 2]);

    public Vector3d Column(int column) => new(this[0, column], this[1, column], this[2, column]);

    public Matrix3 Transpose() => new(M00, M10, M20, M01, M11, M21, M02, M12, M22);

    public double Determinant =>
        M00 * (M11 * M22 - M12 * M21) - M01 * (M10 * M22 - M12 * M20) + M02 * (M10 * M21 - M11 * M20);

    public double Trace => M00 + M11 + M22;

    /// <summary>Rotation by <paramref name="angleDegrees"/> about <paramref name="axis"/>, right-handed (counter-clockwise
    /// looking down the axis towards the origin): it moves vectors (active), the opposite sense of <see cref="EulerAngles"/>' Rz.</summary>
    public static Matrix3 FromAxisAngle(Vector3d axis, double angleDegrees)
    {
        var u = axis.Normalized();
        double a = angleDegrees * (Math.PI / 180.0);
        (double s, double c) = Math.SinCos(a);
        double t = 1 - c;
        return new Matrix3(
            t * u.X * u.X + c, t * u.X * u.Y - s * u.Z, t * u.X * u.Z + s * u.Y,
            t * u.X * u.Y + s * u.Z, t * u.Y * u.Y + c, t * u.Y * u.Z - s * u.X,
            t * u.X * u.Z - s * u.Y, t * u.Y * u.Z + s * u.X, t * u.Z * u.Z + c);
    }

    /// <summary>Reflection through the plane through the origin with normal <paramref name="normal"/> (I − 2nnᵀ).</summary>
    public static Matrix3 Reflection(Vector3d normal)
    {
        var n = normal.Normalized();
        return new Matrix3(
            1 - 2 * n.X * n.X, -2 * n.X * n.Y, -2 * n.X * n.Z,
            -2 * n.Y * n.X, 1 - 2 * n.Y * n.Y, -2 * n.Y * n.Z,
            -2 * n.Z * n.X, -2 * n.Z * n.Y, 1 - 2 * n.Z * n.Z);
    }

    /// <summary>Rotation angle in degrees (0..180) of a proper rotation matrix, from its trace (clamped against rounding).</summary>
    public double RotationAngleDegrees()
    {
        // acos of the trace is ill-conditioned near 0°; use the antisymmetric part for the sine so small angles stay exact.
        double cos = (Trace - 1) / 2;
        double sx = M21 - M12, sy = M02 - M20, sz = M10 - M01;
        double sin = Math.Sqrt(sx * sx + sy * sy + sz * sz) / 2;
        return Math.Atan2(sin, cos) * (180.0 / Math.PI);
    }

    /// <summary>Largest absolute element-wise difference.</summary>
    public double MaxAbsDifference(Matrix3 other)
    {
        double max = 0;
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++)
                max = Math.Max(max, Math.Abs(this[r, c] - other[r, c]));
        return max;
    }

    public bool ApproximatelyEquals(Matrix3 other, double tolerance) => MaxAbsDifference(other) <= tolerance;

    public static Matrix3 operator *(Matrix3 a, Matrix3 b) => new(
        a.M00 * b.M00 + a.M01 * b.M10 + a.M02 * b.M20, a.M00 * b.M01 + a.M01 * b.M11 + a.M02 * b.M21, a.M00 * b.M02 + a.M01 * b.M12 + a.M02 * b.M22,
        a.M10 * b.M00 + a.M11 * b.M10 + a.M12 * b.M20, a.M10 * b.M01 + a.M11 * b.M11 + a.M12 * b.M21, a.M10 * b.M02 + a.M11 * b.M12 + a.M12 * b.M22,
        a.M20 * b.M00 + a.M21 * b.M10 + a.M22 * b.M20, a.M20 * b.M01 + a.M21 * b.M11 + a.M22 * b.M21, a.M20 * b.M02 + a.M21 * b.M12 + a.M22 * b.M22);

    public static Vector3d operator *(Matrix3 m, Vector3d v) => new(
        m.M00 * v.X + m.M01 * v.Y + m.M02 * v.Z,
        m.M10 * v.X + m.M11 * v.Y + m.M12 * v.Z,
        m.M20 * v.X + m.M21 * v.Y + m.M22 * v.Z);

    public Vector3d Apply(Vector3d v) => this * v;

    public bool Equals(Matrix3 other) => MaxAbsDifference(other) == 0;
    public override bool Equals(object? obj) => obj is Matrix3 m && Equals(m);
    public override int GetHashCode() => HashCode.Combine(M00, M01, M02, M10, M11, M12, M20, HashCode.Combine(M21, M22));
    public static bool operator ==(Matrix3 a, Matrix3 b) => a.Equals(b);
    public static bool operator !=(Matrix3 a, Matrix3 b) => !a.Equals(b);

    public override string ToString() =>
        $"[[{M00:G6}, {M01:G6}, {M02:G6}], [{M10:G6}, {M11:G6}, {M12:G6}], [{M20:G6}, {M21:G6}, {M22:G6}]]";
}
