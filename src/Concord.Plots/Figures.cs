using ScottPlot;

namespace Concord.Plots;

/// <summary>One curve of a line figure.</summary>
public sealed record Series(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>A horizontal reference line (e.g. FSC = 0.143).</summary>
public sealed record Threshold(double Y, string Label);

/// <summary>
/// Diagnostic figures written as PNG (or SVG when the path ends in .svg), the way cryo-EM users expect to see them:
/// FSC and spectra against spatial frequency with resolution in Å on the axis, histograms, grey-level images.
/// Plain data in, a file out; no stage types, so every stage and the CLI can use it.
/// </summary>
public static class Figures
{
    /// <summary>Line figure; <paramref name="resolutionAxis"/> labels x (1/Å) ticks as resolution in Å.</summary>
    public static void SaveCurves(string path, string title, string xLabel, string yLabel, IEnumerable<Series> series,
        IEnumerable<Threshold>? thresholds = null, bool resolutionAxis = false, (double Min, double Max)? yRange = null,
        int width = 900, int height = 540)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        var all = series.ToList();
        foreach (var s in all)
        {
            var line = plot.Add.Scatter(s.X.ToArray(), s.Y.ToArray());
            line.LegendText = s.Label;
            line.MarkerSize = 0;
            line.LineWidth = 2;
        }
        foreach (var t in thresholds ?? [])
        {
            var h = plot.Add.HorizontalLine(t.Y);
            h.LinePattern = LinePattern.Dashed;
            h.LineColor = Colors.Gray;
            h.LegendText = t.Label;
        }
        if (resolutionAxis)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                LabelFormatter = f => f <= 0 ? "∞" : (1 / f).ToString(1 / f >= 10 ? "0" : "0.#", System.Globalization.CultureInfo.InvariantCulture),
            };
            double xMax = all.SelectMany(s => s.X).DefaultIfEmpty(0.5).Max();
            plot.Axes.SetLimitsX(0, xMax);
        }
        if (yRange is { } r)
            plot.Axes.SetLimitsY(r.Min, r.Max);
        plot.ShowLegend(Alignment.UpperRight);
        Save(plot, path, width, height);
    }

    /// <summary>Histogram of <paramref name="values"/> in <paramref name="bins"/> bins, with optional vertical markers (thresholds).</summary>
    public static void SaveHistogram(string path, string title, string xLabel, IReadOnlyList<double> values, int bins = 40,
        IEnumerable<(double X, string Label)>? markers = null, int width = 800, int height = 500)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("count");
        if (values.Count > 0)
        {
            double min = values.Min(), max = values.Max();
            if (max <= min)
                max = min + 1;
            var hist = ScottPlot.Statistics.Histogram.WithBinCount(bins, min, max);
            hist.AddRange(values);
            plot.Add.Histogram(hist);
        }
        foreach (var (x, label) in markers ?? [])
        {
            var v = plot.Add.VerticalLine(x);
            v.LinePattern = LinePattern.Dashed;
            v.LegendText = label;
        }
        Save(plot, path, width, height);
    }

    /// <summary>
    /// A grey-level picture of an image (x fastest, y up as in MRC viewers), contrast stretched between the given
    /// percentiles so micrographs and spectra are readable, with optional circles (picks) drawn on top.
    /// </summary>
    public static void SaveImage(string path, ReadOnlySpan<float> pixels, int width, int height, string title = "",
        double lowPercentile = 0.5, double highPercentile = 99.5, IEnumerable<(double X, double Y, double Radius, string Color)>? circles = null,
        int maxSidePx = 1024)
    {
        if (pixels.Length != width * height)
            throw new Core.ShapeMismatchException($"SaveImage: {pixels.Length} pixels for {width}×{height}.");
        var sorted = pixels.ToArray();
        Array.Sort(sorted);
        double lo = sorted[(int)Math.Clamp(lowPercentile / 100 * (sorted.Length - 1), 0, sorted.Length - 1)];
        double hi = sorted[(int)Math.Clamp(highPercentile / 100 * (sorted.Length - 1), 0, sorted.Length - 1)];
        if (hi <= lo)
            hi = lo + 1;
        var data = new double[height, width];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                data[height - 1 - y, x] = Math.Clamp((pixels[y * width + x] - lo) / (hi - lo), 0, 1);
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(data);
        heatmap.Colormap = new ScottPlot.Colormaps.Grayscale();
        heatmap.Extent = new CoordinateRect(0, width, 0, height);
        foreach (var (x, y, radius, color) in circles ?? [])
        {
            var c = plot.Add.Circle(x, y, radius);
            c.LineColor = Color.FromHex(color);
            c.LineWidth = 1.5f;
            c.FillColor = Colors.Transparent;
        }
        if (title.Length > 0)
            plot.Title(title);
        plot.Axes.SetLimits(0, width, 0, height);
        plot.Axes.SquareUnits();
        double scale = Math.Min(1.0, maxSidePx / (double)Math.Max(width, height));
        Save(plot, path, (int)(width * scale) + 120, (int)(height * scale) + 100);
    }

    private static void Save(Plot plot, string path, int width, int height)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
            Directory.CreateDirectory(dir);
        if (path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
            plot.SaveSvg(path, width, height);
        else
            plot.SavePng(path, width, height);
    }
}
