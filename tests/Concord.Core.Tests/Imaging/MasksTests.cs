using Concord.Core.Imaging;

namespace Concord.Core.Tests.Imaging;

public class MasksTests
{
    [Fact]
    public void SoftCircle_IsOneInsideZeroOutsideAndSmoothBetween()
    {
        const int n = 48;
        const double radius = 12, edge = 6;
        using var mask = Masks.CreateSoftCircle(n, n, radius, edge);
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                double r = Math.Sqrt(((x - 24.0) * (x - 24)) + ((y - 24.0) * (y - 24)));
                float m = mask[x, y];
                if (r <= radius)
                    Assert.Equal(1f, m);
                else if (r >= radius + edge)
                    Assert.Equal(0f, m);
                else
                {
                    Assert.InRange(m, 0f, 1f);
                    Assert.Equal(0.5 * (1 + Math.Cos(Math.PI * (r - radius) / edge)), m, 1e-6);
                }
            }
        Assert.Equal(0.5f, Masks.SoftEdgeValue(radius + (edge / 2), radius, edge), 1e-6f);
        // Along a ray the mask decreases monotonically and is continuous (steps bounded by the cosine slope).
        for (double r = 0; r < 20; r += 0.1)
        {
            float a = Masks.SoftEdgeValue(r, radius, edge), b = Masks.SoftEdgeValue(r + 0.1, radius, edge);
            Assert.True(b <= a);
            Assert.True(a - b <= (Math.PI / (2 * edge) * 0.1) + 1e-6);
        }
    }

    [Fact]
    public void SoftSphere_HardEdge_AndVolumeCentre()
    {
        using var mask = Masks.CreateSoftSphere(11, 3, 0);
        Assert.Equal(1f, mask[5, 5, 5]);
        Assert.Equal(1f, mask[8, 5, 5]);
        Assert.Equal(0f, mask[9, 5, 5]);
        Assert.Equal(0f, mask[0, 0, 0]);
    }

    [Fact]
    public void Apply_BlendsTowardsTheChosenBackground()
    {
        using var image = new Image2D(32, 32);
        image.Span.Fill(4f);
        float background = Masks.ApplySoftCircle(image, 8, 4, MaskFill.OutsideMean);
        Assert.Equal(4f, background, 1e-5f);
        Assert.All(image.Span.ToArray(), v => Assert.Equal(4f, v, 1e-5f));

        Masks.ApplySoftCircle(image, 8, 4, MaskFill.Constant, constant: -1f);
        Assert.Equal(4f, image[16, 16]);
        Assert.Equal(-1f, image[0, 0]);
        Assert.Equal(1.5f, image[16 + 10, 16], 1e-5f);

        Masks.ApplySoftCircle(image, 8, 4);
        Assert.Equal(0f, image[0, 0]);
    }

    [Fact]
    public void BadInput_ThrowsSpecificExceptions()
    {
        using var image = new Image2D(8, 8);
        Assert.Throws<InvalidParameterException>(() => Masks.ApplySoftCircle(image, -1, 2));
        Assert.Throws<InvalidParameterException>(() => Masks.ApplySoftCircle(image, 3, double.NaN));
        Assert.Throws<InvalidParameterException>(() => Masks.ApplySoftCircle(image, 20, 2, MaskFill.OutsideMean));
        Assert.Throws<ShapeMismatchException>(() => Masks.FillSoftSphere(new float[5], new Core.Fourier.FftShape(2, 2), 1, 1));
    }
}
