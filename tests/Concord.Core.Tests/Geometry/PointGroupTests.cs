using Concord.Core.Geometry;

namespace Concord.Core.Tests.Geometry;

public class PointGroupTests
{
    public static TheoryData<string, int> Orders()
    {
        var data = new TheoryData<string, int>();
        for (int n = 1; n <= 12; n++)
            data.Add($"C{n}", n);
        for (int n = 2; n <= 10; n++)
            data.Add($"D{n}", 2 * n);
        data.Add("T", 12);
        data.Add("O", 24);
        data.Add("I", 60);
        data.Add("I1", 60);
        data.Add("I2", 60);
        data.Add("I3", 60);
        data.Add("I4", 60);
        data.Add("Ci", 2);
        data.Add("Cs", 2);
        data.Add("C4v", 8);
        data.Add("C3h", 6);
        data.Add("S4", 4);
        data.Add("D3v", 12);
        data.Add("D6h", 24);
        data.Add("Td", 24);
        data.Add("Th", 24);
        data.Add("Oh", 48);
        data.Add("Ih", 120);
        data.Add("I3h", 120);
        return data;
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public void Group_HasRelionOrder_IsClosed_AndOrthogonal(string name, int order)
    {
        var group = PointGroup.Parse(name);
        Assert.Equal(order, group.Order);
        Assert.True(group.Operators[0].MaxAbsDifference(Matrix3.Identity) == 0);
        foreach (var a in group.Operators)
        {
            Assert.True((a * a.Transpose()).MaxAbsDifference(Matrix3.Identity) < 1e-12);
            Assert.Equal(1.0, Math.Abs(a.Determinant), 12);
            foreach (var b in group.Operators)
                Assert.Contains(group.Operators, c => c.MaxAbsDifference(a * b) < 1e-9);
        }
    }

    [Fact]
    public void NamesAreCaseInsensitive_AndIMeansI2()
    {
        Assert.Equal("C7", PointGroup.Parse("c7").Name);
        Assert.Equal("I2", PointGroup.Parse("i").Name);
        Assert.Equal("D5", PointGroup.Parse(" d5 ").Name);
    }

    [Theory]
    [InlineData("X3")]
    [InlineData("C0")]
    [InlineData("S3")]
    [InlineData("I5")]
    [InlineData("C123")]
    [InlineData("")]
    public void UnknownName_ThrowsNamingIt(string name)
    {
        var ex = Assert.Throws<InvalidParameterException>(() => PointGroup.Parse(name));
        Assert.Contains($"'{name}'", ex.Message);
    }

    [Fact]
    public void CnAxisIsZ_DnTwoFoldIsX()
    {
        Assert.True(HasAxis(PointGroup.Parse("C5"), Vector3d.UnitZ, 5));
        Assert.True(HasAxis(PointGroup.Parse("D5"), Vector3d.UnitX, 2));
        Assert.True(HasAxis(PointGroup.Parse("T"), Vector3d.UnitZ, 3));
        Assert.True(HasAxis(PointGroup.Parse("O"), Vector3d.UnitX, 4));
    }

    [Fact]
    public void IcosahedralSettings_MatchRelionDocumentation()
    {
        double phi = (1 + Math.Sqrt(5)) / 2;
        var i1 = PointGroup.Parse("I1");
        var i2 = PointGroup.Parse("I2");
        var i3 = PointGroup.Parse("I3");
        var i4 = PointGroup.Parse("I4");
        // I1 and I2: 2-folds on x, y and z (Crowther's 222 settings); their 5-folds lie in the x-z plane at
        // (φ, 0, ±1) for I1 and (±1, 0, φ) for I2, i.e. I1 is I2 turned 90° about y.
        foreach (var g in new[] { i1, i2 })
            foreach (var axis in new[] { Vector3d.UnitX, Vector3d.UnitY, Vector3d.UnitZ })
                Assert.True(HasAxis(g, axis, 2), g.Name);
        Assert.True(HasAxis(i1, new Vector3d(phi, 0, 1), 5));
        Assert.True(HasAxis(i2, new Vector3d(1, 0, phi), 5));
        Assert.False(HasAxis(i2, new Vector3d(phi, 0, 1), 5));
        // RELION lists these 3-fold axes to about 8 significant digits, hence the looser tolerance.
        // I3 and I4: a 5-fold on z and along (2, 0, 1) respectively (the 5-fold settings).
        Assert.True(HasAxis(i3, Vector3d.UnitZ, 5));
        Assert.True(HasAxis(i4, new Vector3d(2, 0, 1), 5));
        Assert.True(HasAxis(i3, new Vector3d(-1, 0, phi), 2));
        Assert.True(HasAxis(i4, new Vector3d(1, 0, phi), 2));
        Assert.True(HasAxis(i3, new Vector3d(-0.4911234778630044, 0.3568220764705179, 0.7946544753759428), 3, 1e-7));
        Assert.True(HasAxis(i4, new Vector3d(0.4911234778630044, 0.3568220764705179, 0.7946544753759428), 3, 1e-7));
        var turnY = Matrix3.FromAxisAngle(Vector3d.UnitY, 90);
        Assert.True(SameSet(i1.Operators, i2.Operators.Select(s => turnY * s * turnY.Transpose()).ToList()));
        Assert.False(SameSet(i1.Operators, i2.Operators));
        Assert.False(SameSet(i3.Operators, i4.Operators));
    }

    private static bool HasAxis(PointGroup group, Vector3d axis, int fold, double tolerance = 1e-9) =>
        group.Operators.Any(s => s.MaxAbsDifference(Matrix3.FromAxisAngle(axis, 360.0 / fold)) < tolerance);

    private static bool SameSet(IReadOnlyList<Matrix3> a, IReadOnlyList<Matrix3> b) =>
        a.Count == b.Count && a.All(x => b.Any(y => y.MaxAbsDifference(x) < 1e-9));
}
