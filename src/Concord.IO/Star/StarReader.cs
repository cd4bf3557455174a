using System.Text;

namespace Concord.IO.Star;

/// <summary>
/// Parses STAR files (RELION 3.0 and 3.1) in one pass over the file's bytes. Loop rows must each sit on one line, as
/// RELION writes and requires; a row with too few or too many values is an error naming the line and the label.
/// Cells stay as offsets into the file buffer (see <see cref="StarTable"/>), so a million-row particle file parses in
/// well under a second per 100 MB and allocates no per-cell strings.
/// </summary>
public static class StarReader
{
    public static StarDocument Read(string path)
    {
        var info = new FileInfo(path);
        if (info.Exists && info.Length > Array.MaxLength)
            throw new StarFormatException(path, 0, "", $"file of {info.Length} bytes exceeds the {Array.MaxLength}-byte limit of one buffer.");
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses STAR text held in <paramref name="utf8"/>; the buffer is kept by the returned tables (do not modify it).</summary>
    public static StarDocument Parse(byte[] utf8, string path = "<memory>") => new Parser(utf8, path).Run();

    public static StarDocument ParseText(string text, string path = "<memory>") => Parse(Encoding.UTF8.GetBytes(text), path);

    private sealed class Parser(byte[] data, string path)
    {
        private readonly List<string> _pendingComments = [];
        private StarDocument _doc = null!;
        private StarBlock? _block;
        private int _pos;
        private int _lineNumber;
        private int _lineStart;
        private int _lineEnd;

        public StarDocument Run()
        {
            _doc = new StarDocument { SourcePath = path };
            bool reuse = false;
            while (reuse || NextLine())
            {
                reuse = false;
                var line = Line;
                int p = 0;
                while (p < line.Length && StarSyntax.IsSpace(line[p]))
                    p++;
                if (p == line.Length)
                    continue;
                var rest = line[p..];
                if (rest[0] == (byte)'#')
                    _pendingComments.Add(Encoding.UTF8.GetString(rest[1..]).Trim());
                else if (StartsWith(rest, "data_"u8))
                    StartBlock(Encoding.UTF8.GetString(Token(rest)[5..]));
                else if (StartsWith(rest, "loop_"u8))
                    reuse = ReadLoop();
                else if (rest[0] == (byte)'_')
                    ReadPair(rest);
                else if (rest[0] == (byte)';')
                    throw Error("", "semicolon-delimited text fields are not supported (RELION does not write them).");
                else if (StartsWith(rest, "global_"u8) || StartsWith(rest, "save_"u8) || StartsWith(rest, "stop_"u8))
                    throw Error("", $"'{Encoding.UTF8.GetString(Token(rest))}' frames are not supported; expected data_, loop_ or _label.");
                else
                    throw Error("", $"expected data_, loop_, a _label or a comment, found '{Shorten(rest)}'.");
            }
            var tail = _block?.Comments;
            tail?.AddRange(_pendingComments);
            return _doc;
        }

        private ReadOnlySpan<byte> Line => data.AsSpan(_lineStart, _lineEnd - _lineStart);

        private bool NextLine()
        {
            if (_pos >= data.Length)
                return false;
            _lineStart = _pos;
            int nl = data.AsSpan(_pos).IndexOf((byte)'\n');
            _lineEnd = nl < 0 ? data.Length : _pos + nl;
            _pos = nl < 0 ? data.Length : _lineEnd + 1;
            _lineNumber++;
            return true;
        }

        private static bool StartsWith(ReadOnlySpan<byte> s, ReadOnlySpan<byte> keyword) =>
            s.Length >= keyword.Length && Ascii.EqualsIgnoreCase(s[..keyword.Length], keyword);

        private static ReadOnlySpan<byte> Token(ReadOnlySpan<byte> s)
        {
            int end = 0;
            while (end < s.Length && !StarSyntax.IsSpace(s[end]))
                end++;
            return s[..end];
        }

        private static string Shorten(ReadOnlySpan<byte> s) => Encoding.UTF8.GetString(s[..Math.Min(s.Length, 60)]).Trim();

        private StarFormatException Error(string label, string message) => new(path, _lineNumber, label, message);

        private void StartBlock(string name)
        {
            _block = _doc.Add(name);
            _block.LeadingComments.AddRange(_pendingComments);
            _pendingComments.Clear();
        }

        private StarBlock CurrentBlock(string what) =>
            _block ?? throw Error(what, "found before any data_ block.");

        private void FlushComments(StarBlock block)
        {
            block.Comments.AddRange(_pendingComments);
            _pendingComments.Clear();
        }

        private void ReadPair(ReadOnlySpan<byte> rest)
        {
            var nameBytes = Token(rest);
            string name = Encoding.UTF8.GetString(nameBytes);
            var block = CurrentBlock(name);
            FlushComments(block);
            int p = nameBytes.Length;
            if (!StarSyntax.NextToken(rest, ref p, out int start, out int length, out bool unterminated))
                throw Error(name, unterminated ? "unterminated quoted value." : "label has no value on its line.");
            block.Pairs.Add(new StarPair(StarLabel.Get(name), Encoding.UTF8.GetString(rest.Slice(start, length))));
        }

        /// <summary>Reads a loop; returns true when it stopped on a line the main loop must still handle.</summary>
        private bool ReadLoop()
        {
            var block = CurrentBlock("loop_");
            FlushComments(block);
            int headerLine = _lineNumber;
            var labels = new List<StarLabel>();
            bool more;
            while ((more = NextLine()) && IsLabelOrBlank(Line, out var label))
            {
                if (label.Length > 0)
                    labels.Add(StarLabel.Get(Encoding.UTF8.GetString(label)));
            }
            if (labels.Count == 0)
                throw Error("loop_", "loop_ has no _labels.");
            return ReadRows(block, labels, headerLine, more);
        }

        private static bool IsLabelOrBlank(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> label)
        {
            label = default;
            int p = 0;
            while (p < line.Length && StarSyntax.IsSpace(line[p]))
                p++;
            if (p == line.Length)
                return true;
            if (line[p] != (byte)'_')
                return false;
            label = Token(line[p..]);
            return true;
        }

        private bool ReadRows(StarBlock block, List<StarLabel> labels, int headerLine, bool haveLine)
        {
            int n = labels.Count;
            var starts = new GrowableInts(1024 * n);
            var lengths = new GrowableInts(1024 * n);
            var lines = new GrowableInts(1024);
            bool stoppedOnLine = false;
            while (haveLine)
            {
                var line = Line;
                int p = 0;
                int count = 0;
                bool keyword = false;
                while (StarSyntax.NextToken(line, ref p, out int start, out int length, out bool unterminated) || unterminated)
                {
                    if (unterminated)
                        throw Error(count < n ? labels[count].Tag : "", "unterminated quoted string.");
                    if (count == 0 && IsKeyword(line.Slice(start, length)))
                    {
                        keyword = true;
                        break;
                    }
                    if (count == n)
                        throw Error(labels[n - 1].Tag, $"row has more than the {n} values the loop declares (extra value after the last label).");
                    starts.Add(_lineStart + start);
                    lengths.Add(length);
                    count++;
                }
                if (keyword)
                {
                    stoppedOnLine = true;
                    break;
                }
                if (count > 0 && count < n)
                    throw Error(labels[count].Tag, $"row has {count} values but the loop declares {n}; the value for {labels[count].Tag} is missing.");
                if (count == n)
                    lines.Add(_lineNumber);
                haveLine = NextLine();
            }
            block.Loops.Add(new StarTable(labels, data, starts.Array, lengths.Array, lines.Array, lines.Count, path, headerLine));
            return stoppedOnLine;
        }

        private static bool IsKeyword(ReadOnlySpan<byte> token) =>
            token[0] == (byte)'_' || StartsWith(token, "data_"u8) || StartsWith(token, "loop_"u8)
            || StartsWith(token, "global_"u8) || StartsWith(token, "save_"u8) || StartsWith(token, "stop_"u8);
    }

    /// <summary>A List&lt;int&gt; that hands out its array without copying.</summary>
    private struct GrowableInts(int capacity)
    {
        public int[] Array = new int[Math.Max(capacity, 4)];
        public int Count;

        public void Add(int value)
        {
            if (Count == Array.Length)
                System.Array.Resize(ref Array, Array.Length * 2);
            Array[Count++] = value;
        }
    }
}
