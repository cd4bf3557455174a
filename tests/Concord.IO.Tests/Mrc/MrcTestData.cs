using Concord.Core.Imaging;
using Concord.IO.Mrc;

namespace Concord.IO.Tests.Mrc;

/// <summary>Seeded pixel data representable exactly in each MRC mode, so round trips can be compared bit for bit.</summary>
internal static class MrcTestData
{
    public static readonly MrcMode[] WritableModes = [MrcMode.Int8, MrcMode.Int16, MrcMode.Float32, MrcMode.UInt16, MrcMode.Float16];

    public static float[] Pixels(MrcMode mode, int count, int seed)
    {
        var rng = new Random(seed);
        var p = new float[count];
        for (int i = 0; i < count; i++)
        {
            p[i] = mode switch
            {
                MrcMode.Int8 => rng.Next(sbyte.MinValue, sbyte.MaxValue + 1),
                MrcMode.Int16 => rng.Next(short.MinValue, short.MaxValue + 1),
                MrcMode.UInt16 => rng.Next(0, ushort.MaxValue + 1),
                // Small magnitudes: mrcfile.validate computes float16 statistics in float16, which overflows beyond ~±10.
                MrcMode.Float16 => (float)(Half)(float)(rng.NextDouble() * 2 - 1),
                _ => (float)(rng.NextDouble() * 2e4 - 1e4),
            };
        }
        return p;
    }

    public static ImageStack Stack(MrcMode mode, int width, int height, int count, int seed, double pixelSizeA = 1.25)
    {
        var stack = ImageStack.CreateUninitialized(width, height, count, pixelSizeA);
        Pixels(mode, width * height * count, seed).CopyTo(stack.Span);
        return stack;
    }

    public static Volume Volume(MrcMode mode, int nx, int ny, int nz, int seed, double pixelSizeA = 2.5) =>
        Core.Imaging.Volume.FromVoxels(nx, ny, nz, Pixels(mode, nx * ny * nz, seed), pixelSizeA);
}
