using Concord.Core.Imaging;

namespace Concord.IO.Mrc;

/// <summary>How Concord writes an MRC file: data mode, origin in Å and up to ten 80-character labels.</summary>
public sealed record MrcWriteOptions
{
    public MrcMode Mode { get; init; } = MrcMode.Float32;
    public float OriginXA { get; init; }
    public float OriginYA { get; init; }
    public float OriginZA { get; init; }
    public IReadOnlyList<string> Labels { get; init; } = ["Concord"];

    public static MrcWriteOptions Default { get; } = new();
}

/// <summary>
/// Writes images, stacks, volumes and volume stacks as little-endian MRC2014 with exact header statistics
/// (min, max, mean and RMS deviation of the values as stored, i.e. after conversion to the mode).
/// ISPG is 0 for images and stacks, 1 for volumes and 401 for volume stacks, as MRC2014 prescribes.
/// </summary>
public static class MrcWriter
{
    public static void Write(string path, Image2D image, MrcWriteOptions? options = null)
    {
        using var writer = new MrcStackWriter(path, image.Width, image.Height, image.PixelSizeA, options);
        writer.Append(image.Span);
    }

    /// <summary>Writes a stack of 2D images (ISPG 0, MZ 1): the .mrcs of RELION.</summary>
    public static void Write(string path, ImageStack stack, MrcWriteOptions? options = null)
    {
        using var writer = new MrcStackWriter(path, stack.Width, stack.Height, stack.PixelSizeA, options);
        for (int i = 0; i < stack.Count; i++)
            writer.Append(stack.Slice(i));
    }

    /// <summary>Writes a volume (ISPG 1, MZ = NZ).</summary>
    public static void Write(string path, Volume volume, MrcWriteOptions? options = null)
    {
        using var writer = new MrcStackWriter(path, volume.NX, volume.NY, volume.PixelSizeA, options, MrcContent.Volume, volume.NZ);
        for (int z = 0; z < volume.NZ; z++)
            writer.Append(volume.Slice(z));
    }

    /// <summary>Writes same-sized volumes as one volume stack (ISPG 401, MZ = sections per volume).</summary>
    public static void WriteVolumeStack(string path, IReadOnlyList<Volume> volumes, MrcWriteOptions? options = null)
    {
        if (volumes.Count == 0)
            throw new Core.InvalidParameterException(nameof(volumes), "a volume stack needs at least one volume.");
        var first = volumes[0];
        using var writer = new MrcStackWriter(path, first.NX, first.NY, first.PixelSizeA, options, MrcContent.VolumeStack, first.NZ);
        foreach (var v in volumes)
        {
            first.RequireSameShape(v, "MrcWriter.WriteVolumeStack");
            for (int z = 0; z < v.NZ; z++)
                writer.Append(v.Slice(z));
        }
    }
}
