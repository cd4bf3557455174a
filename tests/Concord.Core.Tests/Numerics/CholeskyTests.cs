using Concord.Core.Numerics;

namespace Concord.Core.Tests.Numerics;

public sealed class CholeskyTests
{
    [Fact]
    public void Solves_a_symmetric_positive_definite_system_reading_only_the_lower_triangle()
    {
        // A = [[4, 2, 0], [2, 5, 1], [0, 1, 3]], x = (1, −2, 3) ⇒ b = A·x = (0, −5, 7); the upper triangle is garbage.
        var a = new double[,] { { 4, 99, 99 }, { 2, 5, 99 }, { 0, 1, 3 } };
        var b = new double[] { 0, -5, 7 };
        Assert.True(Cholesky.TrySolveInPlace(a, b));
        Assert.Equal(1, b[0], 12);
        Assert.Equal(-2, b[1], 12);
        Assert.Equal(3, b[2], 12);
    }

    [Fact]
    public void Reports_an_indefinite_matrix_unless_pivots_are_floored()
    {
        Assert.False(Cholesky.TrySolveInPlace(new double[,] { { 1, 0 }, { 2, 1 } }, [1, 1]));
        var b = new double[] { 1, 1 };
        Assert.True(Cholesky.TrySolveInPlace(new double[,] { { 1, 0 }, { 2, 1 } }, b, pivotFloor: 1e-6));
        Assert.All(b, v => Assert.True(double.IsFinite(v)));
    }
}
