using Concord.Core.Geometry;

namespace Concord.Core.Tests.Geometry;

public class EulerAnglesTests
{
    [Fact]
    public void MatrixToAnglesToMatrix_RoundTripsTenThousandRandomRotations()
    {
        var random = new Random(20261124);
        for (int i = 0; i < 10_000; i++)
        {
            var m = RandomRotations.NextMatrix(random);
            var angles = EulerAngles.FromMatrix(m);
            Assert.True(angles.ToMatrix().MaxAbsDifference(m) < 1e-9, $"rotation {i}: {angles}");
            Assert.InRange(angles.Tilt, 0, 180);
            Assert.InRange(angles.Rot, -180, 180);
            Assert.InRange(angles.Psi, -180, 180);
        }
    }

    [Fact]
    public void RotOnly90_MatchesRelionFormulaByHand()
    {
        // ca=0, sa=1, cb=1, sb=0, cg=1, sg=0: A = [[0, 1, 0], [-1, 0, 0], [0, 0, 1]].
        var a = new EulerAngles(90, 0, 0).ToMatrix();
        Assert.True(a.MaxAbsDifference(new Matrix3(0, 1, 0, -1, 0, 0, 0, 0, 1)) < 1e-15, a.ToString());
        // Tilt 90 only: A = [[0, 0, -1], [0, 1, 0], [1, 0, 0]]; the view direction (third row) is +x.
        var t = new EulerAngles(0, 90, 0).ToMatrix();
        Assert.True(t.MaxAbsDifference(new Matrix3(0, 0, -1, 0, 1, 0, 1, 0, 0)) < 1e-15, t.ToString());
    }

    [Fact]
    public void Matrix_IsRzPsi_Ry_Tilt_RzRot_Composition()
    {
        var random = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            var e = new EulerAngles(random.NextDouble() * 360 - 180, random.NextDouble() * 180, random.NextDouble() * 360 - 180);
            var composed = new EulerAngles(0, 0, e.Psi).ToMatrix() * new EulerAngles(0, e.Tilt, 0).ToMatrix() * new EulerAngles(e.Rot, 0, 0).ToMatrix();
            Assert.True(composed.MaxAbsDifference(e.ToMatrix()) < 1e-12);
            Assert.Equal(1.0, e.ToMatrix().Determinant, 12);
        }
    }

    [Fact]
    public void ProjectionDirection_IsThirdRowOfMatrix_AndDirectionAnglesInvert()
    {
        var e = new EulerAngles(30, 50, 70);
        var d = e.ProjectionDirection();
        var row = e.ToMatrix().Row(2);
        Assert.True((d - row).Length < 1e-15);
        Assert.True((e.ToMatrix().Transpose() * Vector3d.UnitZ - d).Length < 1e-15);
        var (rot, tilt) = EulerAngles.DirectionToAngles(d);
        Assert.Equal(30, rot, 10);
        Assert.Equal(50, tilt, 10);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(180.0)]
    [InlineData(1e-9)]
    public void DegenerateTilt_PutsInPlaneRotationInPsi(double tilt)
    {
        var e = new EulerAngles(40, tilt, 25);
        var back = EulerAngles.FromMatrix(e.ToMatrix());
        Assert.Equal(0, back.Rot);
        Assert.True(back.ToMatrix().MaxAbsDifference(e.ToMatrix()) < 1e-8);
        Assert.Equal(tilt > 90 ? 180 : 0, back.Tilt, 10);
    }

    [Fact]
    public void Composition_OfMatricesMatchesAxisAngleComposition()
    {
        var r1 = Matrix3.FromAxisAngle(new Vector3d(1, 2, 3), 37);
        var r2 = Matrix3.FromAxisAngle(new Vector3d(-1, 0.5, 2), 81);
        var product = r1 * r2;
        var v = new Vector3d(0.3, -0.7, 0.2);
        Assert.True((product * v - r1 * (r2 * v)).Length < 1e-15);
        Assert.True((product * product.Transpose()).MaxAbsDifference(Matrix3.Identity) < 1e-14);
        Assert.Equal(37, r1.RotationAngleDegrees(), 10);
        var roundTrip = EulerAngles.FromMatrix(product).ToMatrix();
        Assert.True(roundTrip.MaxAbsDifference(product) < 1e-12);
    }

    [Fact]
    public void NonFiniteAngles_Throw()
    {
        Assert.Throws<InvalidParameterException>(() => new EulerAngles(double.NaN, 0, 0).ToMatrix());
        Assert.Throws<InvalidParameterException>(() => Vector3d.Zero.Normalized());
    }

    [Fact]
    public void PoseOrigin_IsShiftThatCentresTheParticle()
    {
        var pose = new Pose(0, 0, 0, originXA: 6, originYA: -3);
        var (x, y) = pose.ParticleCentrePx(64, 64, pixelSizeA: 1.5);
        Assert.Equal(32 - 4, x, 12);
        Assert.Equal(32 + 2, y, 12);
        var (sx, sy) = pose.CentringShiftPx(1.5);
        Assert.Equal(32, x + sx, 12);
        Assert.Equal(32, y + sy, 12);
        Assert.Throws<InvalidParameterException>(() => pose.CentringShiftPx(0));
    }
}
