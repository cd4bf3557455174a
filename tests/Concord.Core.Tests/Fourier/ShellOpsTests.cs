using Concord.Core.Fourier;

namespace Concord.Core.Tests.Fourier;

public class ShellOpsTests
{
    [Theory]
    [InlineData(16, 16, 1)]
    [InlineData(15, 15, 1)]
    [InlineData(16, 12, 1)]
    [InlineData(10, 10, 10)]
    [InlineData(9, 9, 9)]
    public void CountPerShell_EqualsABruteForceCountOverTheFullSpectrum(int nx, int ny, int nz)
    {
        var shape = new FftShape(nx, ny, nz);
        var expected = new long[FourierLayout.ShellCount(shape)];
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    int kx = FourierLayout.FrequencyOfIndex(x, nx);
                    double r = Math.Sqrt((kx * (double)kx)
                        + Math.Pow(FourierLayout.FrequencyOfIndex(y, ny) * (double)nx / ny, 2)
                        + (nz > 1 ? Math.Pow(FourierLayout.FrequencyOfIndex(z, nz) * (double)nx / nz, 2) : 0));
                    int shell = (int)Math.Round(r);
                    if (shell < expected.Length)
                        expected[shell]++;
                }
        Assert.Equal(expected, FourierShells.CountPerShell(shape));
    }

    [Fact]
    public void ShellMask_And_IndexMap_AgreeWithLayout()
    {
        var shape = new FftShape(12, 12);
        var mask = new float[shape.ComplexLength];
        FourierShells.FillShellMask(mask, shape, 2, 4);
        var map = FourierShells.ShellIndexMap(shape);
        for (int i = 0; i < mask.Length; i++)
            Assert.Equal(map[i] is >= 2 and <= 4 ? 1f : 0f, mask[i]);
        Assert.Equal(5, map[FourierLayout.HalfComplexIndex(3, -4, 0, shape)]);
        Assert.Equal(-1, map[FourierLayout.HalfComplexIndex(6, 6, 0, shape)]);
        Assert.Equal(1, FourierShells.ElementWeight(6, shape));
        Assert.Equal(2, FourierShells.ElementWeight(5, shape));
        Assert.Equal(2, FourierShells.ElementWeight(5, new FftShape(11, 11)));
        Assert.Equal(0.25, FourierShells.ShellFrequencies(shape, 2.0)[6], 1e-12);
    }

    [Fact]
    public void BadInput_ThrowsSpecificExceptions()
    {
        var shape = new FftShape(8, 8);
        Assert.Throws<InvalidParameterException>(() => FourierShells.FillShellMask(new float[shape.ComplexLength], shape, 3, 2));
        Assert.Throws<ShapeMismatchException>(() => FourierShells.FillShellMask(new float[4], shape, 0, 2));
        Assert.Throws<InvalidParameterException>(() => FourierShells.ShellFrequencies(shape, -1));
    }
}
