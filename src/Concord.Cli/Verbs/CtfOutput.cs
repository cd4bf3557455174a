using System.Globalization;
using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Ctf;
using Concord.Ctf.Consensus;
using Concord.IO.Star;
using Concord.Plots;

namespace Concord.Cli.Verbs;

/// <summary>The files of `concord ctf`: input resolution (MRC files or micrograph STAR files), STAR tables and diagnostic PNGs.</summary>
public static class CtfOutput
{
    /// <summary>One micrograph to estimate: the name written to STAR files, the file to read, an optional pixel size.</summary>
    public sealed record Input(string Name, string Path, double? PixelSizeA);

    /// <summary>What became of one micrograph: its estimates (first method first) or an error.</summary>
    public sealed record Result(Input Input, IReadOnlyList<CtfEstimate>? Estimates, double PixelSizeA, int BoxSize, string? Plot, string? Error);

    /// <summary>One estimate as the JSON summary shows it.</summary>
    public sealed record Row(string Micrograph, string Method, double DefocusUA, double DefocusVA, double DefocusAngleDeg, double PhaseShiftDeg,
        double FitScore, double MaxResolutionA, double IceRingRatio);

    /// <summary>
    /// Expands the command line: an MRC path is one micrograph; a STAR path lists micrographs (rlnMicrographName, resolved
    /// from the working directory as RELION does, else from the STAR file's folder) with the optics group's pixel size.
    /// </summary>
    public static IReadOnlyList<Input> ResolveInputs(IEnumerable<string> arguments, double? pixelSizeA)
    {
        var inputs = new List<Input>();
        foreach (string argument in arguments)
        {
            if (!argument.EndsWith(".star", StringComparison.OrdinalIgnoreCase))
            {
                inputs.Add(new Input(argument, argument, pixelSizeA));
                continue;
            }
            var document = StarReader.Read(argument);
            var block = document.Find("micrographs") ?? document.Blocks.FirstOrDefault(b => b.Loop?.HasColumn(StarLabels.MicrographName) == true)
                ?? throw new InvalidParameterException("micrographs", $"{argument}: no table with rlnMicrographName.");
            var table = block.RequireLoop(argument);
            var optics = document.Find("optics")?.Loop;
            string folder = Path.GetDirectoryName(Path.GetFullPath(argument))!;
            for (int row = 0; row < table.RowCount; row++)
            {
                string name = table.GetString(row, StarLabels.MicrographName);
                string path = File.Exists(name) || Path.IsPathRooted(name) ? name : Path.Combine(folder, name);
                inputs.Add(new Input(name, path, pixelSizeA ?? OpticsPixelSize(optics, table, row)));
            }
        }
        return inputs;
    }

    private static double? OpticsPixelSize(StarTable? optics, StarTable micrographs, int row)
    {
        if (optics is null || !optics.HasColumn(StarLabels.MicrographPixelSize))
            return null;
        int group = micrographs.HasColumn(StarLabels.OpticsGroup) ? micrographs.GetInt(row, StarLabels.OpticsGroup) : 1;
        for (int o = 0; o < optics.RowCount; o++)
            if (!optics.HasColumn(StarLabels.OpticsGroup) || optics.GetInt(o, StarLabels.OpticsGroup) == group)
                return optics.GetDouble(o, StarLabels.MicrographPixelSize);
        return null;
    }

    public static IEnumerable<Row> Rows(Result result) => result.Estimates!.Select(e => new Row(result.Input.Name, e.Method, e.Ctf.DefocusUA, e.Ctf.DefocusVA,
        e.Ctf.DefocusAngleDeg, e.Ctf.PhaseShiftDeg, e.FitScore, e.MaxResolutionA, e.Figures.GetValueOrDefault(CtfFigures.IceRingRatio, double.NaN)));

    private static readonly StarLabel[] EstimateColumns =
    [
        StarLabels.MicrographName, StarLabels.OpticsGroup, StarLabels.DefocusU, StarLabels.DefocusV, StarLabels.CtfAstigmatism, StarLabels.DefocusAngle,
        StarLabels.PhaseShift, StarLabels.CtfFigureOfMerit, StarLabels.CtfMaxResolution, StarLabels.ConcordCtfMethod, StarLabels.ConcordCtfIceRingRatio,
        StarLabels.ConcordCtfPlot,
    ];

    /// <summary>data_optics, data_micrographs (the first method, RELION-readable) and data_micrographs_METHOD for each further method.</summary>
    public static void WriteEstimates(string path, IReadOnlyList<Result> results, IReadOnlyList<string> methods, CtfEstimationSettings settings)
    {
        var document = new StarDocument();
        document.Add("optics").Loops.Add(Optics(results, settings));
        for (int m = 0; m < methods.Count; m++)
        {
            var table = new StarTable(EstimateColumns);
            foreach (var r in results)
            {
                var e = r.Estimates![m];
                table.AddRow([r.Input.Name, "1", .. CtfValues(e.Ctf, e.FitScore, e.MaxResolutionA), e.Method, F(IceRing(e)), r.Plot ?? "None"]);
            }
            document.Add(m == 0 ? "micrographs" : "micrographs_" + methods[m]).Loops.Add(table);
        }
        StarWriter.Write(path, document);
    }

    /// <summary>The consensus CTF of each item (RELION columns), its agreement resolution and, for rejected items, the reasons.</summary>
    public static void WriteSelection(string path, IReadOnlyList<CtfConsensusItem> items, IReadOnlyList<Result> results, CtfEstimationSettings settings)
    {
        var columns = new List<StarLabel>
        {
            StarLabels.MicrographName, StarLabels.OpticsGroup, StarLabels.DefocusU, StarLabels.DefocusV, StarLabels.CtfAstigmatism, StarLabels.DefocusAngle,
            StarLabels.PhaseShift, StarLabels.CtfFigureOfMerit, StarLabels.CtfMaxResolution, StarLabels.ConcordCtfMethod,
            StarLabels.ConcordCtfIceRingRatio, StarLabels.ConcordCtfAgreementResolution, StarLabels.ConcordRejectionReason,
        };
        var table = new StarTable(columns);
        foreach (var item in items)
        {
            var primary = item.Estimates[0];
            string method = item.Estimates.Count > 1 ? "consensus" : primary.Method;
            table.AddRow([item.Name, "1", .. CtfValues(item.Combined, primary.FitScore, primary.MaxResolutionA), method, F(IceRing(primary)),
                F(item.AgreementResolutionA), item.IsAccepted ? "None" : item.ReasonText]);
        }
        var document = new StarDocument();
        document.Add("optics").Loops.Add(Optics(results, settings));
        document.Add("micrographs").Loops.Add(table);
        StarWriter.Write(path, document);
    }

    /// <summary>DIR/plots/NAME_spectrum.png (data | model) and NAME_fit.png (1D fit); returns the spectrum plot's path.</summary>
    public static string WritePlots(string dir, string name, Image2D micrograph, CtfEstimate estimate, CtfEstimationSettings settings, IFftBackend fft)
    {
        var d = CtfDiagnostics.Compute(micrograph, estimate.Ctf, settings, fft);
        string stem = Path.Combine(dir, "plots", Path.GetFileNameWithoutExtension(name));
        string title = string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileName(name)}: U {estimate.Ctf.DefocusUA:F0} Å, V {estimate.Ctf.DefocusVA:F0} Å, {estimate.Ctf.DefocusAngleDeg:F1}°, fit to {estimate.MaxResolutionA:F1} Å");
        Figures.SaveImage(stem + "_spectrum.png", d.Spectrum, d.Size, d.Size, title + " (left data, right model)", 1, 99, maxSidePx: 512);
        var inBand = Enumerable.Range(0, d.FrequencyPerA.Length).Where(b => d.FrequencyPerA[b] >= d.LowFrequency && !double.IsNaN(d.Data[b])).ToArray();
        var x = inBand.Select(b => d.FrequencyPerA[b]).ToArray();
        Figures.SaveCurves(stem + "_fit.png", title, "resolution (Å)", "CTF² / spectrum",
            [
                new Series("spectrum (equiphase average)", x, inBand.Select(b => d.Data[b]).ToArray()),
                new Series("fitted CTF²", x, inBand.Select(b => d.Model[b]).ToArray()),
                new Series("fit correlation", x, inBand.Select(b => double.IsNaN(d.FitCorrelation[b]) ? 0 : d.FitCorrelation[b]).ToArray()),
            ],
            [new Threshold(0.75, "fit threshold 0.75")], resolutionAxis: true, yRange: (-0.5, 1.5));
        return stem + "_spectrum.png";
    }

    private static StarTable Optics(IReadOnlyList<Result> results, CtfEstimationSettings settings)
    {
        var optics = new StarTable([StarLabels.OpticsGroupName, StarLabels.OpticsGroup, StarLabels.MicrographPixelSize, StarLabels.Voltage,
            StarLabels.SphericalAberration, StarLabels.AmplitudeContrast]);
        optics.AddRow("opticsGroup1", "1", F(results[0].PixelSizeA), F(settings.VoltageKv), F(settings.SphericalAberrationMm), F(settings.AmplitudeContrast));
        return optics;
    }

    private static string[] CtfValues(Core.Ctf.CtfParameters ctf, double fitScore, double maxResolutionA) =>
        [F(ctf.DefocusUA), F(ctf.DefocusVA), F(ctf.AstigmatismA), F(ctf.DefocusAngleDeg), F(ctf.PhaseShiftDeg), F(fitScore), F(maxResolutionA)];

    private static double IceRing(CtfEstimate e) => e.Figures.GetValueOrDefault(CtfFigures.IceRingRatio, double.NaN);

    private static string F(double v) => double.IsFinite(v) ? v.ToString("0.######", CultureInfo.InvariantCulture) : "nan";
}
