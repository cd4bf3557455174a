namespace Concord.Core.Geometry;

/// <summary>
/// RELION's ZYZ Euler angles in degrees: <see cref="Rot"/> (rlnAngleRot), <see cref="Tilt"/> (rlnAngleTilt),
/// <see cref="Psi"/> (rlnAnglePsi).
/// <para>
/// <see cref="ToMatrix"/> is RELION's <c>Euler_angles2matrix</c>: A = Rz(psi)·Ry(tilt)·Rz(rot) with the
/// coordinate-frame (passive) elementary rotations Rz(a) = [[cos a, sin a, 0], [−sin a, cos a, 0], [0, 0, 1]] and
/// Ry(b) = [[cos b, 0, −sin b], [0, 1, 0], [sin b, 0, cos b]]. A maps reference (volume) coordinates to the
/// particle/projection frame: p_image = A · r_volume, so the central slice of a projection samples the volume at
/// Aᵀ·(x, y, 0). The projection (beam) direction in volume coordinates is Aᵀ·ẑ, the third row of A:
/// (cos rot · sin tilt, sin rot · sin tilt, cos tilt); rot and tilt are the longitude and colatitude of the view.
/// </para>
/// </summary>
public readonly record struct EulerAngles(double Rot, double Tilt, double Psi)
{
    private const double DegToRad = Math.PI / 180.0;
    private const double RadToDeg = 180.0 / Math.PI;

    // RELION compares against 16·FLT_EPSILON (single-precision epsilon even in double builds); keep that threshold so
    // the same matrices fall into the degenerate branch.
    private const double FloatEpsilon = 1.1920928955078125e-7;

    public static EulerAngles Zero => new(0, 0, 0);

    /// <summary>RELION's <c>Euler_angles2matrix(rot, tilt, psi, A)</c>.</summary>
    public Matrix3 ToMatrix()
    {
        ThrowIfNotFinite();
        (double sa, double ca) = Math.SinCos(Rot * DegToRad);
        (double sb, double cb) = Math.SinCos(Tilt * DegToRad);
        (double sg, double cg) = Math.SinCos(Psi * DegToRad);
        double cc = cb * ca, cs = cb * sa, sc = sb * ca, ss = sb * sa;
        return new Matrix3(
            cg * cc - sg * sa, cg * cs + sg * ca, -cg * sb,
            -sg * cc - cg * sa, -sg * cs + cg * ca, sg * sb,
            sc, ss, cb);
    }

    /// <summary>
    /// RELION's <c>Euler_matrix2angles</c>. Results: rot, psi in (−180, 180], tilt in [0, 180]. When
    /// |sin tilt| ≤ 16·FLT_EPSILON (tilt ≈ 0 or 180) rot and psi are not separable; as RELION, rot is set to 0 and
    /// the whole in-plane rotation goes into psi.
    /// </summary>
    public static EulerAngles FromMatrix(Matrix3 a)
    {
        double absSinTilt = Math.Sqrt(a.M02 * a.M02 + a.M12 * a.M12);
        double rot, tilt, psi;
        if (absSinTilt > 16 * FloatEpsilon)
        {
            psi = Math.Atan2(a.M12, -a.M02);
            rot = Math.Atan2(a.M21, a.M20);
            double signSinTilt = Math.Abs(Math.Sin(psi)) < FloatEpsilon
                ? Sign(-a.M02 / Math.Cos(psi))
                : Math.Sin(psi) > 0 ? Sign(a.M12) : -Sign(a.M12);
            tilt = Math.Atan2(signSinTilt * absSinTilt, a.M22);
        }
        else if (Sign(a.M22) > 0)
        {
            rot = 0;
            tilt = 0;
            psi = Math.Atan2(-a.M10, a.M00);
        }
        else
        {
            rot = 0;
            tilt = Math.PI;
            psi = Math.Atan2(a.M10, -a.M00);
        }

        return new EulerAngles(rot * RadToDeg, tilt * RadToDeg, psi * RadToDeg);
    }

    /// <summary>Projection direction in volume coordinates (RELION's <c>Euler_angles2direction</c>): the third row of A.</summary>
    public Vector3d ProjectionDirection()
    {
        ThrowIfNotFinite();
        (double sa, double ca) = Math.SinCos(Rot * DegToRad);
        (double sb, double cb) = Math.SinCos(Tilt * DegToRad);
        return new Vector3d(ca * sb, sa * sb, cb);
    }

    /// <summary>
    /// (rot, tilt) of a unit direction as RELION's <c>Euler_direction2angles</c>: rot = atan2(y, x), tilt = acos(z),
    /// and rot forced to 0 when tilt is within 0.001° of 0 or 180.
    /// </summary>
    public static (double RotDegrees, double TiltDegrees) DirectionToAngles(Vector3d direction)
    {
        var v = direction.Normalized();
        double rot = Math.Atan2(v.Y, v.X) * RadToDeg;
        double tilt = Math.Acos(Math.Clamp(v.Z, -1, 1)) * RadToDeg;
        if (Math.Abs(tilt) < 0.001 || Math.Abs(tilt - 180) < 0.001)
            rot = 0;
        return (rot, tilt);
    }

    /// <summary>The same rotation expressed in RELION's canonical ranges (a round trip through the matrix).</summary>
    public EulerAngles Normalized() => FromMatrix(ToMatrix());

    private void ThrowIfNotFinite()
    {
        if (!double.IsFinite(Rot) || !double.IsFinite(Tilt) || !double.IsFinite(Psi))
            throw new InvalidParameterException("EulerAngles", $"angles must be finite degrees, got rot={Rot}, tilt={Tilt}, psi={Psi}.");
    }

    // RELION's SGN: zero counts as positive.
    private static double Sign(double x) => x >= 0 ? 1 : -1;

    public override string ToString() => $"(rot {Rot:F4}°, tilt {Tilt:F4}°, psi {Psi:F4}°)";
}
