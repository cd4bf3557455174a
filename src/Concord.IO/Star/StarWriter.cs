using System.Text;

namespace Concord.IO.Star;

/// <summary>
/// Writes a <see cref="StarDocument"/> in RELION's layout: leading comments, <c>data_NAME</c>, pairs as
/// <c>_label value</c>, loops as <c>loop_</c>, <c>_label #n</c> and one row per line. Cells are copied as raw bytes,
/// so values read from a file (including unknown labels and quoting) come back byte for byte.
/// </summary>
public static class StarWriter
{
    public static void Write(string path, StarDocument document)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Write(stream, document);
    }

    public static string WriteToString(StarDocument document)
    {
        using var stream = new MemoryStream();
        Write(stream, document);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void Write(Stream stream, StarDocument document)
    {
        foreach (var block in document.Blocks)
        {
            WriteText(stream, "\n");
            foreach (var c in block.LeadingComments)
                WriteText(stream, $"# {c}\n");
            WriteText(stream, $"\ndata_{block.Name}\n\n");
            foreach (var c in block.Comments)
                WriteText(stream, $"# {c}\n");
            int width = block.Pairs.Count == 0 ? 0 : block.Pairs.Max(p => p.Label.Tag.Length);
            foreach (var pair in block.Pairs)
                WriteText(stream, $"{pair.Label.Tag.PadRight(width)}   {pair.RawValue}\n");
            foreach (var loop in block.Loops)
                WriteLoop(stream, loop);
        }
    }

    private static void WriteLoop(Stream stream, StarTable loop)
    {
        WriteText(stream, "\nloop_ \n");
        for (int c = 0; c < loop.Columns.Count; c++)
            WriteText(stream, $"{loop.Columns[c].Tag} #{c + 1} \n");
        for (int r = 0; r < loop.RowCount; r++)
        {
            for (int c = 0; c < loop.Columns.Count; c++)
            {
                if (c > 0)
                    stream.WriteByte((byte)' ');
                stream.Write(loop.GetRaw(r, c));
            }
            stream.WriteByte((byte)'\n');
        }
        stream.WriteByte((byte)'\n');
    }

    private static void WriteText(Stream stream, string text) => stream.Write(Encoding.UTF8.GetBytes(text));
}
