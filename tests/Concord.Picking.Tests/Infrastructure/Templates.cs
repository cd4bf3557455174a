using Concord.Core.Fourier;
using Concord.Core.Geometry;
using Concord.Core.Imaging;
using Concord.Core.Projection;
using Concord.Simulation.Presets;

namespace Concord.Picking.Tests.Infrastructure;

/// <summary>Re-projections of the simulated molecule (protein bright, as projections of a map are) to use as templates.</summary>
public static class Templates
{
    public static List<Image2D> Projections(int count, int seed)
    {
        var (models, _) = PresetPhantoms.Models(new PhantomSpec(PhantomKind.Fold, Residues: 360, BoxSize: 64));
        using var map = PresetPhantoms.Maps([models[0]], 64, 1.5)[0];
        using var fft = FftBackends.CreateDeterministic();
        var projector = new FourierProjector(map, fft);
        var random = new Random(seed);
        var result = new List<Image2D>();
        for (int i = 0; i < count; i++)
        {
            var image = new Image2D(64, 64, 1.5);
            projector.Project(Rotation3f.FromMatrix(RandomRotations.NextEulerAngles(random).ToMatrix()), image.Span);
            result.Add(image);
        }
        return result;
    }
}
