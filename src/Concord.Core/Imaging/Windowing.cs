using Concord.Core.Fourier;

namespace Concord.Core.Imaging;

/// <summary>
/// Real-space cropping and padding about the centre, as RELION's <c>window</c>: the centre pixel N/2 (integer division)
/// of the input lands on the centre M/2 of the output along each axis, so particles stay centred and the rotation
/// origin is kept. Output pixels with no input pixel take <c>fill</c>. The pixel size does not change.
/// </summary>
public static class Windowing
{
    /// <summary>Copies <paramref name="source"/> (shape <paramref name="sourceShape"/>) into <paramref name="destination"/>
    /// (shape <paramref name="destinationShape"/>) centre on centre; works for any mix of cropping and padding per axis.</summary>
    public static void Window(ReadOnlySpan<float> source, FftShape sourceShape, Span<float> destination, FftShape destinationShape, float fill = 0f)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(source.Length, sourceShape.RealLength, "Window source");
        ShapeMismatchException.ThrowIfLengthDiffers(destination.Length, destinationShape.RealLength, "Window destination");
        // Output index = input index + offset along each axis.
        int ox = (destinationShape.NX / 2) - (sourceShape.NX / 2);
        int oy = (destinationShape.NY / 2) - (sourceShape.NY / 2);
        int oz = (destinationShape.NZ / 2) - (sourceShape.NZ / 2);
        int xStart = Math.Max(0, ox), xEnd = Math.Min(destinationShape.NX, sourceShape.NX + ox);
        for (int z = 0; z < destinationShape.NZ; z++)
        {
            int zs = z - oz;
            for (int y = 0; y < destinationShape.NY; y++)
            {
                int ys = y - oy;
                var row = destination.Slice(((z * destinationShape.NY) + y) * destinationShape.NX, destinationShape.NX);
                if (zs < 0 || zs >= sourceShape.NZ || ys < 0 || ys >= sourceShape.NY || xStart >= xEnd)
                {
                    row.Fill(fill);
                    continue;
                }
                row[..xStart].Fill(fill);
                row[xEnd..].Fill(fill);
                int sourceRow = ((zs * sourceShape.NY) + ys) * sourceShape.NX;
                source.Slice(sourceRow + xStart - ox, xEnd - xStart).CopyTo(row[xStart..xEnd]);
            }
        }
    }

    /// <summary>A new image of <paramref name="width"/> × <paramref name="height"/> holding <paramref name="image"/> windowed about its centre.</summary>
    public static Image2D Window(Image2D image, int width, int height, float fill = 0f)
    {
        var result = Image2D.CreateUninitialized(width, height, image.PixelSizeA);
        Window(image.Span, new FftShape(image.Width, image.Height), result.Span, new FftShape(width, height), fill);
        return result;
    }

    /// <summary>A new volume of <paramref name="nx"/> × <paramref name="ny"/> × <paramref name="nz"/> holding <paramref name="volume"/> windowed about its centre.</summary>
    public static Volume Window(Volume volume, int nx, int ny, int nz, float fill = 0f)
    {
        var result = Volume.CreateUninitialized(nx, ny, nz, volume.PixelSizeA);
        Window(volume.Span, new FftShape(volume.NX, volume.NY, volume.NZ), result.Span, new FftShape(nx, ny, nz), fill);
        return result;
    }

    /// <summary>Window to a cube of side <paramref name="size"/>.</summary>
    public static Volume Window(Volume volume, int size, float fill = 0f) => Window(volume, size, size, size, fill);
}
