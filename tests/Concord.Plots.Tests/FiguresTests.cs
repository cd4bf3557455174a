using Concord.Plots;

namespace Concord.Plots.Tests;

public sealed class FiguresTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("concord-plots-").FullName;

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("CONCORD_KEEP_TEST_FILES") is null)
            Directory.Delete(_dir, recursive: true);
    }

    private static void AssertPng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 2000, $"{path} is only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
    }

    [Fact]
    public void Curves_with_resolution_axis_render_to_png_and_svg()
    {
        var x = Enumerable.Range(0, 50).Select(i => i / 100.0).ToArray();
        var y = x.Select(f => 1 / (1 + Math.Exp((f - 0.3) * 30))).ToArray();
        string png = Path.Combine(_dir, "fsc.png"), svg = Path.Combine(_dir, "fsc.svg");
        foreach (var path in new[] { png, svg })
            Figures.SaveCurves(path, "FSC", "resolution (Å)", "FSC", [new Series("half maps", x, y)],
                [new Threshold(0.143, "0.143"), new Threshold(0.5, "0.5")], resolutionAxis: true, yRange: (-0.1, 1.05));
        AssertPng(png);
        Assert.Contains("<svg", File.ReadAllText(svg), StringComparison.Ordinal);
    }

    [Fact]
    public void Histogram_and_image_render()
    {
        var random = new Random(1);
        string hist = Path.Combine(_dir, "h.png"), image = Path.Combine(_dir, "i.png");
        Figures.SaveHistogram(hist, "defocus", "µm", Enumerable.Range(0, 500).Select(_ => random.NextDouble() * 3).ToArray(), markers: [(1.5, "median")]);
        var pixels = new float[64 * 48];
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = (float)Math.Sin(i % 64 / 5.0) + (float)random.NextDouble();
        Figures.SaveImage(image, pixels, 64, 48, "test", circles: [(20, 20, 5, "#00ff00")]);
        AssertPng(hist);
        AssertPng(image);
    }

    [Fact]
    public void Image_of_the_wrong_size_is_rejected()
    {
        Assert.Throws<Core.ShapeMismatchException>(() => Figures.SaveImage(Path.Combine(_dir, "x.png"), new float[10], 4, 4));
    }
}
