using Concord.IO.Mrc;
using Concord.IO.Tests.Infrastructure;

namespace Concord.IO.Tests.Mrc;

/// <summary>
/// Random corruptions of a valid MRC file (header words set to extreme values, flipped bytes, truncation, garbage
/// appended): reading must either succeed or throw <see cref="MrcFormatException"/>; nothing else, and quickly.
/// </summary>
public sealed class MrcFuzzTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Memory_and_file_readers_agree()
    {
        string valid = _dir.File("same.mrcs");
        using (var stack = MrcTestData.Stack(MrcMode.Float32, 9, 7, 3, seed: 8))
            MrcWriter.Write(valid, stack);
        using var fromFile = MrcReader.Open(valid);
        using var fromMemory = MrcReader.Open(File.ReadAllBytes(valid), valid);
        using var a = fromFile.ReadStack();
        using var b = fromMemory.ReadStack();
        Assert.Equal(a.Span.ToArray(), b.Span.ToArray());
    }

    [Fact]
    public void Corrupted_files_fail_only_with_MrcFormatException()
    {
        string valid = _dir.File("valid.mrcs");
        using (var stack = MrcTestData.Stack(MrcMode.Int16, 12, 10, 4, seed: 2))
            MrcWriter.Write(valid, stack, new MrcWriteOptions { Mode = MrcMode.Int16 });
        byte[] original = File.ReadAllBytes(valid);
        int[] extremes = [0, -1, 1, 2, 3, 4, 6, 12, 101, 401, 1024, int.MaxValue, int.MinValue, 65536, 46341];
        var rng = new Random(20261124);
        int failures = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int iteration = 0; iteration < 20_000; iteration++)
        {
            byte[] bytes = Corrupt(original, rng, extremes);
            try
            {
                using var reader = MrcReader.Open(bytes, "fuzz.mrcs");
                int count = Math.Min(reader.ImageCount, 3);
                for (int i = 0; i < count; i++)
                {
                    using var image = reader.ReadImage(i);
                }
                if ((long)reader.Width * reader.Height * reader.Depth < 1 << 22)
                {
                    using var volume = reader.ReadVolume(0);
                }
            }
            catch (MrcFormatException)
            {
                failures++;
            }
        }
        Assert.InRange(failures, 1000, 19_999);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"fuzzing took {watch.Elapsed}");
    }

    private static byte[] Corrupt(byte[] original, Random rng, int[] extremes)
    {
        byte[] bytes = (byte[])original.Clone();
        switch (rng.Next(4))
        {
            case 0:
                int word = rng.Next(56);
                int value = rng.Next(2) == 0 ? extremes[rng.Next(extremes.Length)] : rng.Next();
                BitConverter.TryWriteBytes(bytes.AsSpan(4 * word), value);
                return bytes;
            case 1:
                for (int k = rng.Next(1, 8); k > 0; k--)
                    bytes[rng.Next(1024)] ^= (byte)(1 << rng.Next(8));
                return bytes;
            case 2:
                return bytes[..rng.Next(bytes.Length)];
            default:
                var extra = new byte[rng.Next(1, 64)];
                rng.NextBytes(extra);
                BitConverter.TryWriteBytes(bytes.AsSpan(4 * rng.Next(24)), rng.Next(-4, 100_000));
                return [.. bytes, .. extra];
        }
    }
}
