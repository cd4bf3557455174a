using System.Globalization;
using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Ctf;
using Concord.Ctf.Consensus;
using Concord.Ctf.Methods.Periodogram;
using Concord.IO.Star;
using Concord.Plots;

namespace Concord.Protocols.Protocols.Ctf;

/// <summary>The microscope of a CTF table's data_optics block (one optics group).</summary>
public sealed record CtfOptics(double PixelSizeA, double VoltageKv, double SphericalAberrationMm, double AmplitudeContrast)
{
    public static CtfOptics Of(CtfEstimationSettings settings, double pixelSizeA) =>
        new(pixelSizeA, settings.VoltageKv, settings.SphericalAberrationMm, settings.AmplitudeContrast);
}

/// <summary>The estimates of one micrograph (first method first) as a CTF table lists them, with its diagnostic image.</summary>
public sealed record CtfEstimates(string Name, IReadOnlyList<CtfEstimate> Estimates, string? Plot);

/// <summary>
/// The files of CTF estimation and selection, shared by `concord ctf` and the ctf protocols: RELION-style STAR tables
/// (micrographs_ctf.star with rlnDefocusU/V, rlnCtfFigureOfMerit, rlnCtfMaxResolution; accepted and rejected
/// micrographs with rlnConcordRejectionReason) and the diagnostic PNGs (spectrum | model, and the 1D fit).
/// </summary>
public static class CtfFiles
{
    private static readonly StarLabel[] EstimateColumns =
    [
        StarLabels.MicrographName, StarLabels.OpticsGroup, StarLabels.DefocusU, StarLabels.DefocusV, StarLabels.CtfAstigmatism, StarLabels.DefocusAngle,
        StarLabels.PhaseShift, StarLabels.CtfFigureOfMerit, StarLabels.CtfMaxResolution, StarLabels.ConcordCtfMethod, StarLabels.ConcordCtfIceRingRatio,
        StarLabels.ConcordCtfPlot,
    ];

    private static readonly StarLabel[] SelectionColumns =
    [
        StarLabels.MicrographName, StarLabels.OpticsGroup, StarLabels.DefocusU, StarLabels.DefocusV, StarLabels.CtfAstigmatism, StarLabels.DefocusAngle,
        StarLabels.PhaseShift, StarLabels.CtfFigureOfMerit, StarLabels.CtfMaxResolution, StarLabels.ConcordCtfMethod,
        StarLabels.ConcordCtfIceRingRatio, StarLabels.ConcordCtfAgreementResolution, StarLabels.ConcordRejectionReason,
    ];

    /// <summary>data_optics, data_micrographs (the first method, RELION-readable) and data_micrographs_METHOD for each further method.</summary>
    public static void WriteEstimates(string path, IReadOnlyList<CtfEstimates> micrographs, IReadOnlyList<string> methods, CtfOptics optics)
    {
        ArgumentNullException.ThrowIfNull(micrographs);
        ArgumentNullException.ThrowIfNull(methods);
        ArgumentNullException.ThrowIfNull(optics);
        var document = new StarDocument();
        document.Add("optics").Loops.Add(Optics(optics));
        for (int m = 0; m < methods.Count; m++)
        {
            var table = new StarTable(EstimateColumns);
            foreach (var r in micrographs)
            {
                var e = r.Estimates[m];
                table.AddRow([r.Name, "1", .. CtfValues(e.Ctf, e.FitScore, e.MaxResolutionA), e.Method, F(IceRing(e)), r.Plot ?? "None"]);
            }
            document.Add(m == 0 ? "micrographs" : "micrographs_" + methods[m]).Loops.Add(table);
        }
        StarWriter.Write(path, document);
    }

    /// <summary>The consensus CTF of each item (RELION columns), its agreement resolution and, for rejected items, the reasons.</summary>
    public static void WriteSelection(string path, IReadOnlyList<CtfConsensusItem> items, CtfOptics optics)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(optics);
        var table = new StarTable(SelectionColumns);
        foreach (var item in items)
        {
            var primary = item.Estimates[0];
            string method = item.Estimates.Count > 1 ? "consensus" : primary.Method;
            table.AddRow([item.Name, "1", .. CtfValues(item.Combined, primary.FitScore, primary.MaxResolutionA), method, F(IceRing(primary)),
                F(item.AgreementResolutionA), item.IsAccepted ? "None" : item.ReasonText]);
        }
        var document = new StarDocument();
        document.Add("optics").Loops.Add(Optics(optics));
        document.Add("micrographs").Loops.Add(table);
        StarWriter.Write(path, document);
    }

    /// <summary>
    /// The diagnostic figures of one estimate: <paramref name="spectrumPng"/> (background-subtracted spectrum on the left,
    /// fitted CTF² on the right) and <paramref name="fitPng"/> (equiphase average of the spectrum against the fitted
    /// CTF², and the fit correlation, against resolution).
    /// </summary>
    public static void WritePlots(string spectrumPng, string fitPng, string name, Image2D micrograph, CtfEstimate estimate, CtfEstimationSettings settings, IFftBackend fft)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        var d = CtfDiagnostics.Compute(micrograph, estimate.Ctf, settings, fft);
        string title = string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileName(name)}: U {estimate.Ctf.DefocusUA:F0} Å, V {estimate.Ctf.DefocusVA:F0} Å, {estimate.Ctf.DefocusAngleDeg:F1}°, fit to {estimate.MaxResolutionA:F1} Å");
        // The 512-px picture holds about 50 characters of title: the defocus only; the fit PNG has the rest.
        string spectrumTitle = string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileNameWithoutExtension(name)}: data | model, U {estimate.Ctf.DefocusUA:F0} V {estimate.Ctf.DefocusVA:F0} Å");
        Figures.SaveImage(spectrumPng, d.Spectrum, d.Size, d.Size, spectrumTitle, 1, 99, maxSidePx: 512);
        var inBand = Enumerable.Range(0, d.FrequencyPerA.Length).Where(b => d.FrequencyPerA[b] >= d.LowFrequency && !double.IsNaN(d.Data[b])).ToArray();
        var x = inBand.Select(b => d.FrequencyPerA[b]).ToArray();
        Figures.SaveCurves(fitPng, title, "resolution (Å)", "CTF² / spectrum",
            [
                new Series("spectrum (equiphase average)", x, inBand.Select(b => d.Data[b]).ToArray()),
                new Series("fitted CTF²", x, inBand.Select(b => d.Model[b]).ToArray()),
                new Series("fit correlation", x, inBand.Select(b => double.IsNaN(d.FitCorrelation[b]) ? 0 : d.FitCorrelation[b]).ToArray()),
            ],
            // The fit-resolution criterion (CTFFIND 4.1.9): the fit holds while the correlation, once above 0.66, stays above 0.5.
            [new Threshold(EquiphaseProfile.HighThreshold, $"fit held above {EquiphaseProfile.HighThreshold:0.##}"),
             new Threshold(EquiphaseProfile.SignificanceThreshold, $"fit ends below {EquiphaseProfile.SignificanceThreshold:0.##}")],
            resolutionAxis: true, yRange: (-0.5, 1.5));
    }

    private static StarTable Optics(CtfOptics o)
    {
        var optics = new StarTable([StarLabels.OpticsGroupName, StarLabels.OpticsGroup, StarLabels.MicrographPixelSize, StarLabels.Voltage,
            StarLabels.SphericalAberration, StarLabels.AmplitudeContrast]);
        optics.AddRow("opticsGroup1", "1", F(o.PixelSizeA), F(o.VoltageKv), F(o.SphericalAberrationMm), F(o.AmplitudeContrast));
        return optics;
    }

    private static string[] CtfValues(CtfParameters ctf, double fitScore, double maxResolutionA) =>
        [F(ctf.DefocusUA), F(ctf.DefocusVA), F(ctf.AstigmatismA), F(ctf.DefocusAngleDeg), F(ctf.PhaseShiftDeg), F(fitScore), F(maxResolutionA)];

    private static double IceRing(CtfEstimate e) => CtfConsensus.IceRingRatio(e) ?? double.NaN;

    private static string F(double v) => double.IsFinite(v) ? v.ToString("0.######", CultureInfo.InvariantCulture) : "nan";
}
