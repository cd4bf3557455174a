using BenchmarkDotNet.Attributes;
using Concord.Core.Imaging;
using Concord.IO.Mrc;

namespace Concord.Benchmarks;

/// <summary>
/// MRC stack throughput against a plain copy of the same bytes (the peer: File.Copy of the .mrcs). Reading goes image by
/// image through <see cref="MrcReader"/> (positional reads + decode), writing through <see cref="MrcStackWriter"/>
/// (encode + header statistics), and <see cref="ReadAndWrite"/> is Concord's own copy of the stack. The stack is
/// 1,000 float32 images of 256×256 (262 MB), or int16 (mode 1) to include a conversion; files stay in the page cache,
/// so this measures Concord's overhead, not the disk.
/// </summary>
[MemoryDiagnoser]
public class IoMrcBenchmarks : IDisposable
{
    private const int Size = 256, Count = 1000;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "concord-bench-mrc-" + Environment.ProcessId);
    private ImageStack? _stack;
    private float[] _buffer = [];
    private string _source = "";

    [Params(MrcMode.Float32, MrcMode.Int16)]
    public MrcMode Mode { get; set; } = MrcMode.Float32;

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_dir);
        var rng = new Random(1);
        _stack = new ImageStack(Size, Size, Count, 1.06);
        var span = _stack.Span;
        for (int i = 0; i < span.Length; i++)
            span[i] = rng.Next(-2000, 2000);
        _buffer = new float[Size * Size];
        _source = Path.Combine(_dir, $"source{(int)Mode}.mrcs");
        MrcWriter.Write(_source, _stack, new MrcWriteOptions { Mode = Mode });
    }

    [Benchmark(Baseline = true, Description = "File.Copy of the same bytes")]
    public void PlainFileCopy() => File.Copy(_source, Path.Combine(_dir, "copy.mrcs"), overwrite: true);

    [Benchmark(Description = "MrcReader: every image by index")]
    public double ReadByIndex()
    {
        using var reader = MrcReader.Open(_source);
        double sum = 0;
        for (int i = 0; i < reader.ImageCount; i++)
        {
            reader.ReadImage(i, _buffer);
            sum += _buffer[i];
        }
        return sum;
    }

    [Benchmark(Description = "MrcStackWriter: stream the stack")]
    public void Write()
    {
        using var writer = new MrcStackWriter(Path.Combine(_dir, "written.mrcs"), Size, Size, 1.06, new MrcWriteOptions { Mode = Mode });
        for (int i = 0; i < Count; i++)
            writer.Append(_stack!.Slice(i));
    }

    [Benchmark(Description = "MrcReader → MrcStackWriter copy")]
    public void ReadAndWrite()
    {
        using var reader = MrcReader.Open(_source);
        using var writer = new MrcStackWriter(Path.Combine(_dir, "roundtrip.mrcs"), Size, Size, reader.PixelSizeA, new MrcWriteOptions { Mode = Mode });
        for (int i = 0; i < reader.ImageCount; i++)
        {
            reader.ReadImage(i, _buffer);
            writer.Append(_buffer);
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _stack?.Dispose();
        _stack = null;
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}
