using System.Text;

using Concord.IO.Star;

namespace Concord.IO.Tests.Star;

/// <summary>
/// Random corruptions of valid STAR text (deleted, inserted or replaced characters, quotes, keywords, truncation):
/// parsing and reading every cell must succeed or throw <see cref="StarFormatException"/>, never anything else.
/// </summary>
public sealed class StarFuzzTests
{
    private static readonly string[] Insertions = ["'", "\"", "_", "loop_", "data_", "#", "\n", " ", "\t", ";", "@", "_rlnDefocusU", "save_", "\r\n", "1e999", "é"];

    [Fact]
    public void Corrupted_star_text_fails_only_with_StarFormatException()
    {
        byte[] valid = Encoding.UTF8.GetBytes(StarSamples.Relion31Particles + StarSamples.Particles(5, seed: 1));
        var rng = new Random(424242);
        int failures = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int iteration = 0; iteration < 10_000; iteration++)
        {
            byte[] bytes = Corrupt(valid, rng);
            try
            {
                var doc = StarReader.Parse(bytes, "fuzz.star");
                Touch(doc);
                StarReader.ParseText(StarWriter.WriteToString(doc));
            }
            catch (StarFormatException)
            {
                failures++;
            }
        }
        Assert.InRange(failures, 100, 9_999);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"fuzzing took {watch.Elapsed}");
    }

    private static void Touch(StarDocument doc)
    {
        foreach (var block in doc.Blocks)
        {
            foreach (var pair in block.Pairs)
                _ = block.GetDouble(pair.Label);
            foreach (var loop in block.Loops)
                for (int r = 0; r < loop.RowCount; r++)
                    for (int c = 0; c < loop.Columns.Count; c++)
                    {
                        _ = loop.GetString(r, c);
                        if (loop.Columns[c].Type is StarValueType.Double or StarValueType.Int)
                            _ = loop.GetDouble(r, c);
                    }
        }
        if (doc.Find("optics") is not null)
            _ = new RelionOpticsGroups(doc);
        if (doc.Find("particles")?.Loop is { } p && p.HasColumn(StarLabels.ImageName))
            for (int r = 0; r < p.RowCount; r++)
                _ = StarImageReference.Parse(p.GetString(r, StarLabels.ImageName));
    }

    private static byte[] Corrupt(byte[] valid, Random rng)
    {
        var list = new List<byte>(valid);
        for (int k = rng.Next(1, 4); k > 0; k--)
        {
            int at = rng.Next(list.Count);
            switch (rng.Next(4))
            {
                case 0:
                    list.RemoveRange(at, Math.Min(rng.Next(1, 20), list.Count - at));
                    break;
                case 1:
                    list.InsertRange(at, Encoding.UTF8.GetBytes(Insertions[rng.Next(Insertions.Length)]));
                    break;
                case 2:
                    list[at] = (byte)rng.Next(256);
                    break;
                default:
                    list.RemoveRange(at, list.Count - at);
                    break;
            }
            if (list.Count == 0)
                break;
        }
        return [.. list];
    }
}
