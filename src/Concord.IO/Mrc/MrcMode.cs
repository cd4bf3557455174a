namespace Concord.IO.Mrc;

/// <summary>MRC2014 data modes Concord reads; all but <see cref="Packed4Bit"/> are also written.</summary>
public enum MrcMode
{
    /// <summary>Mode 0: signed 8-bit integers (MRC2014; IMOD's unsigned variant is not assumed).</summary>
    Int8 = 0,

    /// <summary>Mode 1: signed 16-bit integers.</summary>
    Int16 = 1,

    /// <summary>Mode 2: IEEE 32-bit floats, Concord's working type.</summary>
    Float32 = 2,

    /// <summary>Mode 6: unsigned 16-bit integers (counting-camera sums).</summary>
    UInt16 = 6,

    /// <summary>Mode 12: IEEE 16-bit floats.</summary>
    Float16 = 12,

    /// <summary>Mode 101: 4-bit unsigned values packed two per byte, low nibble first, rows padded to whole bytes. Read only.</summary>
    Packed4Bit = 101,
}

/// <summary>Byte sizes and validity of <see cref="MrcMode"/> values.</summary>
public static class MrcModes
{
    public static bool IsSupported(int mode) => mode is 0 or 1 or 2 or 6 or 12 or 101;

    public static bool IsWritable(MrcMode mode) => mode != MrcMode.Packed4Bit;

    /// <summary>Bytes one row of <paramref name="width"/> pixels takes in <paramref name="mode"/>.</summary>
    public static long RowBytes(MrcMode mode, int width) => mode switch
    {
        MrcMode.Int8 => width,
        MrcMode.Int16 or MrcMode.UInt16 or MrcMode.Float16 => 2L * width,
        MrcMode.Float32 => 4L * width,
        MrcMode.Packed4Bit => (width + 1L) / 2,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "not an MRC mode Concord knows"),
    };

    /// <summary>Parses the mode given on a command line: a number (0, 1, 2, 6, 12) or a name (int8, int16, float32, uint16, float16).</summary>
    public static MrcMode Parse(string text)
    {
        if (int.TryParse(text, out int number) && IsSupported(number))
            return (MrcMode)number;
        return text.ToLowerInvariant() switch
        {
            "int8" => MrcMode.Int8,
            "int16" => MrcMode.Int16,
            "float32" or "float" => MrcMode.Float32,
            "uint16" => MrcMode.UInt16,
            "float16" or "half" => MrcMode.Float16,
            _ => throw new Core.InvalidParameterException("--mode", $"unknown MRC mode '{text}'; use 0 (int8), 1 (int16), 2 (float32), 6 (uint16) or 12 (float16)."),
        };
    }
}
