using Concord.Core.Fourier;

namespace Concord.Preprocess.Tests.Infrastructure;

public class Radix2FftBackendTests
{
    [Theory]
    [InlineData(8, 8)]
    [InlineData(16, 4)]
    [InlineData(4, 32)]
    [InlineData(50, 12)]
    [InlineData(6, 30)]
    public void Matches_the_reference_DFT_forward_and_inverse(int nx, int ny)
    {
        var shape = new FftShape(nx, ny);
        var random = new Random(nx * 100 + ny);
        var real = Enumerable.Range(0, shape.RealLength).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var expected = new Complex32[shape.ComplexLength];
        var actual = new Complex32[shape.ComplexLength];
        using var reference = new ReferenceDftBackend();
        using var radix2 = new Radix2FftBackend();
        reference.GetPlan(shape).Forward(real, expected);
        radix2.GetPlan(shape).Forward(real, actual);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Re, actual[i].Re, 1e-4);
            Assert.Equal(expected[i].Im, actual[i].Im, 1e-4);
        }
        var back = new float[shape.RealLength];
        radix2.GetPlan(shape).Inverse(actual, back);
        for (int i = 0; i < real.Length; i++)
            Assert.Equal(real[i], back[i], 1e-5);
    }
}
