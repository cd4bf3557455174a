using System.Globalization;
using Concord.IO.Star;
using Concord.Plots;
using Concord.Reconstruct.Fsc;

namespace Concord.Cli.Verbs;

/// <summary>Writes FSC curves as a RELION-style STAR table and a PNG plot (resolution axis, 0.143 and 0.5 lines).</summary>
public static class FscOutput
{
    public sealed record Point(int Shell, double FrequencyPerA, double ResolutionA, double Fsc);

    public static IReadOnlyList<Point> Points(FscCurve curve) =>
        Enumerable.Range(0, curve.ShellCount).Select(s => new Point(s, curve.FrequencyOfShell(s), curve.ResolutionOfShell(s), curve.Fsc[s])).ToList();

    public static void Write(string starPath, string pngPath, string title, params (string Label, FscCurve Curve, StarLabel Column)[] curves)
    {
        var first = curves[0].Curve;
        var table = new StarTable([StarLabels.SpectralIndex, StarLabels.Resolution, StarLabels.AngstromResolution, .. curves.Select(c => c.Column)]);
        for (int s = 0; s < first.ShellCount; s++)
        {
            var row = new List<string>
            {
                s.ToString(CultureInfo.InvariantCulture),
                first.FrequencyOfShell(s).ToString("0.######", CultureInfo.InvariantCulture),
                (s == 0 ? 999 : first.ResolutionOfShell(s)).ToString("0.###", CultureInfo.InvariantCulture),
            };
            row.AddRange(curves.Select(c => c.Curve.Fsc[s].ToString("0.######", CultureInfo.InvariantCulture)));
            table.AddRow([.. row]);
        }
        var document = new StarDocument();
        var general = document.Add("general");
        general.Set(StarLabels.FinalResolution, curves[^1].Curve.ResolutionAt(0.143));
        document.Add("fsc").Loops.Add(table);
        StarWriter.Write(starPath, document);
        var x = Enumerable.Range(0, first.ShellCount).Select(s => first.FrequencyOfShell(s)).ToArray();
        Figures.SaveCurves(pngPath, title, "resolution (Å)", "FSC",
            curves.Select(c => new Series($"{c.Label} ({CrossingText(c.Curve, 0.143)})", x, c.Curve.Fsc)),
            [new Threshold(0.143, "0.143"), new Threshold(0.5, "0.5")], resolutionAxis: true, yRange: (-0.1, 1.05));
    }

    /// <summary>"0.143: 3.52 Å", or "≥ 0.143 to Nyquist (2.00 Å)" when the curve never drops below the threshold.</summary>
    internal static string CrossingText(FscCurve curve, double threshold) => curve.ReachesNyquist(threshold)
        ? $"≥ {threshold:0.###} to Nyquist ({curve.NyquistA:F2} Å)"
        : $"{threshold:0.###}: {curve.ResolutionAt(threshold):F2} Å";
}
