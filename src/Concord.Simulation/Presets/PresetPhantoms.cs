using Concord.Core.Atoms;
using Concord.Core.Imaging;
using Concord.Simulation.Phantoms;

namespace Concord.Simulation.Presets;

/// <summary>Builds a preset's atomic models and maps: the conformations, and a junk fragment (a piece of the molecule).</summary>
public static class PresetPhantoms
{
    public static (IReadOnlyList<AtomicModel> Conformations, AtomicModel Fragment) Models(PhantomSpec spec)
    {
        IReadOnlyList<AtomicModel> conformations = spec.ModelPath is not null ? [IO.Atoms.AtomFileReader.Read(spec.ModelPath).Centered()] : spec.Kind switch
        {
            PhantomKind.Fold => [ProteinFold.Build(spec.Residues, spec.Seed)],
            PhantomKind.TwoConformations => Pair(ProteinFold.Build(spec.Residues, spec.Seed), spec.HingeAngleDeg),
            _ => [Capsid.Build(spec.Symmetry, spec.ShellRadiusA, spec.Residues, spec.Seed)],
        };
        return (conformations, Fragment(conformations[0], spec.Seed));
    }

    /// <summary>Maps of the models in a cubic box at <paramref name="pixelSizeA"/>, centred on the first conformation's centroid.</summary>
    /// <param name="inIce">Subtract the vitreous ice each molecule displaces (<see cref="AtomicDensity"/>): the contrast a particle has in a micrograph.</param>
    public static List<Volume> Maps(IEnumerable<AtomicModel> models, int boxSize, double pixelSizeA, int maxDegreeOfParallelism = -1, bool inIce = false) =>
        models.Select(m => AtomicDensity.Compute(m, boxSize, pixelSizeA, centerOnModel: false, maxDegreeOfParallelism: maxDegreeOfParallelism,
            displacedSolventPerA3: inIce ? AtomicDensity.VitreousIcePerA3 : 0)).ToList();

    private static AtomicModel[] Pair(AtomicModel fold, double angle)
    {
        var (closed, open) = Conformations.HingePair(fold, angle);
        return [closed, open];
    }

    /// <summary>Atoms within a third of the molecule's radius of a seeded atom: a compact piece, as a broken particle.</summary>
    private static AtomicModel Fragment(AtomicModel model, int seed)
    {
        var random = new Random(seed + 101);
        var centred = model.Centered();
        var pivot = centred.Atoms[random.Next(centred.Atoms.Count)];
        double r = centred.Radius() / 3, r2 = r * r;
        var piece = centred.Atoms.Where(a => (a.X - pivot.X) * (a.X - pivot.X) + (a.Y - pivot.Y) * (a.Y - pivot.Y) + (a.Z - pivot.Z) * (a.Z - pivot.Z) <= r2).ToArray();
        // Re-centre the piece so it sits in the middle of its box like a picked particle would.
        return new AtomicModel(piece, model.Name + "-fragment").Centered();
    }
}
