using Concord.Core.Geometry;

namespace Concord.Core.Tests.Geometry;

public class SamplingAndDistanceTests
{
    [Theory]
    [InlineData("C1")]
    [InlineData("D7")]
    [InlineData("T")]
    [InlineData("I3")]
    public void PoseDistance_IsZeroForSymmetryMates_AndSymmetric(string name)
    {
        var group = PointGroup.Parse(name);
        var random = new Random(5);
        for (int i = 0; i < 20; i++)
        {
            var a = RandomRotations.NextMatrix(random);
            var b = RandomRotations.NextEulerAngles(random);
            var ea = EulerAngles.FromMatrix(a);
            var mate = EulerAngles.FromMatrix(a * group.Rotations[random.Next(group.Rotations.Count)]);
            Assert.True(AngularDistance.PoseDegrees(ea, mate, group) < 1e-5);
            Assert.True(AngularDistance.ViewingDirectionDegrees(ea, mate, group) < 1e-5);
            Assert.Equal(AngularDistance.PoseDegrees(ea, b, group), AngularDistance.PoseDegrees(b, ea, group), 6);
        }

        Assert.Equal(10, AngularDistance.PoseDegrees(new EulerAngles(0, 0, 0), new EulerAngles(0, 0, 10), PointGroup.C1), 9);
        Assert.Equal(0, AngularDistance.ViewingDirectionDegrees(new EulerAngles(20, 30, 0), new EulerAngles(20, 30, 77), PointGroup.C1), 9);
    }

    [Fact]
    public void C1At7Point5_HasRelionCounts_AndCoversTheSphere()
    {
        var sampling = OrientationSampling.Create(7.5, PointGroup.C1);
        Assert.Equal(3, sampling.HealpixOrder);
        Assert.Equal(768, sampling.Directions.Count);
        Assert.Equal(48, sampling.PsiCount);
        Assert.Equal(768L * 48, sampling.OrientationCount);
        var random = new Random(9);
        for (int i = 0; i < 2000; i++)
        {
            var d = RandomRotations.NextMatrix(random).Row(2);
            double nearest = sampling.Directions.Min(s => Vector3d.AngleDegrees(s, d));
            Assert.True(nearest < 7.5, $"direction {d} is {nearest}° from the sampling");
        }
    }

    [Theory]
    [InlineData("C4")]
    [InlineData("D5")]
    [InlineData("O")]
    [InlineData("I2")]
    public void AsymmetricUnit_KeepsAboutOneOrderthOfDirections_AndStillCovers(string name)
    {
        var group = PointGroup.Parse(name);
        var sampling = OrientationSampling.Create(3.75, group);
        double expected = (double)sampling.FullSphereDirectionCount / group.Order;
        Assert.InRange(sampling.Directions.Count, 0.9 * expected, 1.1 * expected + 5);
        var random = new Random(11);
        for (int i = 0; i < 300; i++)
        {
            var d = RandomRotations.NextMatrix(random).Row(2);
            double nearest = sampling.Directions.Min(s => AngularDistance.DirectionDegrees(s, d, group));
            Assert.True(nearest < 3.75, $"{name}: direction {d} is {nearest}° from the sampling");
        }
    }

    [Theory]
    [InlineData("C7")]
    [InlineData("D3")]
    [InlineData("T")]
    [InlineData("I1")]
    public void AsymmetricUnit_HoldsExactlyOneMemberOfEachOrbit(string name)
    {
        var group = PointGroup.Parse(name);
        var random = new Random(13);
        for (int i = 0; i < 2000; i++)
        {
            var d = RandomRotations.NextMatrix(random).Row(2);
            int inside = group.Rotations.Count(s => OrientationSampling.IsInAsymmetricUnit(s.Transpose() * d, group));
            Assert.Equal(1, inside);
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(200.0)]
    public void BadStep_Throws(double step) =>
        Assert.Throws<InvalidParameterException>(() => OrientationSampling.Create(step, PointGroup.C1));
}
