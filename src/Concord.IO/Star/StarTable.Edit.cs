namespace Concord.IO.Star;

public sealed partial class StarTable
{
    /// <summary>Appends a row; <paramref name="values"/> are texts in column order.</summary>
    public int AddRow(params ReadOnlySpan<string> values)
    {
        if (values.Length != Stride)
            throw new Core.ShapeMismatchException($"StarTable.AddRow: {values.Length} values for {Stride} columns.");
        EnsureCellCapacity((RowCount + 1) * Stride);
        int row = RowCount++;
        for (int c = 0; c < values.Length; c++)
            SetString(row, c, values[c]);
        return row;
    }

    /// <summary>Adds a column filled with <paramref name="defaultValue"/> (or returns the existing one) and returns its index.</summary>
    public int AddColumn(StarLabel label, string defaultValue)
    {
        int existing = ColumnOf(label);
        if (existing >= 0)
            return existing;
        int oldStride = Stride;
        var (start, length) = Append(StarSyntax.QuoteIfNeeded(defaultValue));
        AddColumnName(label, SourcePath, HeaderLine);
        var newStart = new int[Math.Max(RowCount * Stride, 1)];
        var newLength = new int[newStart.Length];
        for (int r = 0; r < RowCount; r++)
        {
            Array.Copy(_start, r * oldStride, newStart, r * Stride, oldStride);
            Array.Copy(_length, r * oldStride, newLength, r * Stride, oldStride);
            newStart[r * Stride + oldStride] = start;
            newLength[r * Stride + oldStride] = length;
        }
        (_start, _length) = (newStart, newLength);
        return oldStride;
    }

    /// <summary>Removes <paramref name="label"/>'s column when present; returns whether it was.</summary>
    public bool RemoveColumn(StarLabel label)
    {
        int col = ColumnOf(label);
        if (col < 0)
            return false;
        int oldStride = Stride;
        _columns.RemoveAt(col);
        _columnIndex.Clear();
        for (int c = 0; c < _columns.Count; c++)
            _columnIndex[_columns[c].Name] = c;
        for (int r = 0; r < RowCount; r++)
        {
            int src = r * oldStride, dst = r * Stride;
            for (int c = 0, k = 0; c < oldStride; c++)
            {
                if (c == col)
                    continue;
                _start[dst + k] = _start[src + c];
                _length[dst + k] = _length[src + c];
                k++;
            }
        }
        return true;
    }

    private void EnsureCellCapacity(int cells)
    {
        if (cells <= _start.Length)
            return;
        int size = Math.Max(cells, Math.Max(16, _start.Length * 2));
        Array.Resize(ref _start, size);
        Array.Resize(ref _length, size);
    }
}
