using System.Globalization;

namespace Concord.IO.Star;

/// <summary>Which RELION STAR dialect a document follows.</summary>
public enum RelionStarVersion
{
    /// <summary>RELION 3.0: optics per row, origins in px, pixel size from detector pixel size and magnification.</summary>
    Relion30,

    /// <summary>RELION 3.1: a <c>data_optics</c> table, origins in Å.</summary>
    Relion31,
}

/// <summary>What a RELION 3.0 file does not say but 3.1 needs: a pixel size when the file lacks detector pixel size
/// and magnification, and the particle box size (3.1 stores it in the optics table).</summary>
public sealed record Relion30ConversionOptions(double? PixelSizeA = null, int? ImageSizePx = null);

/// <summary>
/// Converts RELION 3.0 STAR files to 3.1 the way relion_convert_star does: rows are grouped into optics groups by
/// voltage, Cs, amplitude contrast, beam tilt and pixel size (rlnDetectorPixelSize·10⁴/rlnMagnification, µm → Å);
/// those labels move to <c>data_optics</c>; each row gets rlnOpticsGroup; rlnOriginX/Y in px become
/// rlnOriginXAngst/YAngst in Å. The data block is renamed particles, micrographs or movies. Other labels are kept.
/// </summary>
public static class RelionStarConversion
{
    private static readonly StarLabel[] OpticsLabels =
        [StarLabels.Voltage, StarLabels.SphericalAberration, StarLabels.AmplitudeContrast, StarLabels.BeamTiltX, StarLabels.BeamTiltY];

    public static RelionStarVersion DetectVersion(StarDocument document) =>
        document.Find("optics") is not null ? RelionStarVersion.Relion31 : RelionStarVersion.Relion30;

    /// <summary>Returns a RELION 3.1 document: <paramref name="document"/> itself when already 3.1, otherwise a converted one
    /// (the input's tables are edited in place and moved into the result).</summary>
    public static StarDocument ConvertTo31(StarDocument document, Relion30ConversionOptions? options = null)
    {
        if (DetectVersion(document) == RelionStarVersion.Relion31)
            return document;
        options ??= new Relion30ConversionOptions();
        var source = document.Blocks.Find(b => b.Loop is { } l && (l.HasColumn(StarLabels.ImageName) || l.HasColumn(StarLabels.MicrographName) || l.HasColumn(StarLabels.MicrographMovieName)))
            ?? throw new StarFormatException(document.SourcePath, 0, StarLabels.ImageName.Tag, "no loop with _rlnImageName, _rlnMicrographName or _rlnMicrographMovieName to convert.");
        var table = source.Loop!;
        var kind = table.HasColumn(StarLabels.ImageName) ? "particles" : table.HasColumn(StarLabels.MicrographName) ? "micrographs" : "movies";
        double[] pixelSizes = PixelSizes(table, options, document.SourcePath);
        var optics = BuildOptics(table, pixelSizes, kind, options);
        ConvertOrigins(table, pixelSizes);
        foreach (var label in OpticsLabels.Append(StarLabels.DetectorPixelSize).Append(StarLabels.Magnification))
            table.RemoveColumn(label);

        var result = new StarDocument { SourcePath = document.SourcePath };
        var opticsBlock = result.Add("optics");
        opticsBlock.LeadingComments.Add("version 30001");
        opticsBlock.Loops.Add(optics);
        foreach (var block in document.Blocks)
        {
            var target = block == source ? new StarBlock(kind) : block;
            if (block == source)
            {
                target.LeadingComments.Add("version 30001");
                target.Comments.AddRange(block.Comments);
                target.Pairs.AddRange(block.Pairs);
                target.Loops.AddRange(block.Loops);
            }
            result.Blocks.Add(target);
        }
        return result;
    }

    private static double[] PixelSizes(StarTable table, Relion30ConversionOptions options, string path)
    {
        var sizes = new double[table.RowCount];
        int det = table.ColumnOf(StarLabels.DetectorPixelSize), mag = table.ColumnOf(StarLabels.Magnification);
        if (det < 0 || mag < 0)
        {
            if (options.PixelSizeA is not double given || !(given > 0))
                throw new StarFormatException(path, table.HeaderLine, det < 0 ? StarLabels.DetectorPixelSize.Tag : StarLabels.Magnification.Tag,
                    "required to derive the pixel size of a RELION 3.0 file (or pass a pixel size in Å).");
            Array.Fill(sizes, given);
            return sizes;
        }
        for (int r = 0; r < table.RowCount; r++)
        {
            double m = table.GetDouble(r, mag);
            if (!(m > 0))
                throw new StarFormatException(path, table.LineOf(r), StarLabels.Magnification.Tag, $"expected a positive magnification, found {m}.");
            sizes[r] = table.GetDouble(r, det) * 1e4 / m;
        }
        return sizes;
    }

    private static StarTable BuildOptics(StarTable table, double[] pixelSizes, string kind, Relion30ConversionOptions options)
    {
        var present = OpticsLabels.Where(table.HasColumn).ToArray();
        var pixelLabels = kind switch
        {
            "particles" => new[] { StarLabels.ImagePixelSize },
            "micrographs" => [StarLabels.MicrographOriginalPixelSize, StarLabels.MicrographPixelSize],
            _ => [StarLabels.MicrographOriginalPixelSize],
        };
        var columns = new List<StarLabel> { StarLabels.OpticsGroupName, StarLabels.OpticsGroup };
        columns.AddRange(pixelLabels);
        if (kind == "particles" && options.ImageSizePx is not null)
            columns.AddRange([StarLabels.ImageSize, StarLabels.ImageDimensionality]);
        columns.AddRange(present);
        var optics = new StarTable(columns);
        var groups = new Dictionary<string, int>(StringComparer.Ordinal);
        int groupColumn = table.AddColumn(StarLabels.OpticsGroup, "1");
        for (int r = 0; r < table.RowCount; r++)
        {
            string pixel = pixelSizes[r].ToString("R", CultureInfo.InvariantCulture);
            string[] values = present.Select(l => table.GetString(r, table.ColumnOf(l))).ToArray();
            string key = pixel + "|" + string.Join("|", values);
            if (!groups.TryGetValue(key, out int group))
            {
                group = groups.Count + 1;
                groups.Add(key, group);
                var row = new List<string> { $"opticsGroup{group}", group.ToString(CultureInfo.InvariantCulture) };
                row.AddRange(pixelLabels.Select(_ => pixel));
                if (kind == "particles" && options.ImageSizePx is int box)
                    row.AddRange([box.ToString(CultureInfo.InvariantCulture), "2"]);
                row.AddRange(values);
                optics.AddRow([.. row]);
            }
            table.SetInt(r, groupColumn, group);
        }
        return optics;
    }

    private static void ConvertOrigins(StarTable table, double[] pixelSizes)
    {
        foreach (var (px, angst) in new[] { (StarLabels.OriginX, StarLabels.OriginXAngst), (StarLabels.OriginY, StarLabels.OriginYAngst) })
        {
            int from = table.ColumnOf(px);
            if (from < 0)
                continue;
            int to = table.AddColumn(angst, "0");
            for (int r = 0; r < table.RowCount; r++)
                table.SetDouble(r, to, table.GetDouble(r, from) * pixelSizes[r]);
            table.RemoveColumn(px);
        }
    }
}

/// <summary>The optics groups of a RELION 3.1 document, for looking up per-row optics (pixel size, voltage…).</summary>
public sealed class RelionOpticsGroups
{
    private readonly StarTable _optics;
    private readonly Dictionary<int, int> _rowOfGroup = [];

    public RelionOpticsGroups(StarDocument document)
    {
        _optics = document.Require("optics").RequireLoop(document.SourcePath);
        int g = _optics.RequireColumn(StarLabels.OpticsGroup, "optics");
        for (int r = 0; r < _optics.RowCount; r++)
            if (!_rowOfGroup.TryAdd(_optics.GetInt(r, g), r))
                throw new StarFormatException(_optics.SourcePath, _optics.LineOf(r), StarLabels.OpticsGroup.Tag, $"optics group {_optics.GetInt(r, g)} is defined twice.");
    }

    public StarTable Table => _optics;

    public int Count => _rowOfGroup.Count;

    /// <summary>The numeric value of <paramref name="label"/> for optics group <paramref name="group"/>.</summary>
    public double GetDouble(int group, StarLabel label)
    {
        if (!_rowOfGroup.TryGetValue(group, out int row))
            throw new StarFormatException(_optics.SourcePath, 0, StarLabels.OpticsGroup.Tag, $"optics group {group} is not defined in data_optics.");
        return _optics.GetDouble(row, _optics.RequireColumn(label, "optics"));
    }
}
