using System.Globalization;
using Concord.Core;
using Concord.Core.Atoms;

namespace Concord.IO.Atoms;

/// <summary>A PDB or mmCIF file that cannot be read, naming the file, the line and the problem.</summary>
public sealed class AtomFileException : ConcordException
{
    public AtomFileException(string path, int line, string message)
        : base(line > 0 ? $"{path}:{line}: {message}" : $"{path}: {message}")
    {
        Path = path;
        Line = line;
    }

    public string Path { get; }
    public int Line { get; }
}

/// <summary>
/// Reads atoms from PDB (fixed columns of ATOM/HETATM records, first MODEL only) and mmCIF (the <c>_atom_site</c> loop,
/// first model only). Hydrogens are kept; alternate locations other than blank/'A' are skipped.
/// </summary>
public static class AtomFileReader
{
    public static AtomicModel Read(string path)
    {
        if (!File.Exists(path))
            throw new AtomFileException(path, 0, "file not found.");
        var lines = File.ReadAllLines(path);
        bool cif = path.EndsWith(".cif", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".mmcif", StringComparison.OrdinalIgnoreCase)
            || lines.Any(l => l.StartsWith("_atom_site.", StringComparison.Ordinal));
        var atoms = cif ? ReadMmcif(path, lines) : ReadPdb(path, lines);
        if (atoms.Count == 0)
            throw new AtomFileException(path, 0, cif ? "no _atom_site records found." : "no ATOM or HETATM records found.");
        return new AtomicModel(atoms, System.IO.Path.GetFileNameWithoutExtension(path));
    }

    private static List<Atom> ReadPdb(string path, string[] lines)
    {
        var atoms = new List<Atom>();
        for (int i = 0; i < lines.Length; i++)
        {
            string l = lines[i];
            if (l.StartsWith("ENDMDL", StringComparison.Ordinal))
                break;
            if (!l.StartsWith("ATOM  ", StringComparison.Ordinal) && !l.StartsWith("HETATM", StringComparison.Ordinal))
                continue;
            if (l.Length < 54)
                throw new AtomFileException(path, i + 1, $"ATOM/HETATM record is {l.Length} characters long; coordinates need columns 31-54.");
            char altLoc = l.Length > 16 ? l[16] : ' ';
            if (altLoc != ' ' && altLoc != 'A')
                continue;
            string name = Column(l, 12, 4);
            string element = Column(l, 76, 2);
            if (element.Length == 0)
                element = ElementFromAtomName(name);
            atoms.Add(new Atom(
                element.ToUpperInvariant(),
                Number(path, i, l, 30, 8, "x"), Number(path, i, l, 38, 8, "y"), Number(path, i, l, 46, 8, "z"),
                l.Length >= 66 ? NumberOr(l, 60, 6, 0) : 0,
                l.Length >= 60 ? NumberOr(l, 54, 6, 1) : 1,
                name, Column(l, 17, 3), Column(l, 21, 1), (int)NumberOr(l, 22, 4, 0)));
        }
        return atoms;
    }

    private static List<Atom> ReadMmcif(string path, string[] lines)
    {
        var atoms = new List<Atom>();
        var columns = new List<string>();
        int i = 0;
        while (i < lines.Length && !lines[i].StartsWith("_atom_site.", StringComparison.Ordinal))
            i++;
        for (; i < lines.Length && lines[i].StartsWith("_atom_site.", StringComparison.Ordinal); i++)
            columns.Add(lines[i].Trim()["_atom_site.".Length..]);
        int Col(string name) => columns.IndexOf(name);
        int cx = Col("Cartn_x"), cy = Col("Cartn_y"), cz = Col("Cartn_z"), ce = Col("type_symbol");
        if (cx < 0 || cy < 0 || cz < 0)
            throw new AtomFileException(path, i, "the _atom_site loop lacks Cartn_x, Cartn_y or Cartn_z.");
        int cb = Col("B_iso_or_equiv"), co = Col("occupancy"), cn = Col("label_atom_id"), cr = Col("label_comp_id"),
            cc = Col("auth_asym_id") >= 0 ? Col("auth_asym_id") : Col("label_asym_id"), cs = Col("label_seq_id"),
            cm = Col("pdbx_PDB_model_num"), ca = Col("label_alt_id");
        string? firstModel = null;
        for (; i < lines.Length; i++)
        {
            string l = lines[i].Trim();
            if (l.Length == 0 || l.StartsWith('#') || l.StartsWith("loop_", StringComparison.Ordinal) || l.StartsWith('_'))
                break;
            var f = l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < columns.Count)
                throw new AtomFileException(path, i + 1, $"_atom_site row has {f.Length} fields, the loop declares {columns.Count}.");
            if (cm >= 0)
            {
                firstModel ??= f[cm];
                if (f[cm] != firstModel)
                    break;
            }
            if (ca >= 0 && f[ca] is not "." and not "?" and not "A")
                continue;
            string name = cn >= 0 ? f[cn].Trim('"') : "";
            string element = ce >= 0 ? f[ce] : ElementFromAtomName(name);
            atoms.Add(new Atom(element.ToUpperInvariant(),
                Parse(path, i, f[cx], "Cartn_x"), Parse(path, i, f[cy], "Cartn_y"), Parse(path, i, f[cz], "Cartn_z"),
                cb >= 0 && double.TryParse(f[cb], NumberStyles.Float, CultureInfo.InvariantCulture, out var b) ? b : 0,
                co >= 0 && double.TryParse(f[co], NumberStyles.Float, CultureInfo.InvariantCulture, out var o) ? o : 1,
                name, cr >= 0 ? f[cr] : "", cc >= 0 ? f[cc] : "",
                cs >= 0 && int.TryParse(f[cs], NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 0));
        }
        return atoms;
    }

    private static string Column(string line, int start, int length) =>
        line.Length <= start ? "" : line.Substring(start, Math.Min(length, line.Length - start)).Trim();

    private static double Number(string path, int index, string line, int start, int length, string field)
    {
        string text = Column(line, start, length);
        return Parse(path, index, text, field);
    }

    private static double Parse(string path, int index, string text, string field)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw new AtomFileException(path, index + 1, $"{field} '{text}' is not a number.");
        return value;
    }

    private static double NumberOr(string line, int start, int length, double fallback) =>
        double.TryParse(Column(line, start, length), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : fallback;

    /// <summary>PDB atom names put the element right-justified in columns 13-14; a leading digit or H marks hydrogens.</summary>
    private static string ElementFromAtomName(string name)
    {
        string letters = new(name.Where(char.IsLetter).ToArray());
        if (letters.Length == 0)
            return "C";
        return letters[0] is 'H' or 'D' && name.Length == 4 ? "H" : letters[..1];
    }
}
