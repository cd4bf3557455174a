using Concord.Core.Imaging;
using Concord.Core.Learning;
using Concord.Picking.Consensus;
using Concord.Picking.DeepConsensus;

namespace Concord.Picking.Tests.DeepConsensus;

/// <summary>What a synthetic micrograph holds at each candidate position.</summary>
public enum CandidateKind
{
    Particle,
    Junk,
    Noise,
}

/// <summary>A synthetic micrograph, its truth, and the picks of three simulated pickers.</summary>
public sealed record SyntheticField(Image2D Image, IReadOnlyList<(double X, double Y, CandidateKind Kind)> Truth, IReadOnlyList<PickSet> Picks)
{
    public ConsensusResult Consensus(double radiusPx) => CoordinateConsensus.Run(Picks, radiusPx, 1);
}

/// <summary>
/// Cheap micrographs with known truth for deep consensus (no CTF, no simulator run, a few ms each): on a jittered grid
/// each cell holds a particle (an asymmetric ring with a side lobe, the "known shape"), a junk blob (a small, bright
/// spot or a streak), or nothing, under white Gaussian noise. Three "pickers" find each particle with 1 px jitter (sd per axis)
/// (each misses one with probability <see cref="MissRate"/>); each junk blob and a third of the empty cells (noise
/// picks) are found by one picker chosen at random, which is the picture deep consensus assumes.
/// </summary>
public static class SyntheticPickingData
{
    public const double PixelSizeA = 2.0;
    public const double DiameterA = 40;
    public const int Size = 320;
    public const int Cell = 32;
    public const double MissRate = 0.1;
    public static readonly string[] Pickers = ["log", "template", "topaz"];

    public static SyntheticField Make(int seed, double noiseSd = 0.8)
    {
        var rng = new SplitMix64(SplitMix64.Derive(0xDEC0DE, (ulong)seed));
        var image = new Image2D(Size, Size, PixelSizeA);
        var truth = new List<(double, double, CandidateKind)>();
        var picks = Pickers.Select(_ => new List<Pick>()).ToArray();
        for (int cy = 0; cy < Size / Cell; cy++)
            for (int cx = 0; cx < Size / Cell; cx++)
            {
                double x = cx * Cell + Cell / 2.0 + (rng.NextDouble() - 0.5) * 6, y = cy * Cell + Cell / 2.0 + (rng.NextDouble() - 0.5) * 6;
                double u = rng.NextDouble();
                var kind = u < 0.5 ? CandidateKind.Particle : u < 0.7 ? CandidateKind.Junk : CandidateKind.Noise;
                if (kind == CandidateKind.Particle)
                    DrawParticle(image, x, y, rng.NextDouble() * 2 * Math.PI);
                else if (kind == CandidateKind.Junk)
                    DrawJunk(image, x, y, ref rng);
                else if (rng.NextDouble() > 1 / 3.0)
                    continue;
                truth.Add((x, y, kind));
                if (kind == CandidateKind.Particle)
                {
                    for (int p = 0; p < picks.Length; p++)
                        if (rng.NextDouble() >= MissRate)
                            picks[p].Add(new Pick(x + rng.NextGaussian(), y + rng.NextGaussian(), 1));
                }
                else
                {
                    picks[rng.NextInt(picks.Length)].Add(new Pick(x + rng.NextGaussian(), y + rng.NextGaussian(), 1));
                }
            }
        var span = image.Span;
        for (int i = 0; i < span.Length; i++)
            span[i] += (float)(rng.NextGaussian() * noiseSd);
        return new SyntheticField(image, truth, Pickers.Select((name, p) => new PickSet(name, picks[p])).ToList());
    }

    /// <summary>Training input from several fields, consensus radius half a diameter.</summary>
    public static List<DeepConsensusMicrograph> Training(IEnumerable<SyntheticField> fields) =>
        fields.Select(f => new DeepConsensusMicrograph(f.Image, f.Consensus(DiameterA / PixelSizeA / 2))).ToList();

    /// <summary>A ring of radius 8 px with a lobe on one side (rotated by <paramref name="angle"/>).</summary>
    private static void DrawParticle(Image2D image, double x0, double y0, double angle)
    {
        double lx = x0 + 6 * Math.Cos(angle), ly = y0 + 6 * Math.Sin(angle);
        Draw(image, x0, y0, 12, (x, y) =>
        {
            double r = Math.Sqrt((x - x0) * (x - x0) + (y - y0) * (y - y0));
            double ring = Math.Exp(-(r - 7) * (r - 7) / (2 * 1.5 * 1.5));
            double lobe = Math.Exp(-((x - lx) * (x - lx) + (y - ly) * (y - ly)) / (2 * 2.0 * 2.0));
            return ring + 0.8 * lobe;
        });
    }

    /// <summary>A small, bright spot or a thin streak: what ice crystals and carbon edges look like to a picker.</summary>
    private static void DrawJunk(Image2D image, double x0, double y0, ref SplitMix64 rng)
    {
        if (rng.NextDouble() < 0.5)
        {
            Draw(image, x0, y0, 8, (x, y) => 3 * Math.Exp(-((x - x0) * (x - x0) + (y - y0) * (y - y0)) / (2 * 1.5 * 1.5)));
            return;
        }
        double a = rng.NextDouble() * Math.PI, c = Math.Cos(a), s = Math.Sin(a);
        Draw(image, x0, y0, 14, (x, y) =>
        {
            double along = (x - x0) * c + (y - y0) * s, across = -(x - x0) * s + (y - y0) * c;
            return 1.5 * Math.Exp(-across * across / 2) * Math.Exp(-along * along / (2 * 8.0 * 8.0));
        });
    }

    private static void Draw(Image2D image, double x0, double y0, int reach, Func<double, double, double> value)
    {
        for (int y = (int)y0 - reach; y <= (int)y0 + reach; y++)
            for (int x = (int)x0 - reach; x <= (int)x0 + reach; x++)
                if (x >= 0 && y >= 0 && x < image.Width && y < image.Height)
                    image[x, y] += (float)value(x, y);
    }
}
