using Concord.Core.Geometry;
using Concord.Core.Imaging;

namespace Concord.Core.Tests.Geometry;

public class ImageRotationTests
{
    [Theory]
    [InlineData(Interpolation.Bilinear, 0.0)]
    [InlineData(Interpolation.CubicBSpline, 2e-5)]
    public void QuarterTurn_IsPixelPermutation(Interpolation interpolation, double tolerance)
    {
        const int n = 16;
        var random = new Random(1);
        using var source = new Image2D(n, n);
        for (int i = 0; i < source.Length; i++)
            source.Span[i] = (float)random.NextDouble();
        using var destination = new Image2D(n, n);
        ImageRotation.Rotate(source, destination, 90, interpolation: interpolation, outsideValue: -7);
        int c = n / 2;
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                // Content at q moves to c + R(90°)(q − c): q = (c + (y − c), c − (x − c)).
                int qx = y, qy = 2 * c - x;
                float expected = qy < n ? source[qx, qy] : -7;
                Assert.True(Math.Abs(destination[x, y] - expected) <= tolerance, $"({x}, {y}): {destination[x, y]} vs {expected}");
            }
    }

    [Theory]
    [InlineData(Interpolation.Bilinear, 0.06)]
    [InlineData(Interpolation.CubicBSpline, 1e-3)]
    public void RotateThenRotateBack_RecoversBandLimitedImage(Interpolation interpolation, double maxError)
    {
        const int n = 64;
        using var source = new Image2D(n, n);
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                double dx = x - n / 2, dy = y - n / 2;
                source[x, y] = (float)(Math.Exp(-(dx * dx + dy * dy) / (2 * 36.0)) * Math.Cos(0.4 * dx + 0.2 * dy));
            }

        using var rotated = new Image2D(n, n);
        using var back = new Image2D(n, n);
        ImageRotation.Rotate(source, rotated, 23.5, interpolation: interpolation);
        ImageRotation.Rotate(rotated, back, -23.5, interpolation: interpolation);
        double worst = 0;
        for (int y = 16; y < 48; y++)
            for (int x = 16; x < 48; x++)
                worst = Math.Max(worst, Math.Abs(back[x, y] - source[x, y]));
        Assert.True(worst < maxError, $"worst error {worst}");
    }

    [Fact]
    public void Shift_MovesContentByWholePixels()
    {
        using var source = new Image2D(8, 8);
        source[3, 4] = 1;
        using var destination = new Image2D(8, 8);
        ImageRotation.Rotate(source, destination, 0, 2, -1, Interpolation.CubicBSpline);
        Assert.Equal(1, destination[5, 3], 5);
        Assert.Equal(0, destination[3, 4], 5);
    }

    [Fact]
    public void BadInput_Throws()
    {
        using var a = new Image2D(8, 8);
        using var b = new Image2D(8, 9);
        Assert.Throws<ShapeMismatchException>(() => ImageRotation.Rotate(a, b, 10));
        Assert.Throws<InvalidParameterException>(() => ImageRotation.Rotate(a, a, 10));
        using var c = new Image2D(8, 8);
        Assert.Throws<InvalidParameterException>(() => ImageRotation.Rotate(a, c, double.NaN));
    }
}
