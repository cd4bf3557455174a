using Concord.Core.Imaging;

namespace Concord.Core.Tests.Imaging;

public class WindowingTests
{
    private static Image2D Ramp(int w, int h)
    {
        var image = new Image2D(w, h, 1.3);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                image[x, y] = (1000 * y) + x;
        return image;
    }

    [Theory]
    [InlineData(10, 8, 6, 4)]
    [InlineData(11, 9, 6, 5)]
    [InlineData(10, 8, 15, 13)]
    [InlineData(9, 9, 16, 4)]
    public void Window_MapsCentreToCentreAndFills(int w, int h, int nw, int nh)
    {
        using var image = Ramp(w, h);
        using var windowed = Windowing.Window(image, nw, nh, fill: -7f);
        Assert.Equal(1.3, windowed.PixelSizeA);
        Assert.Equal(image[w / 2, h / 2], windowed[nw / 2, nh / 2]);
        for (int y = 0; y < nh; y++)
            for (int x = 0; x < nw; x++)
            {
                int sx = x - (nw / 2) + (w / 2), sy = y - (nh / 2) + (h / 2);
                float expected = sx >= 0 && sx < w && sy >= 0 && sy < h ? image[sx, sy] : -7f;
                Assert.Equal(expected, windowed[x, y]);
            }
    }

    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    public void PadThenCrop_IsIdentity_3D(int n)
    {
        var rng = new Random(n);
        using var volume = Volume.Cube(n, 2.0);
        var span = volume.Span;
        for (int i = 0; i < span.Length; i++)
            span[i] = (float)rng.NextDouble();
        using var padded = Windowing.Window(volume, n + 5);
        using var back = Windowing.Window(padded, n);
        Assert.Equal(volume.Span.ToArray(), back.Span.ToArray());
        Assert.Equal(volume[n / 2, n / 2, n / 2], padded[(n + 5) / 2, (n + 5) / 2, (n + 5) / 2]);
        Assert.Equal(0f, padded[0, 0, 0]);
    }

    [Fact]
    public void Window_WrongSpanLength_Throws()
    {
        Assert.Throws<ShapeMismatchException>(() => Windowing.Window(new float[10], new Core.Fourier.FftShape(3, 3), new float[4], new Core.Fourier.FftShape(2, 2)));
        Assert.Throws<InvalidDimensionsException>(() => Windowing.Window(new Image2D(4, 4), 0, 4));
    }
}
