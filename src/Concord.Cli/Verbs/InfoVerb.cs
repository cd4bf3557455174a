using System.CommandLine;

using Concord.IO;
using Concord.IO.Mrc;
using Concord.IO.Star;
using Concord.IO.Tiff;

namespace Concord.Cli.Verbs;

/// <summary>`concord info FILE...`: what an MRC, TIFF or STAR file holds (header, dimensions, pixel size, mode, statistics; STAR blocks and columns).</summary>
public sealed class InfoVerb : IVerb
{
    public sealed record Statistics(double Min, double Max, double Mean, double Rms);

    public sealed record ImageSummary(
        int Width, int Height, int Sections, string Content, string Type, double? PixelSizeA, Statistics Statistics,
        float[]? OriginA = null, string? AxisOrder = null, int? Volumes = null, string? ExtendedHeader = null,
        string? Compression = null, IReadOnlyList<string>? Labels = null);

    public sealed record StarBlockSummary(string Name, int Pairs, int Rows, IReadOnlyList<string> Columns);

    public sealed record StarSummary(string Version, IReadOnlyList<StarBlockSummary> Blocks);

    public sealed record FileSummary(string Path, string Format, ImageSummary? Image = null, StarSummary? Star = null);

    public sealed record Summary(IReadOnlyList<FileSummary> Files);

    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var files = new Argument<string[]>("files") { Description = "MRC/MRCS, TIFF or STAR files.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("info", """
            Describe MRC/MRCS and TIFF files (dimensions, pixel size, mode, origin, header statistics; TIFF statistics are
            computed frame by frame) and STAR files (data blocks, columns, row counts).

            Examples:
              concord info particles.mrcs run_it025_class001.mrc
              concord info movie.tif Refine3D/job020/run_data.star --json
            """)
        { files };
        VerbAction.Bind(command, global, stdout, stderr, (parse, ctx) =>
        {
            var summaries = parse.GetValue(files)!.Select(Describe).ToList();
            if (ctx.Json)
                ctx.WriteJsonSummary(new Summary(summaries));
            else
                summaries.ForEach(s => Print(s, ctx));
            return VerbAction.Success;
        });
        return command;
    }

    public static FileSummary Describe(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such file.", path);
        return ImageFiles.Detect(path) switch
        {
            FileFormat.Mrc => new FileSummary(path, "MRC", Image: DescribeMrc(path)),
            FileFormat.Tiff => new FileSummary(path, "TIFF", Image: DescribeTiff(path)),
            FileFormat.Star => new FileSummary(path, "STAR", Star: DescribeStar(path)),
            _ => throw new Core.InvalidParameterException("files", $"{path}: not an MRC, TIFF or STAR file."),
        };
    }

    private static ImageSummary DescribeMrc(string path)
    {
        using var reader = MrcReader.Open(path);
        var h = reader.Header;
        return new ImageSummary(
            reader.Width, reader.Height, reader.Depth, h.Content.ToString(), $"mode {h.Mode} ({h.DataMode})", h.PixelSizeA,
            new Statistics(h.DMin, h.DMax, h.DMean, h.Rms),
            OriginA: [h.OriginXA, h.OriginYA, h.OriginZA],
            AxisOrder: $"{h.MapC},{h.MapR},{h.MapS}",
            Volumes: h.Content == MrcContent.VolumeStack ? reader.VolumeCount : null,
            ExtendedHeader: h.NSymBt > 0 ? $"{h.NSymBt} bytes {h.ExtType}".TrimEnd() : null,
            Labels: [.. h.Labels]);
    }

    private static ImageSummary DescribeTiff(string path)
    {
        using var reader = TiffMovieReader.Open(path);
        var frame = new float[reader.Width * reader.Height];
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, sumSq = 0;
        for (int i = 0; i < reader.FrameCount; i++)
        {
            reader.ReadFrame(i, frame);
            foreach (float v in frame)
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
                sum += v;
                sumSq += (double)v * v;
            }
        }
        double n = (double)frame.Length * reader.FrameCount, mean = sum / n;
        var stats = new Statistics(min, max, mean, Math.Sqrt(Math.Max(0, sumSq / n - mean * mean)));
        return new ImageSummary(reader.Width, reader.Height, reader.FrameCount, "Movie", reader.Info.PixelType.ToString(), null, stats,
            Compression: reader.Info.Compression);
    }

    private static StarSummary DescribeStar(string path)
    {
        var doc = StarReader.Read(path);
        var blocks = doc.Blocks.Select(b => new StarBlockSummary(
            b.Name, b.Pairs.Count, b.Loop?.RowCount ?? 0,
            [.. b.Pairs.Select(p => p.Label.Tag), .. b.Loops.SelectMany(l => l.Columns.Select(c => c.Tag))])).ToList();
        string version = RelionStarConversion.DetectVersion(doc) == RelionStarVersion.Relion31 ? "RELION 3.1" : "RELION 3.0 (no optics groups)";
        return new StarSummary(version, blocks);
    }

    private static void Print(FileSummary s, VerbContext ctx)
    {
        ctx.Say($"{s.Path}: {s.Format}");
        if (s.Image is { } i)
        {
            ctx.Say($"  size        {i.Width} × {i.Height} × {i.Sections} ({i.Content}{(i.Volumes is int v ? $", {v} volumes" : "")})");
            ctx.Say($"  type        {i.Type}{(i.Compression is { } c ? $", {c}" : "")}");
            ctx.Say($"  pixel size  {(i.PixelSizeA is double a ? $"{a:G6} Å" : "not set")}");
            if (i.OriginA is { } o)
                ctx.Say($"  origin      {o[0]:G6}, {o[1]:G6}, {o[2]:G6} Å; axis order {i.AxisOrder}");
            ctx.Say($"  statistics  min {i.Statistics.Min:G6}  max {i.Statistics.Max:G6}  mean {i.Statistics.Mean:G6}  rms {i.Statistics.Rms:G6}");
            if (i.ExtendedHeader is { } e)
                ctx.Say($"  ext header  {e}");
            foreach (var label in i.Labels ?? [])
                ctx.Say($"  label       {label}");
        }
        if (s.Star is { } star)
        {
            ctx.Say($"  {star.Version}");
            foreach (var b in star.Blocks)
                ctx.Say($"  data_{b.Name}: {b.Pairs} pairs, {b.Rows} rows; {string.Join(" ", b.Columns)}");
        }
    }
}
