using Concord.Core;

namespace Concord.IO;

/// <summary>A file that does not follow its format: carries the file, the field (or label, or line) and what was expected.</summary>
public abstract class FileFormatException : ConcordException
{
    protected FileFormatException(string path, string field, string message)
        : base($"{path}: {field}: {message}")
    {
        FilePath = path;
        Field = field;
    }

    /// <summary>The file being read or written.</summary>
    public string FilePath { get; }

    /// <summary>The header field, STAR label, line or page the problem is in.</summary>
    public string Field { get; }
}

/// <summary>An MRC/MRCS file whose header or size contradicts MRC2014 (bad mode, impossible dimensions, truncated data).</summary>
public sealed class MrcFormatException : FileFormatException
{
    public MrcFormatException(string path, string field, string message) : base(path, field, message) { }

    /// <summary>A file shorter than its header promises: names both byte counts.</summary>
    public static MrcFormatException Truncated(string path, long expectedBytes, long foundBytes) =>
        new(path, "file size", $"truncated: the header describes {expectedBytes} bytes but the file holds {foundBytes} bytes.")
        {
            ExpectedBytes = expectedBytes,
            FoundBytes = foundBytes,
        };

    public long? ExpectedBytes { get; private init; }
    public long? FoundBytes { get; private init; }
}

/// <summary>A TIFF movie Concord cannot read (unsupported sample format, tiles, inconsistent pages).</summary>
public sealed class TiffFormatException : FileFormatException
{
    public TiffFormatException(string path, string field, string message) : base(path, field, message) { }
}

/// <summary>A STAR file that breaks the grammar or lacks what the caller requires; names the line and the label.</summary>
public sealed class StarFormatException : FileFormatException
{
    public StarFormatException(string path, int line, string label, string message)
        : base(path, line > 0 ? $"line {line}{(label.Length > 0 ? $", {label}" : "")}" : label, message)
    {
        Line = line;
        Label = label;
    }

    /// <summary>1-based line number, 0 when the problem is not tied to one line.</summary>
    public int Line { get; }

    /// <summary>The STAR label involved (with its leading underscore), or empty.</summary>
    public string Label { get; }
}
