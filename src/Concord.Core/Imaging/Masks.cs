using Concord.Core.Fourier;

namespace Concord.Core.Imaging;

/// <summary>What masked-out pixels become when a soft mask is applied.</summary>
public enum MaskFill
{
    /// <summary>Blend towards 0: result = m·x.</summary>
    Zero,

    /// <summary>Blend towards a given constant c: result = m·x + (1 − m)·c.</summary>
    Constant,

    /// <summary>Blend towards the (1 − m)-weighted mean of the input outside the mask, as RELION's
    /// <c>softMaskOutsideMap</c> does, so the masked image keeps its background level instead of gaining a step.</summary>
    OutsideMean,
}

/// <summary>
/// Soft circular (2D) and spherical (3D) masks centred at pixel N/2 along each axis. The mask value at distance r (px)
/// from the centre is 1 for r ≤ R, 0 for r ≥ R + W, and a raised cosine ½(1 + cos(π (r − R)/W)) in between, as in
/// RELION's soft masks: the edge starts at the radius and extends outwards by the edge width. A hard mask is W = 0.
/// </summary>
public static class Masks
{
    /// <summary>The mask value at distance <paramref name="distancePx"/> from the centre.</summary>
    public static float SoftEdgeValue(double distancePx, double radiusPx, double edgeWidthPx)
    {
        if (distancePx <= radiusPx)
            return 1f;
        if (distancePx >= radiusPx + edgeWidthPx)
            return 0f;
        return (float)(0.5 * (1 + Math.Cos(Math.PI * (distancePx - radiusPx) / edgeWidthPx)));
    }

    /// <summary>Writes the soft circular/spherical mask of <paramref name="shape"/> into <paramref name="mask"/>.</summary>
    public static void FillSoftSphere(Span<float> mask, FftShape shape, double radiusPx, double edgeWidthPx)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(mask.Length, shape.RealLength, "soft mask");
        Validate(radiusPx, edgeWidthPx);
        int cx = shape.NX / 2, cy = shape.NY / 2, cz = shape.NZ / 2;
        for (int z = 0; z < shape.NZ; z++)
            for (int y = 0; y < shape.NY; y++)
            {
                double dyz = ((double)(y - cy) * (y - cy)) + ((double)(z - cz) * (z - cz));
                var row = mask.Slice(((z * shape.NY) + y) * shape.NX, shape.NX);
                for (int x = 0; x < shape.NX; x++)
                    row[x] = SoftEdgeValue(Math.Sqrt(dyz + ((double)(x - cx) * (x - cx))), radiusPx, edgeWidthPx);
            }
    }

    /// <summary>
    /// Multiplies <paramref name="pixels"/> in place by the soft mask, blending masked-out pixels towards the value
    /// chosen by <paramref name="fill"/> (<paramref name="constant"/> is used only with <see cref="MaskFill.Constant"/>).
    /// Returns the background value blended in.
    /// </summary>
    public static float ApplySoftSphere(Span<float> pixels, FftShape shape, double radiusPx, double edgeWidthPx, MaskFill fill = MaskFill.Zero, float constant = 0f)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(pixels.Length, shape.RealLength, "soft mask pixels");
        Validate(radiusPx, edgeWidthPx);
        float background = fill switch
        {
            MaskFill.Zero => 0f,
            MaskFill.Constant => constant,
            MaskFill.OutsideMean => OutsideMean(pixels, shape, radiusPx, edgeWidthPx),
            _ => throw new InvalidParameterException("fill", $"unknown mask fill mode {fill}."),
        };
        int cx = shape.NX / 2, cy = shape.NY / 2, cz = shape.NZ / 2;
        for (int z = 0; z < shape.NZ; z++)
            for (int y = 0; y < shape.NY; y++)
            {
                double dyz = ((double)(y - cy) * (y - cy)) + ((double)(z - cz) * (z - cz));
                var row = pixels.Slice(((z * shape.NY) + y) * shape.NX, shape.NX);
                for (int x = 0; x < shape.NX; x++)
                {
                    float m = SoftEdgeValue(Math.Sqrt(dyz + ((double)(x - cx) * (x - cx))), radiusPx, edgeWidthPx);
                    row[x] = (m * row[x]) + ((1 - m) * background);
                }
            }
        return background;
    }

    /// <inheritdoc cref="ApplySoftSphere(Span{float}, FftShape, double, double, MaskFill, float)"/>
    public static float ApplySoftCircle(Image2D image, double radiusPx, double edgeWidthPx, MaskFill fill = MaskFill.Zero, float constant = 0f) =>
        ApplySoftSphere(image.Span, new FftShape(image.Width, image.Height), radiusPx, edgeWidthPx, fill, constant);

    /// <inheritdoc cref="ApplySoftSphere(Span{float}, FftShape, double, double, MaskFill, float)"/>
    public static float ApplySoftSphere(Volume volume, double radiusPx, double edgeWidthPx, MaskFill fill = MaskFill.Zero, float constant = 0f) =>
        ApplySoftSphere(volume.Span, new FftShape(volume.NX, volume.NY, volume.NZ), radiusPx, edgeWidthPx, fill, constant);

    /// <summary>A new image holding the soft circular mask.</summary>
    public static Image2D CreateSoftCircle(int width, int height, double radiusPx, double edgeWidthPx, double pixelSizeA = 1.0)
    {
        var mask = Image2D.CreateUninitialized(width, height, pixelSizeA);
        FillSoftSphere(mask.Span, new FftShape(width, height), radiusPx, edgeWidthPx);
        return mask;
    }

    /// <summary>A new cubic volume of side <paramref name="size"/> holding the soft spherical mask.</summary>
    public static Volume CreateSoftSphere(int size, double radiusPx, double edgeWidthPx, double pixelSizeA = 1.0)
    {
        var mask = Volume.CreateUninitialized(size, size, size, pixelSizeA);
        FillSoftSphere(mask.Span, new FftShape(size, size, size), radiusPx, edgeWidthPx);
        return mask;
    }

    /// <summary>Σ(1 − m)·x / Σ(1 − m): the background level RELION blends towards.</summary>
    private static float OutsideMean(ReadOnlySpan<float> pixels, FftShape shape, double radiusPx, double edgeWidthPx)
    {
        double sum = 0, weight = 0;
        int cx = shape.NX / 2, cy = shape.NY / 2, cz = shape.NZ / 2;
        for (int z = 0; z < shape.NZ; z++)
            for (int y = 0; y < shape.NY; y++)
            {
                double dyz = ((double)(y - cy) * (y - cy)) + ((double)(z - cz) * (z - cz));
                int row = ((z * shape.NY) + y) * shape.NX;
                for (int x = 0; x < shape.NX; x++)
                {
                    double w = 1 - SoftEdgeValue(Math.Sqrt(dyz + ((double)(x - cx) * (x - cx))), radiusPx, edgeWidthPx);
                    sum += w * pixels[row + x];
                    weight += w;
                }
            }
        if (weight <= 0)
            throw new InvalidParameterException("radiusPx", $"the mask (radius {radiusPx} px, edge {edgeWidthPx} px) covers the whole {shape} box, so there is no outside to average.");
        return (float)(sum / weight);
    }

    private static void Validate(double radiusPx, double edgeWidthPx)
    {
        if (!(radiusPx >= 0) || !double.IsFinite(radiusPx))
            throw new InvalidParameterException("radiusPx", $"must be a finite number ≥ 0 px, got {radiusPx}.");
        if (!(edgeWidthPx >= 0) || !double.IsFinite(edgeWidthPx))
            throw new InvalidParameterException("edgeWidthPx", $"must be a finite number ≥ 0 px, got {edgeWidthPx}.");
    }
}
