using Concord.IO.Atoms;

namespace Concord.IO.Tests.Atoms;

public sealed class AtomFileReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("concord-atoms-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Reads_pdb_columns_elements_b_factors_and_first_model_only()
    {
        string path = Write("m.pdb", """
            HEADER    TEST
            MODEL        1
            ATOM      1  N   ALA A   1      11.104   6.134  -6.504  1.00 20.00           N
            ATOM      2  CA  ALA A   1      11.639   6.071  -5.147  1.00 21.50           C
            ATOM      3 CA  BALA A   1      99.000  99.000  99.000  0.50 21.50           C
            HETATM    4 FE   HEM A   2       1.000   2.000   3.000  0.80 30.00          FE
            ENDMDL
            MODEL        2
            ATOM      1  N   ALA A   1       0.000   0.000   0.000  1.00 20.00           N
            ENDMDL
            """);
        var model = AtomFileReader.Read(path);
        Assert.Equal(3, model.Atoms.Count);
        Assert.Equal("N", model.Atoms[0].Element);
        Assert.Equal(11.639, model.Atoms[1].X, 6);
        Assert.Equal(21.5, model.Atoms[1].BFactorA2, 6);
        Assert.Equal("FE", model.Atoms[2].Element);
        Assert.Equal(0.8, model.Atoms[2].Occupancy, 6);
        Assert.Equal("A", model.Atoms[2].Chain);
    }

    [Fact]
    public void Reads_mmcif_atom_site_loop()
    {
        string path = Write("m.cif", """
            data_test
            loop_
            _atom_site.group_PDB
            _atom_site.id
            _atom_site.type_symbol
            _atom_site.label_atom_id
            _atom_site.label_comp_id
            _atom_site.label_asym_id
            _atom_site.label_seq_id
            _atom_site.Cartn_x
            _atom_site.Cartn_y
            _atom_site.Cartn_z
            _atom_site.occupancy
            _atom_site.B_iso_or_equiv
            _atom_site.pdbx_PDB_model_num
            ATOM 1 N N ALA A 1 11.104 6.134 -6.504 1.00 20.00 1
            ATOM 2 C CA ALA A 1 11.639 6.071 -5.147 1.00 21.50 1
            ATOM 3 S SG CYS A 2 1.5 2.5 3.5 1.00 30.00 1
            ATOM 4 N N ALA A 1 0 0 0 1.00 20.00 2
            #
            """);
        var model = AtomFileReader.Read(path);
        Assert.Equal(3, model.Atoms.Count);
        Assert.Equal("S", model.Atoms[2].Element);
        Assert.Equal(3.5, model.Atoms[2].Z, 6);
        Assert.Equal(30, model.Atoms[2].BFactorA2, 6);
    }

    [Fact]
    public void Bad_files_name_the_file_and_line()
    {
        string bad = Write("bad.pdb", "ATOM      1  N   ALA A   1      11.1x4   6.134  -6.504  1.00 20.00           N\n");
        var e = Assert.Throws<AtomFileException>(() => AtomFileReader.Read(bad));
        Assert.Equal(1, e.Line);
        Assert.Contains("bad.pdb", e.Message, StringComparison.Ordinal);
        Assert.Throws<AtomFileException>(() => AtomFileReader.Read(Write("empty.pdb", "HEADER nothing\n")));
        Assert.Throws<AtomFileException>(() => AtomFileReader.Read(Path.Combine(_dir, "missing.pdb")));
    }
}
