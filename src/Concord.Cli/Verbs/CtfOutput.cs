using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Ctf;
using Concord.IO.Star;
using Concord.Protocols.Protocols.Ctf;

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

    /// <summary>The estimates of the micrographs that could be estimated, as the STAR writers take them.</summary>
    public static IReadOnlyList<CtfEstimates> Estimated(IEnumerable<Result> results) =>
        results.Select(r => new CtfEstimates(r.Input.Name, r.Estimates!, r.Plot)).ToList();

    /// <summary>DIR/plots/NAME_spectrum.png (data | model) and NAME_fit.png (1D fit); returns the spectrum plot's path.</summary>
    public static string WritePlots(string dir, string name, Image2D micrograph, CtfEstimate estimate, CtfEstimationSettings settings, IFftBackend fft)
    {
        string stem = Path.Combine(dir, "plots", Path.GetFileNameWithoutExtension(name));
        CtfFiles.WritePlots(stem + "_spectrum.png", stem + "_fit.png", name, micrograph, estimate, settings, fft);
        return stem + "_spectrum.png";
    }
}
