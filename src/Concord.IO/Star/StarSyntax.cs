namespace Concord.IO.Star;

/// <summary>Token rules of STAR as RELION uses them: whitespace-separated values, '…' or "…" quoting, # comments.</summary>
internal static class StarSyntax
{
    public static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    /// <summary>Strips one pair of matching quotes.</summary>
    public static ReadOnlySpan<byte> Unquote(ReadOnlySpan<byte> raw) =>
        raw.Length >= 2 && (raw[0] == (byte)'"' || raw[0] == (byte)'\'') && raw[^1] == raw[0] ? raw[1..^1] : raw;

    /// <summary>
    /// Finds the next token in <paramref name="line"/> from <paramref name="pos"/>. Returns false at the end of the line
    /// or at a comment. A quoted token ends at the matching quote followed by whitespace or the end of the line.
    /// </summary>
    public static bool NextToken(ReadOnlySpan<byte> line, ref int pos, out int start, out int length, out bool unterminated)
    {
        unterminated = false;
        while (pos < line.Length && IsSpace(line[pos]))
            pos++;
        start = pos;
        length = 0;
        if (pos >= line.Length || line[pos] == (byte)'#')
            return false;
        byte first = line[pos];
        if (first == (byte)'"' || first == (byte)'\'')
        {
            for (int i = pos + 1; i < line.Length; i++)
            {
                if (line[i] == first && (i + 1 == line.Length || IsSpace(line[i + 1])))
                {
                    length = i + 1 - start;
                    pos = i + 1;
                    return true;
                }
            }
            unterminated = true;
            return false;
        }
        int end = pos;
        while (end < line.Length && !IsSpace(line[end]))
            end++;
        length = end - start;
        pos = end;
        return true;
    }

    /// <summary>Quotes <paramref name="value"/> when written bare it would be read back differently.</summary>
    public static string QuoteIfNeeded(string value)
    {
        bool needs = value.Length == 0 || value[0] is '_' or '#' or '\'' or '"' or ';' or '$' or '[' or ']'
            || value.Any(char.IsWhiteSpace)
            || StartsWithKeyword(value);
        if (!needs)
            return value;
        if (value.Contains('\n') || (value.Contains("\" ") && value.Contains("' ")))
            throw new Core.InvalidParameterException("STAR value", $"'{value}' cannot be written as one STAR token.");
        return value.Contains("\" ") || value.EndsWith('"') ? $"'{value}'" : $"\"{value}\"";
    }

    private static bool StartsWithKeyword(string value) =>
        value.StartsWith("data_", StringComparison.OrdinalIgnoreCase) || value.StartsWith("loop_", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("save_", StringComparison.OrdinalIgnoreCase) || value.StartsWith("global_", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("stop_", StringComparison.OrdinalIgnoreCase);
}
