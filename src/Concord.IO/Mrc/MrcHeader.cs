using System.Buffers.Binary;
using System.Text;

namespace Concord.IO.Mrc;

/// <summary>What an MRC file holds, from its space group (ISPG) and section count.</summary>
public enum MrcContent
{
    /// <summary>ISPG 0, one section.</summary>
    Image,

    /// <summary>ISPG 0, several sections: a stack of 2D images (.mrcs).</summary>
    ImageStack,

    /// <summary>ISPG 1–230: one volume.</summary>
    Volume,

    /// <summary>ISPG 401–630: NZ/MZ volumes of MZ sections each.</summary>
    VolumeStack,
}

/// <summary>
/// The 1024-byte MRC2014 main header (Cheng et al., 2015, J. Struct. Biol. 192:146), word by word. Lengths are in Å
/// (cell, origin); NX/NY/NZ are the column/row/section counts in file order, mapped to X/Y/Z by MAPC/MAPR/MAPS.
/// </summary>
public sealed class MrcHeader
{
    public const int Size = 1024;
    public const int LabelCount = 10;
    public const int LabelLength = 80;

    public int NX { get; set; }
    public int NY { get; set; }
    public int NZ { get; set; }
    public int Mode { get; set; }
    public int NXStart { get; set; }
    public int NYStart { get; set; }
    public int NZStart { get; set; }
    public int MX { get; set; }
    public int MY { get; set; }
    public int MZ { get; set; }

    /// <summary>Cell edge lengths in Å (CELLA).</summary>
    public float CellXA { get; set; }
    public float CellYA { get; set; }
    public float CellZA { get; set; }
    public float CellAlpha { get; set; } = 90;
    public float CellBeta { get; set; } = 90;
    public float CellGamma { get; set; } = 90;
    public int MapC { get; set; } = 1;
    public int MapR { get; set; } = 2;
    public int MapS { get; set; } = 3;
    public float DMin { get; set; }
    public float DMax { get; set; }
    public float DMean { get; set; }
    public int Ispg { get; set; }

    /// <summary>Bytes of extended header between this header and the data.</summary>
    public int NSymBt { get; set; }

    /// <summary>Extended header type (FEI1, FEI2, CCP4, SERI, AGAR, MRCO, HDF5) or blanks.</summary>
    public string ExtType { get; set; } = "";
    public int NVersion { get; set; } = 20140;

    /// <summary>Origin in Å (ORIGIN words 50–52).</summary>
    public float OriginXA { get; set; }
    public float OriginYA { get; set; }
    public float OriginZA { get; set; }

    /// <summary>True when the 'MAP ' identifier was present.</summary>
    public bool HasMapId { get; set; } = true;
    public bool IsBigEndian { get; set; }

    /// <summary>RMS deviation of the data from its mean; negative when not computed.</summary>
    public float Rms { get; set; }
    public IList<string> Labels { get; } = new List<string>();

    public MrcMode DataMode => (MrcMode)Mode;

    /// <summary>Pixel size along X in Å from CELLA.X / MX; null when the cell or sampling is unset.</summary>
    public double? PixelSizeA => MX > 0 && CellXA > 0 && float.IsFinite(CellXA) ? (double)CellXA / MX : null;

    public MrcContent Content => Ispg switch
    {
        >= 401 and <= 630 when MZ > 0 && NZ % MZ == 0 => MrcContent.VolumeStack,
        >= 1 and <= 230 => MrcContent.Volume,
        _ => NZ == 1 ? MrcContent.Image : MrcContent.ImageStack,
    };

    /// <summary>Bytes before the first section.</summary>
    public long DataOffset => Size + (long)NSymBt;

    /// <summary>Bytes of one section (NX × NY in file order).</summary>
    public long SectionBytes => MrcModes.RowBytes(DataMode, NX) * NY;

    /// <summary>True when MAPC/MAPR/MAPS are 1, 2, 3 (columns are X, rows Y, sections Z).</summary>
    public bool HasStandardAxisOrder => MapC == 1 && MapR == 2 && MapS == 3;

    /// <summary>Parses and validates a header; <paramref name="path"/> names the file in errors.</summary>
    public static MrcHeader Parse(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.Length < Size)
            throw MrcFormatException.Truncated(path, Size, bytes.Length);
        bool big = DetectBigEndian(bytes);
        var w = new WordReader(bytes, big);
        var h = new MrcHeader
        {
            NX = w.I(0),
            NY = w.I(1),
            NZ = w.I(2),
            Mode = w.I(3),
            NXStart = w.I(4),
            NYStart = w.I(5),
            NZStart = w.I(6),
            MX = w.I(7),
            MY = w.I(8),
            MZ = w.I(9),
            CellXA = w.F(10),
            CellYA = w.F(11),
            CellZA = w.F(12),
            CellAlpha = w.F(13),
            CellBeta = w.F(14),
            CellGamma = w.F(15),
            MapC = w.I(16),
            MapR = w.I(17),
            MapS = w.I(18),
            DMin = w.F(19),
            DMax = w.F(20),
            DMean = w.F(21),
            Ispg = w.I(22),
            NSymBt = w.I(23),
            ExtType = Encoding.ASCII.GetString(bytes.Slice(104, 4)).TrimEnd('\0', ' '),
            NVersion = w.I(27),
            OriginXA = w.F(49),
            OriginYA = w.F(50),
            OriginZA = w.F(51),
            HasMapId = bytes.Slice(208, 4).SequenceEqual("MAP "u8),
            IsBigEndian = big,
            Rms = w.F(54),
        };
        if (h.MapC == 0 && h.MapR == 0 && h.MapS == 0)
            (h.MapC, h.MapR, h.MapS) = (1, 2, 3);
        int nlabl = Math.Clamp(w.I(55), 0, LabelCount);
        for (int i = 0; i < nlabl; i++)
            h.Labels.Add(Encoding.ASCII.GetString(bytes.Slice(224 + i * LabelLength, LabelLength)).TrimEnd('\0', ' '));
        h.Validate(path);
        return h;
    }

    /// <summary>MRC2014 machine stamp: 0x44 0x44 little-endian, 0x11 0x11 big-endian. Without a stamp, the mode word decides.</summary>
    private static bool DetectBigEndian(ReadOnlySpan<byte> bytes)
    {
        if (bytes[212] == 0x11 && bytes[213] == 0x11)
            return true;
        if (bytes[212] == 0x44 && (bytes[213] == 0x44 || bytes[213] == 0x41))
            return false;
        int leMode = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        int beMode = BinaryPrimitives.ReadInt32BigEndian(bytes[12..]);
        return !MrcModes.IsSupported(leMode) && MrcModes.IsSupported(beMode);
    }

    private void Validate(string path)
    {
        if (!MrcModes.IsSupported(Mode))
            throw new MrcFormatException(path, "MODE", $"unsupported data mode {Mode}; Concord reads modes 0, 1, 2, 6, 12 and 101.");
        if (NX <= 0 || NY <= 0 || NZ <= 0)
            throw new MrcFormatException(path, "NX/NY/NZ", $"dimensions must be positive, found {NX}×{NY}×{NZ}.");
        if ((long)NX * NY > Array.MaxLength)
            throw new MrcFormatException(path, "NX/NY", $"a section of {NX}×{NY} pixels exceeds the largest buffer ({Array.MaxLength}).");
        if (NSymBt < 0)
            throw new MrcFormatException(path, "NSYMBT", $"extended header size must be ≥ 0, found {NSymBt}.");
        var axes = new[] { MapC, MapR, MapS };
        if (!axes.Order().SequenceEqual([1, 2, 3]))
            throw new MrcFormatException(path, "MAPC/MAPR/MAPS", $"expected a permutation of 1, 2, 3, found {MapC}, {MapR}, {MapS}.");
    }

    /// <summary>Writes this header as little-endian MRC2014 with the 'MAP ' identifier and machine stamp.</summary>
    public void WriteTo(Span<byte> bytes)
    {
        bytes[..Size].Clear();
        var w = new WordWriter(bytes);
        w.I(0, NX); w.I(1, NY); w.I(2, NZ); w.I(3, Mode);
        w.I(4, NXStart); w.I(5, NYStart); w.I(6, NZStart);
        w.I(7, MX); w.I(8, MY); w.I(9, MZ);
        w.F(10, CellXA); w.F(11, CellYA); w.F(12, CellZA);
        w.F(13, CellAlpha); w.F(14, CellBeta); w.F(15, CellGamma);
        w.I(16, MapC); w.I(17, MapR); w.I(18, MapS);
        w.F(19, DMin); w.F(20, DMax); w.F(21, DMean);
        w.I(22, Ispg); w.I(23, NSymBt);
        Encoding.ASCII.GetBytes(ExtType.PadRight(4).AsSpan(0, 4), bytes.Slice(104, 4));
        if (NSymBt == 0 && ExtType.Length == 0)
            bytes.Slice(104, 4).Clear();
        w.I(27, NVersion);
        w.F(49, OriginXA); w.F(50, OriginYA); w.F(51, OriginZA);
        "MAP "u8.CopyTo(bytes[208..]);
        bytes[212] = 0x44;
        bytes[213] = 0x44;
        w.F(54, Rms);
        var labels = Labels.Where(l => l.Trim().Length > 0).Take(LabelCount).ToList();
        w.I(55, labels.Count);
        for (int i = 0; i < labels.Count; i++)
        {
            string printable = new(labels[i].Select(c => c is >= ' ' and <= '~' ? c : ' ').ToArray());
            Encoding.ASCII.GetBytes(printable.Length > LabelLength ? printable.AsSpan(0, LabelLength) : printable, bytes.Slice(224 + i * LabelLength, LabelLength));
        }
    }

    private readonly ref struct WordReader(ReadOnlySpan<byte> bytes, bool bigEndian)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;

        public int I(int word) => bigEndian ? BinaryPrimitives.ReadInt32BigEndian(_bytes[(4 * word)..]) : BinaryPrimitives.ReadInt32LittleEndian(_bytes[(4 * word)..]);

        public float F(int word) => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(_bytes[(4 * word)..]) : BinaryPrimitives.ReadSingleLittleEndian(_bytes[(4 * word)..]);
    }

    private readonly ref struct WordWriter(Span<byte> bytes)
    {
        private readonly Span<byte> _bytes = bytes;

        public void I(int word, int value) => BinaryPrimitives.WriteInt32LittleEndian(_bytes[(4 * word)..], value);

        public void F(int word, float value) => BinaryPrimitives.WriteSingleLittleEndian(_bytes[(4 * word)..], value);
    }
}
