using System.Globalization;
using Concord.IO.Star;
using Concord.Plots;
using Concord.Reconstruct.Fsc;

namespace Concord.Protocols.Protocols.Reconstruct;

/// <summary>An FSC curve as a RELION-style STAR file (data_general with the 0.143 resolution, data_fsc per shell) and a PNG plot.</summary>
public static class FscFiles
{
    public static void WriteStar(string path, FscCurve curve)
    {
        var table = new StarTable([StarLabels.SpectralIndex, StarLabels.Resolution, StarLabels.AngstromResolution, StarLabels.FourierShellCorrelation]);
        for (int s = 0; s < curve.ShellCount; s++)
            table.AddRow(s.ToString(CultureInfo.InvariantCulture), F(curve.FrequencyOfShell(s)), F(s == 0 ? 999 : curve.ResolutionOfShell(s)), F(curve.Fsc[s]));
        var document = new StarDocument();
        document.Add("general").Set(StarLabels.FinalResolution, curve.ResolutionAt(0.143));
        document.Add("fsc").Loops.Add(table);
        StarWriter.Write(path, document);
    }

    /// <summary>Reads the FSC column of a file written by <see cref="WriteStar"/> (or RELION's data_fsc).</summary>
    public static IReadOnlyList<double> ReadFsc(string path)
    {
        var table = StarReader.Read(path).Require("fsc").RequireLoop(path);
        return Enumerable.Range(0, table.RowCount).Select(r => table.GetDouble(r, StarLabels.FourierShellCorrelation)).ToList();
    }

    public static void WritePlot(string path, string title, FscCurve curve)
    {
        var x = Enumerable.Range(0, curve.ShellCount).Select(s => curve.FrequencyOfShell(s)).ToArray();
        Figures.SaveCurves(path, title, "resolution (Å)", "FSC",
            [new Series($"FSC (0.143: {curve.ResolutionAt(0.143):F2} Å, 0.5: {curve.ResolutionAt(0.5):F2} Å)", x, curve.Fsc)],
            [new Threshold(0.143, "0.143"), new Threshold(0.5, "0.5")], resolutionAxis: true, yRange: (-0.1, 1.05));
    }

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
