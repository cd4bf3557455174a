using System.Globalization;
using System.Text.RegularExpressions;

using Concord.IO.Mrc;
using Concord.IO.Tests.Infrastructure;

namespace Concord.IO.Tests.Mrc;

/// <summary>Concord's MRC files against mrcfile's MRC2014 validator and RELION's image reader, and RELION's output read back.</summary>
public sealed partial class MrcInteropTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [FactRequiresMrcfile]
    public void Every_mode_and_kind_Concord_writes_passes_mrcfile_validate()
    {
        var files = new List<string>();
        foreach (var mode in MrcTestData.WritableModes)
        {
            var options = new MrcWriteOptions { Mode = mode, OriginXA = 4, Labels = ["Concord interop"] };
            using var stack = MrcTestData.Stack(mode, 12, 10, 3, seed: 1);
            using var volume = MrcTestData.Volume(mode, 6, 6, 6, seed: 2);
            using var image = stack.GetImage(0);
            files.Add(Write($"stack{(int)mode}.mrcs", p => MrcWriter.Write(p, stack, options)));
            files.Add(Write($"image{(int)mode}.mrc", p => MrcWriter.Write(p, image, options)));
            files.Add(Write($"volume{(int)mode}.mrc", p => MrcWriter.Write(p, volume, options)));
            files.Add(Write($"vstack{(int)mode}.mrc", p => MrcWriter.WriteVolumeStack(p, [volume, volume], options)));
        }
        const string script = "import mrcfile,sys\nbad=[f for f in sys.argv[1:] if not mrcfile.validate(f)]\nprint('invalid:', bad)\nsys.exit(1 if bad else 0)";
        int code = ExternalTools.Run(ExternalTools.MrcfilePython!, ["-c", script, .. files], out string output);
        Assert.True(code == 0, output);
    }

    [FactRequiresRelion]
    public void Relion_reads_Concord_stack_statistics()
    {
        using var stack = MrcTestData.Stack(MrcMode.Float32, 16, 16, 3, seed: 5, pixelSizeA: 1.5);
        string path = Write("relion.mrcs", p => MrcWriter.Write(p, stack));
        int code = ExternalTools.Run("relion_image_handler", ["--i", path, "--stats"], out string output);
        Assert.True(code == 0, output);
        var lines = StatsLine().Matches(output);
        Assert.Equal(3, lines.Count);
        for (int i = 0; i < 3; i++)
        {
            var values = stack.Slice(i).ToArray().Select(v => (double)v).ToArray();
            double mean = values.Average();
            double sd = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
            var m = lines[i];
            Assert.Equal($"{i + 1:D6}@{path}", m.Groups["ref"].Value);
            Assert.Equal(mean, Parse(m, "avg"), Math.Abs(mean) * 1e-5 + 1e-3);
            Assert.Equal(sd, Parse(m, "sd"), sd * 1e-5);
            Assert.Equal(values.Max(), Parse(m, "max"), Math.Abs(values.Max()) * 1e-5);
            Assert.Equal(1.5, Parse(m, "angpix"), 6);
        }
    }

    [FactRequiresRelion]
    public void Concord_reads_what_relion_writes_with_identical_values()
    {
        using var stack = MrcTestData.Stack(MrcMode.Float32, 16, 12, 4, seed: 6, pixelSizeA: 1.1);
        string input = Write("in.mrcs", p => MrcWriter.Write(p, stack));
        string output = _dir.File("out.mrcs");
        int code = ExternalTools.Run("relion_image_handler", ["--i", input, "--o", output, "--multiply_constant", "2"], out string log);
        Assert.True(code == 0, log);
        using var reader = MrcReader.Open(output);
        Assert.Equal((16, 12, 4), (reader.Width, reader.Height, reader.ImageCount));
        Assert.Equal(1.1, reader.PixelSizeA, 5);
        using var back = reader.ReadStack();
        Assert.Equal(stack.Span.ToArray().Select(v => v * 2).ToArray(), back.Span.ToArray());
    }

    private string Write(string name, Action<string> write)
    {
        string path = _dir.File(name);
        write(path);
        return path;
    }

    private static double Parse(Match m, string group) => double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(?<ref>\S+) : \(x,y,z,n\)=.*?avg= (?<avg>\S+) stddev= (?<sd>\S+) minval= \S+ maxval= (?<max>[^;\s]+); angpix = (?<angpix>\S+)")]
    private static partial Regex StatsLine();
}
