using System.Globalization;
using System.Text;

namespace Concord.IO.Star;

/// <summary>
/// A STAR loop: labelled columns and rows of values. Cells are kept as raw token bytes (quotes included) inside the
/// file's buffer, addressed by offset and length, so a million-row table costs two ints per cell and no strings;
/// numbers are parsed on access straight from UTF-8. Values set or added later live in a side buffer
/// (negative offsets), so editing never copies the file.
/// </summary>
public sealed partial class StarTable
{
    private readonly List<StarLabel> _columns = [];
    private readonly Dictionary<string, int> _columnIndex = new(StringComparer.Ordinal);
    private readonly byte[] _source;
    private byte[] _extra = new byte[256];
    private int _extraLength;
    private int[] _start;
    private int[] _length;
    private readonly int[] _lines;

    /// <summary>An empty table with the given columns.</summary>
    public StarTable(IEnumerable<StarLabel> columns)
        : this(columns, [], [], [], [], 0, "", 0) { }

    internal StarTable(IEnumerable<StarLabel> columns, byte[] source, int[] start, int[] length, int[] lines, int rowCount, string path, int headerLine)
    {
        foreach (var c in columns)
            AddColumnName(c, path, headerLine);
        _source = source;
        _start = start;
        _length = length;
        _lines = lines;
        RowCount = rowCount;
        SourcePath = path;
        HeaderLine = headerLine;
    }

    public IReadOnlyList<StarLabel> Columns => _columns;
    public int RowCount { get; private set; }

    /// <summary>File the table was read from (empty for a table built in memory), for error messages.</summary>
    public string SourcePath { get; }

    /// <summary>1-based line of <c>loop_</c> in the source file, 0 for a table built in memory.</summary>
    public int HeaderLine { get; }

    private int Stride => _columns.Count;

    private void AddColumnName(StarLabel label, string path, int line)
    {
        if (!_columnIndex.TryAdd(label.Name, _columns.Count))
            throw new StarFormatException(path, line, label.Tag, "label appears twice in one loop.");
        _columns.Add(label);
    }

    public bool HasColumn(StarLabel label) => _columnIndex.ContainsKey(label.Name);

    /// <summary>Column index of <paramref name="label"/>, or −1.</summary>
    public int ColumnOf(StarLabel label) => _columnIndex.GetValueOrDefault(label.Name, -1);

    /// <summary>Column index of <paramref name="label"/>; throws <see cref="StarFormatException"/> naming the loop's line when absent.</summary>
    public int RequireColumn(StarLabel label, string blockName = "")
    {
        int c = ColumnOf(label);
        if (c < 0)
        {
            string where = blockName.Length > 0 ? $"the loop of data_{blockName}" : "the loop";
            throw new StarFormatException(SourcePath, HeaderLine, label.Tag, $"required label is missing from {where}; it has {string.Join(", ", _columns.Select(x => x.Tag))}.");
        }
        return c;
    }

    /// <summary>1-based source line of <paramref name="row"/>, 0 for rows added in memory.</summary>
    public int LineOf(int row) => row < _lines.Length ? _lines[row] : 0;

    /// <summary>The cell's raw token as written (quotes included), as UTF-8.</summary>
    public ReadOnlySpan<byte> GetRaw(int row, int column)
    {
        int i = CellIndex(row, column);
        int s = _start[i];
        return s >= 0 ? _source.AsSpan(s, _length[i]) : _extra.AsSpan(~s, _length[i]);
    }

    private int CellIndex(int row, int column)
    {
        if ((uint)row >= (uint)RowCount)
            throw new ArgumentOutOfRangeException(nameof(row), row, $"the table has {RowCount} rows.");
        if ((uint)column >= (uint)Stride)
            throw new ArgumentOutOfRangeException(nameof(column), column, $"the table has {Stride} columns.");
        return row * Stride + column;
    }

    /// <summary>The cell's value as text, without surrounding quotes.</summary>
    public string GetString(int row, int column) => Encoding.UTF8.GetString(StarSyntax.Unquote(GetRaw(row, column)));

    public string GetString(int row, StarLabel label) => GetString(row, RequireColumn(label));

    public double GetDouble(int row, StarLabel label) => GetDouble(row, RequireColumn(label));

    public int GetInt(int row, StarLabel label) => GetInt(row, RequireColumn(label));

    /// <summary>The cell as a double; throws <see cref="StarFormatException"/> naming line and label when it is not a number.</summary>
    public double GetDouble(int row, int column)
    {
        var raw = StarSyntax.Unquote(GetRaw(row, column));
        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            return value;
        throw NotA("number", row, column);
    }

    /// <summary>The cell as an integer (RELION sometimes writes integers as 1.000000, which is accepted).</summary>
    public int GetInt(int row, int column)
    {
        var raw = StarSyntax.Unquote(GetRaw(row, column));
        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            return value;
        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d == Math.Round(d) && Math.Abs(d) <= int.MaxValue)
            return (int)d;
        throw NotA("integer", row, column);
    }

    public bool TryGetDouble(int row, int column, out double value) =>
        double.TryParse(StarSyntax.Unquote(GetRaw(row, column)), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    private StarFormatException NotA(string what, int row, int column) =>
        new(SourcePath, LineOf(row), _columns[column].Tag, $"expected {what}, found '{GetString(row, column)}'.");

    /// <summary>Sets a cell to text (quoted on write when STAR needs it).</summary>
    public void SetString(int row, int column, string value)
    {
        int i = CellIndex(row, column);
        (_start[i], _length[i]) = Append(StarSyntax.QuoteIfNeeded(value));
    }

    public void SetString(int row, StarLabel label, string value) => SetString(row, RequireColumn(label), value);

    /// <summary>Sets a cell to a number written in its shortest round-trip form.</summary>
    public void SetDouble(int row, int column, double value) => SetString(row, column, value.ToString("R", CultureInfo.InvariantCulture));

    public void SetDouble(int row, StarLabel label, double value) => SetDouble(row, RequireColumn(label), value);

    public void SetInt(int row, int column, int value) => SetString(row, column, value.ToString(CultureInfo.InvariantCulture));

    public void SetInt(int row, StarLabel label, int value) => SetInt(row, RequireColumn(label), value);

    private (int Start, int Length) Append(string token)
    {
        int n = Encoding.UTF8.GetByteCount(token);
        if (_extraLength + n > _extra.Length)
            Array.Resize(ref _extra, Math.Max(_extra.Length * 2, _extraLength + n));
        Encoding.UTF8.GetBytes(token, _extra.AsSpan(_extraLength));
        int start = ~_extraLength;
        _extraLength += n;
        return (start, n);
    }
}
