using Concord.Core.Fourier;
using Concord.Core.Kernels;

namespace Concord.Core.Tests.Kernels;

public class ComplexKernelsTests
{
    private static Complex32[] RandomComplex(Random rng, int n)
    {
        var values = new Complex32[n];
        for (int i = 0; i < n; i++)
            values[i] = new Complex32((float)((rng.NextDouble() * 4) - 2), (float)((rng.NextDouble() * 4) - 2));
        return values;
    }

    [Fact]
    public void MultiplyConjugate_MatchesPlainLoop_ForEveryLengthUpTo256()
    {
        var rng = new Random(11);
        for (int n = 1; n <= 256; n++)
        {
            var a = RandomComplex(rng, n);
            var b = RandomComplex(rng, n);
            var result = new Complex32[n];
            ComplexKernels.MultiplyConjugate(a, b, result);
            for (int i = 0; i < n; i++)
            {
                double re = ((double)a[i].Re * b[i].Re) + ((double)a[i].Im * b[i].Im);
                double im = ((double)a[i].Re * b[i].Im) - ((double)a[i].Im * b[i].Re);
                Assert.Equal(re, result[i].Re, 1e-5);
                Assert.Equal(im, result[i].Im, 1e-5);
            }
        }
    }

    [Fact]
    public void MultiplyConjugate_AllowsDestinationToAliasInput()
    {
        var rng = new Random(12);
        var a = RandomComplex(rng, 37);
        var b = RandomComplex(rng, 37);
        var expected = new Complex32[37];
        ComplexKernels.MultiplyConjugate(a, b, expected);
        ComplexKernels.MultiplyConjugate(a, b, a);
        Assert.Equal(expected, a);
    }

    [Fact]
    public void MultiplyByReal_MatchesPlainLoop_ForEveryLengthUpTo256()
    {
        var rng = new Random(13);
        for (int n = 1; n <= 256; n++)
        {
            var values = RandomComplex(rng, n);
            var original = (Complex32[])values.Clone();
            var factors = new float[n];
            for (int i = 0; i < n; i++)
                factors[i] = (float)(rng.NextDouble() - 0.5);
            ComplexKernels.MultiplyByReal(values, factors);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal((double)original[i].Re * factors[i], values[i].Re, 1e-6);
                Assert.Equal((double)original[i].Im * factors[i], values[i].Im, 1e-6);
            }
        }
    }

    [Fact]
    public void MagnitudeSquared_IsRePlusIm()
    {
        var values = new[] { new Complex32(3, 4), new Complex32(-1, 2) };
        var power = new float[2];
        ComplexKernels.MagnitudeSquared(values, power);
        Assert.Equal([25f, 5f], power);
    }

    [Fact]
    public void LengthMismatch_Throws()
    {
        Assert.Throws<ShapeMismatchException>(() => ComplexKernels.MultiplyConjugate(new Complex32[4], new Complex32[5], new Complex32[4]));
        Assert.Throws<ShapeMismatchException>(() => ComplexKernels.MultiplyByReal(new Complex32[4], new float[3]));
    }
}
