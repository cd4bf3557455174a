using Concord.Core;
using Concord.Core.Atoms;
using Concord.Core.Geometry;

namespace Concord.Simulation.Phantoms;

/// <summary>
/// A capsid-like particle with exact point-group symmetry (icosahedral by default, like the brome mosaic virus of
/// EMPIAR-10010): one asymmetric protein-like subunit placed off every symmetry axis on a shell, replicated by the
/// group's rotations (RELION's setting of the group, e.g. I2), so the map has that symmetry and no higher one.
/// </summary>
public static class Capsid
{
    /// <param name="shellRadiusA">Radius of the subunits' centres in Å.</param>
    /// <param name="subunitResidues">Residues of one subunit.</param>
    public static AtomicModel Build(string symmetry = "I2", double shellRadiusA = 90, int subunitResidues = 90, int seed = 23)
    {
        var group = PointGroup.Parse(symmetry);
        if (shellRadiusA <= 0)
            throw new InvalidParameterException("shellRadiusA", $"must be positive, got {shellRadiusA}.");
        var subunit = ProteinFold.Build(subunitResidues, seed, helixLength: 12);
        // A generic direction (on no symmetry axis) so each subunit has 60 distinct images.
        var direction = new Vector3d(0.31, 0.17, 0.93).Normalized();
        var centre = shellRadiusA * direction;
        var atoms = new List<Atom>(subunit.Atoms.Count * group.Rotations.Count);
        foreach (var r in group.Rotations)
            foreach (var a in subunit.Atoms)
            {
                var p = r * (centre + new Vector3d(a.X, a.Y, a.Z));
                atoms.Add(a with { X = p.X, Y = p.Y, Z = p.Z });
            }
        return new AtomicModel(atoms, $"capsid-{group.Name}-{subunitResidues}x{group.Rotations.Count}");
    }
}
