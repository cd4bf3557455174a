using System.CommandLine;
using Concord.Core;
using Concord.Core.Fourier;
using Concord.IO;
using Concord.IO.Mrc;
using Concord.IO.Tiff;

namespace Concord.Cli.Verbs;

/// <summary>
/// `concord convert IN... OUT`: MRC ⇄ TIFF by extension, MRC mode change, joining several inputs into one stack,
/// splitting a stack into one file per image, and binning by an integer factor. Streams image by image.
/// </summary>
public sealed class ConvertVerb : IVerb
{
    public sealed record Options(
        IReadOnlyList<string> Inputs, string Output, MrcMode? Mode, TiffPixelType? TiffType, TiffCompression Compression,
        bool Split, int Bin, double? PixelSizeA);

    public sealed record Summary(IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, int Images, int Width, int Height, double PixelSizeA, string Type);

    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var files = new Argument<string[]>("files") { Description = "Input file(s) then the output file.", Arity = ArgumentArity.OneOrMore };
        var mode = new Option<string?>("--mode") { Description = "MRC output mode: 0 int8, 1 int16, 2 float32, 6 uint16, 12 float16 (default: the input's, or float32 when binning)." };
        var tiffType = new Option<TiffPixelType?>("--tiff-type") { Description = "TIFF output pixel type: UInt8, UInt16, Int16, Float32 (default: the input's)." };
        var compression = new Option<TiffCompression>("--compression") { Description = "TIFF output compression: None, Lzw, Deflate.", DefaultValueFactory = _ => TiffCompression.Lzw };
        var split = new Option<bool>("--split") { Description = "Write one file per image: OUT_000001.ext, OUT_000002.ext, …" };
        var bin = new Option<int>("--bin") { Description = "Bin by this integer factor (pixel size grows by the factor).", DefaultValueFactory = _ => 1 };
        var pixelSize = new Option<double?>("--pixel-size") { Description = "Pixel size in Å to record (TIFF movies carry none; default: the input's)." };
        var command = new Command("convert", """
            Convert image files: MRC/MRCS ⇄ TIFF (chosen by the output's extension), change the MRC mode, join several
            inputs into one stack, split a stack into one file per image, or bin by an integer factor.

            Examples:
              concord convert movie.tif movie.mrcs --mode 6
              concord convert a.mrcs b.mrcs joined.mrcs --bin 2
              concord convert particles.mrcs single/particle.mrc --split
            """)
        { files, mode, tiffType, compression, split, bin, pixelSize };
        VerbAction.Bind(command, global, stdout, stderr, (parse, ctx) =>
        {
            var all = parse.GetValue(files)!;
            if (all.Length < 2)
                throw new InvalidParameterException("files", "give at least one input and the output file.");
            var options = new Options(all[..^1], all[^1], parse.GetValue(mode) is { } m ? MrcModes.Parse(m) : null,
                parse.GetValue(tiffType), parse.GetValue(compression), parse.GetValue(split), parse.GetValue(bin), parse.GetValue(pixelSize));
            var summary = ctx.WithProgress("convert", progress => Run(options, progress, ctx.Cancellation));
            if (ctx.Json)
                ctx.WriteJsonSummary(summary);
            else
                ctx.Say($"wrote {summary.Images} images of {summary.Width}×{summary.Height} at {summary.PixelSizeA:G6} Å/px ({summary.Type}) to {string.Join(", ", summary.Outputs.Take(3))}{(summary.Outputs.Count > 3 ? ", …" : "")}");
            return VerbAction.Success;
        });
        return command;
    }

    /// <summary>Runs a conversion; throws <see cref="ConcordException"/> for inputs or options that do not fit.</summary>
    public static Summary Run(Options options, IProgress<WorkProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (options.Bin < 1)
            throw new InvalidParameterException("--bin", $"must be a positive integer, got {options.Bin}.");
        var format = ImageFiles.FromExtension(options.Output);
        if (format is not (FileFormat.Mrc or FileFormat.Tiff))
            throw new InvalidParameterException("OUT", $"{options.Output}: the output extension must be .mrc, .mrcs, .map or .tif/.tiff.");
        var sources = new List<IImageSource>();
        try
        {
            foreach (var path in options.Inputs)
                sources.Add(ImageFiles.OpenImages(path, options.PixelSizeA));
            var first = sources[0];
            foreach (var s in sources.Where(s => s.Width != first.Width || s.Height != first.Height))
                throw new ShapeMismatchException($"cannot join {s.Path} ({s.Width}×{s.Height}) with {first.Path} ({first.Width}×{first.Height}).");
            int width = first.Width / options.Bin, height = first.Height / options.Bin;
            if (width < 1 || height < 1)
                throw new InvalidParameterException("--bin", $"binning {first.Width}×{first.Height} by {options.Bin} leaves no pixels.");
            double pixelSize = first.PixelSizeA * first.Width / width;
            var (content, sectionsPerVolume) = VolumeLayout(options);
            if (content is MrcContent.Volume or MrcContent.VolumeStack && options.Bin > 1)
                throw new InvalidParameterException("--bin", $"{first.Path} is a volume; binning here works on 2D images and stacks.");
            int total = sources.Sum(s => s.Count), done = 0;
            var sink = new OutputSink(options, format, width, height, pixelSize, DefaultType(sources, options), content, sectionsPerVolume, total);
            var input = new float[first.Width * first.Height];
            var output = options.Bin == 1 ? input : new float[width * height];
            using var fft = options.Bin > 1 ? FftBackends.Create() : null;
            using (sink)
            {
                foreach (var source in sources)
                {
                    for (int i = 0; i < source.Count; i++)
                    {
                        cancellation.ThrowIfCancellationRequested();
                        source.Read(i, input);
                        if (options.Bin > 1)
                            FourierResample.Resample(input, new FftShape(source.Width, source.Height), output, new FftShape(width, height), fft!);
                        sink.Append(output);
                        progress?.Report(new WorkProgress(++done, total, source.Path));
                    }
                }
            }
            return new Summary(options.Inputs, sink.Outputs, total, width, height, pixelSize, sink.TypeName);
        }
        finally
        {
            sources.ForEach(s => s.Dispose());
        }
    }

    /// <summary>A single MRC volume (or volume stack) written to MRC stays a volume; everything else becomes an image stack.</summary>
    private static (MrcContent Content, int SectionsPerVolume) VolumeLayout(Options options)
    {
        if (options.Inputs.Count != 1 || options.Split || ImageFiles.Detect(options.Inputs[0]) != FileFormat.Mrc || ImageFiles.FromExtension(options.Output) != FileFormat.Mrc)
            return (MrcContent.ImageStack, 1);
        using var reader = MrcReader.Open(options.Inputs[0]);
        var content = reader.Header.Content;
        return content is MrcContent.Volume or MrcContent.VolumeStack ? (content, reader.Depth / reader.VolumeCount) : (MrcContent.ImageStack, 1);
    }

    private static SampleType DefaultType(List<IImageSource> sources, Options options)
    {
        if (options.Bin > 1)
            return SampleType.Float32;
        var types = sources.Select(s => s.SampleType).Distinct().ToList();
        return types.Count == 1 ? types[0] : SampleType.Float32;
    }

    /// <summary>Writes appended images to one MRC/TIFF file, or to one file per image under --split.</summary>
    private sealed class OutputSink(Options options, FileFormat format, int width, int height, double pixelSizeA, SampleType inputType,
        MrcContent content, int sectionsPerVolume, int totalImages) : IDisposable
    {
        private readonly MrcMode _mode = options.Mode ?? inputType switch
        {
            SampleType.Int8 or SampleType.UInt4 => MrcMode.Int8,
            SampleType.Int16 => MrcMode.Int16,
            SampleType.UInt8 or SampleType.UInt16 => MrcMode.UInt16,
            SampleType.Float16 => MrcMode.Float16,
            _ => MrcMode.Float32,
        };
        private readonly TiffPixelType _tiffType = options.TiffType ?? inputType switch
        {
            SampleType.UInt8 or SampleType.UInt4 => TiffPixelType.UInt8,
            SampleType.UInt16 => TiffPixelType.UInt16,
            SampleType.Int8 or SampleType.Int16 => TiffPixelType.Int16,
            _ => TiffPixelType.Float32,
        };
        private MrcStackWriter? _mrc;
        private TiffMovieWriter? _tiff;

        public List<string> Outputs { get; } = [];

        public string TypeName => format == FileFormat.Mrc ? $"MRC mode {(int)_mode} ({_mode})" : $"TIFF {_tiffType} {options.Compression}";

        public void Append(ReadOnlySpan<float> pixels)
        {
            if (options.Split || (_mrc is null && _tiff is null))
                Open(options.Split ? SplitName(Outputs.Count + 1) : options.Output);
            _mrc?.Append(pixels);
            _tiff?.Append(pixels);
            if (options.Split)
                Close();
        }

        private void Open(string path)
        {
            Close();
            string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null)
                Directory.CreateDirectory(dir);
            var mrcOptions = new MrcWriteOptions { Mode = _mode, Labels = ["Concord convert"] };
            if (format == FileFormat.Mrc)
                _mrc = new MrcStackWriter(path, width, height, pixelSizeA, mrcOptions, content, sectionsPerVolume);
            else
            {
                // Classic TIFF addresses 4 GB; switch to BigTIFF well before that (compression may not shrink the data).
                bool big = !options.Split && (long)width * height * totalImages * 4 > int.MaxValue;
                _tiff = new TiffMovieWriter(path, width, height, new TiffWriteOptions(_tiffType, options.Compression), big);
            }
            Outputs.Add(path);
        }

        private string SplitName(int number)
        {
            string ext = Path.GetExtension(options.Output);
            string stem = options.Output[..^ext.Length];
            return $"{stem}_{number:D6}{(ext.Equals(".mrcs", StringComparison.OrdinalIgnoreCase) ? ".mrc" : ext)}";
        }

        private void Close()
        {
            _mrc?.Dispose();
            _tiff?.Dispose();
            (_mrc, _tiff) = (null, null);
        }

        public void Dispose() => Close();
    }
}
