using Concord.Core.Atoms;

namespace Concord.Simulation.Phantoms;

/// <summary>
/// Two conformations of one molecule for 3D classification tests: the atoms on the +x side of the centroid form a
/// domain that swings by a hinge angle about the z axis through the origin (an opening motion); the −x side stays.
/// </summary>
public static class Conformations
{
    public static (AtomicModel Closed, AtomicModel Open) HingePair(AtomicModel model, double hingeAngleDeg = 25)
    {
        var centered = model.Centered();
        double a = hingeAngleDeg * Math.PI / 180, cos = Math.Cos(a), sin = Math.Sin(a);
        var moved = centered.Atoms
            .Select(atom => atom.X <= 0 ? atom : atom with { X = cos * atom.X - sin * atom.Y, Y = sin * atom.X + cos * atom.Y })
            .ToArray();
        return (new AtomicModel(centered.Atoms, centered.Name + "-closed"), new AtomicModel(moved, centered.Name + "-open"));
    }
}
