using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Concord.IO.Star;

namespace Concord.Benchmarks;

/// <summary>
/// STAR parse rate on a RELION 3.1 particle file of 1,000,000 rows × 16 columns (≈208 MB, as relion_refine writes it).
/// The peer is reading the same bytes into memory (File.ReadAllBytes); rows/s = 1,000,000 / mean time.
/// </summary>
[MemoryDiagnoser]
public class IoStarBenchmarks : IDisposable
{
    private const int Rows = 1_000_000;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"concord-bench-{Environment.ProcessId}.star");

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        using var w = new StreamWriter(_path, false, new UTF8Encoding(false), 1 << 20);
        w.Write("\n# version 30001\n\ndata_optics\n\nloop_\n_rlnOpticsGroupName #1\n_rlnOpticsGroup #2\n_rlnImagePixelSize #3\nopticsGroup1 1 1.060000\n\n\n# version 30001\n\ndata_particles\n\nloop_\n");
        string[] labels = ["rlnCoordinateX", "rlnCoordinateY", "rlnImageName", "rlnMicrographName", "rlnDefocusU", "rlnDefocusV", "rlnDefocusAngle",
            "rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi", "rlnOriginXAngst", "rlnOriginYAngst", "rlnClassNumber", "rlnOpticsGroup", "rlnNormCorrection", "rlnRandomSubset"];
        for (int i = 0; i < labels.Length; i++)
            w.Write($"_{labels[i]} #{i + 1}\n");
        for (int r = 0; r < Rows; r++)
        {
            w.Write(string.Create(CultureInfo.InvariantCulture,
                $"{rng.Next(4096)}.000000 {rng.Next(4096)}.000000 {r % 1000 + 1:D6}@Extract/job007/Movies/mic{r / 1000:D5}.mrcs MotionCorr/job002/Movies/mic{r / 1000:D5}.mrc "));
            w.Write(string.Create(CultureInfo.InvariantCulture,
                $"{10000 + rng.NextDouble() * 20000:F6} {10000 + rng.NextDouble() * 20000:F6} {rng.NextDouble() * 180:F6} {rng.NextDouble() * 360 - 180:F6} {rng.NextDouble() * 180:F6} {rng.NextDouble() * 360 - 180:F6} "));
            w.Write(string.Create(CultureInfo.InvariantCulture,
                $"{rng.NextDouble() * 10 - 5:F6} {rng.NextDouble() * 10 - 5:F6} {rng.Next(1, 51)} 1 {0.8 + rng.NextDouble() * 0.4:F6} {r % 2 + 1}\n"));
        }
    }

    [Benchmark(Baseline = true, Description = "File.ReadAllBytes of the same file")]
    public int ReadBytes() => File.ReadAllBytes(_path).Length;

    [Benchmark(Description = "StarReader.Read (1M rows)")]
    public int Parse() => StarReader.Read(_path).Require("particles").RequireLoop().RowCount;

    [Benchmark(Description = "Parse + read DefocusU, AngleRot, ImageName of every row")]
    public double ParseAndRead()
    {
        var t = StarReader.Read(_path).Require("particles").RequireLoop();
        int defocus = t.RequireColumn(StarLabels.DefocusU), rot = t.RequireColumn(StarLabels.AngleRot), image = t.RequireColumn(StarLabels.ImageName);
        double sum = 0;
        for (int r = 0; r < t.RowCount; r++)
            sum += t.GetDouble(r, defocus) + t.GetDouble(r, rot) + t.GetRaw(r, image).Length;
        return sum;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        File.Delete(_path);
        GC.SuppressFinalize(this);
    }
}
