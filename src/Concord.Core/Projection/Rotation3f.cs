using System.Runtime.CompilerServices;

namespace Concord.Core.Projection;

/// <summary>
/// A 3×3 rotation in single precision for the inner loops of projection and back-projection, row-major
/// (M00 M01 M02 / M10 …). Build it from the double-precision geometry types; RELION's Euler matrix A maps volume
/// coordinates to the image frame, and the projectors use its transpose to map image frequencies into the volume.
/// </summary>
public readonly struct Rotation3f
{
    public readonly float M00, M01, M02, M10, M11, M12, M20, M21, M22;

    public Rotation3f(float m00, float m01, float m02, float m10, float m11, float m12, float m20, float m21, float m22)
    {
        M00 = m00; M01 = m01; M02 = m02;
        M10 = m10; M11 = m11; M12 = m12;
        M20 = m20; M21 = m21; M22 = m22;
    }

    /// <summary>From nine row-major doubles.</summary>
    public static Rotation3f FromRowMajor(ReadOnlySpan<double> m)
    {
        if (m.Length != 9)
            throw new ShapeMismatchException($"Rotation3f: expected 9 row-major elements, got {m.Length}.");
        return new((float)m[0], (float)m[1], (float)m[2], (float)m[3], (float)m[4], (float)m[5], (float)m[6], (float)m[7], (float)m[8]);
    }

    /// <summary>Single-precision copy of a geometry matrix (e.g. <c>EulerAngles.ToMatrix()</c>).</summary>
    public static Rotation3f FromMatrix(in Geometry.Matrix3 m) =>
        new((float)m.M00, (float)m.M01, (float)m.M02, (float)m.M10, (float)m.M11, (float)m.M12, (float)m.M20, (float)m.M21, (float)m.M22);

    public static Rotation3f Identity => new(1, 0, 0, 0, 1, 0, 0, 0, 1);

    public Rotation3f Transposed => new(M00, M10, M20, M01, M11, M21, M02, M12, M22);

    /// <summary>Matrix product this · <paramref name="other"/>.</summary>
    public Rotation3f Multiply(in Rotation3f other) => new(
        M00 * other.M00 + M01 * other.M10 + M02 * other.M20, M00 * other.M01 + M01 * other.M11 + M02 * other.M21, M00 * other.M02 + M01 * other.M12 + M02 * other.M22,
        M10 * other.M00 + M11 * other.M10 + M12 * other.M20, M10 * other.M01 + M11 * other.M11 + M12 * other.M21, M10 * other.M02 + M11 * other.M12 + M12 * other.M22,
        M20 * other.M00 + M21 * other.M10 + M22 * other.M20, M20 * other.M01 + M21 * other.M11 + M22 * other.M21, M20 * other.M02 + M21 * other.M12 + M22 * other.M22);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (float X, float Y, float Z) Apply(float x, float y, float z) =>
        (M00 * x + M01 * y + M02 * z, M10 * x + M11 * y + M12 * z, M20 * x + M21 * y + M22 * z);
}
