namespace Concord.Core.Atoms;

/// <summary>One atom of a model: element symbol (upper case, e.g. "C", "FE"), position in Å, isotropic B-factor in Å², occupancy.</summary>
public readonly record struct Atom(string Element, double X, double Y, double Z, double BFactorA2 = 0, double Occupancy = 1,
    string AtomName = "", string ResidueName = "", string Chain = "", int ResidueNumber = 0);

/// <summary>An atomic model: the atoms of a PDB/mmCIF file or of a built-in phantom, coordinates in Å.</summary>
public sealed class AtomicModel
{
    public AtomicModel(IReadOnlyList<Atom> atoms, string name = "")
    {
        Atoms = atoms;
        Name = name;
    }

    public IReadOnlyList<Atom> Atoms { get; }
    public string Name { get; }

    /// <summary>Centre of the atoms (unweighted), in Å.</summary>
    public (double X, double Y, double Z) Centroid()
    {
        if (Atoms.Count == 0)
            return (0, 0, 0);
        double x = 0, y = 0, z = 0;
        foreach (var a in Atoms)
        {
            x += a.X;
            y += a.Y;
            z += a.Z;
        }
        return (x / Atoms.Count, y / Atoms.Count, z / Atoms.Count);
    }

    /// <summary>Largest distance of any atom from the centroid, in Å.</summary>
    public double Radius()
    {
        var (cx, cy, cz) = Centroid();
        double r2 = 0;
        foreach (var a in Atoms)
            r2 = Math.Max(r2, (a.X - cx) * (a.X - cx) + (a.Y - cy) * (a.Y - cy) + (a.Z - cz) * (a.Z - cz));
        return Math.Sqrt(r2);
    }

    /// <summary>A copy translated so the centroid is at the origin.</summary>
    public AtomicModel Centered()
    {
        var (cx, cy, cz) = Centroid();
        return new AtomicModel(Atoms.Select(a => a with { X = a.X - cx, Y = a.Y - cy, Z = a.Z - cz }).ToArray(), Name);
    }
}
