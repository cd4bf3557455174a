namespace Concord.Core.Learning;

/// <summary>
/// The im2col rearrangement (Chellapilla, Puri &amp; Simard 2006) that turns a stride-1, zero-padded ("same") convolution
/// into one matrix product: row (c·K + ky)·K + kx of the column matrix holds, for every output pixel (y, x), the input
/// value at (c, y + ky − K/2, x + kx − K/2), or 0 outside the image. The output is then W[M × C·K²] · col[C·K² × H·W].
/// <see cref="Accumulate"/> is the adjoint (col2im) used for the input gradient.
/// </summary>
public static class Im2Col
{
    /// <summary>Fills <paramref name="columns"/> ([C·K², H·W]) from one sample <paramref name="input"/> ([C, H, W]).</summary>
    public static void Expand(ReadOnlySpan<float> input, TensorShape shape, int kernelSize, Span<float> columns)
    {
        Check(input.Length, shape, kernelSize, columns.Length);
        int h = shape.Height, w = shape.Width, pad = kernelSize / 2, plane = h * w;
        int row = 0;
        for (int c = 0; c < shape.Channels; c++)
        {
            var channel = input.Slice(c * plane, plane);
            for (int ky = 0; ky < kernelSize; ky++)
            {
                for (int kx = 0; kx < kernelSize; kx++, row++)
                {
                    var dst = columns.Slice(row * plane, plane);
                    int dx = kx - pad, dy = ky - pad;
                    int x0 = Math.Max(0, -dx), x1 = Math.Min(w, w - dx);
                    for (int y = 0; y < h; y++)
                    {
                        var dstRow = dst.Slice(y * w, w);
                        int sy = y + dy;
                        if (sy < 0 || sy >= h || x1 <= x0)
                        {
                            dstRow.Clear();
                            continue;
                        }
                        dstRow[..x0].Clear();
                        channel.Slice((sy * w) + x0 + dx, x1 - x0).CopyTo(dstRow[x0..x1]);
                        dstRow[x1..].Clear();
                    }
                }
            }
        }
    }

    /// <summary>Adds the column matrix back onto a [C, H, W] gradient (the transpose of <see cref="Expand"/>).</summary>
    public static void Accumulate(ReadOnlySpan<float> columns, TensorShape shape, int kernelSize, Span<float> inputGradient)
    {
        Check(inputGradient.Length, shape, kernelSize, columns.Length);
        int h = shape.Height, w = shape.Width, pad = kernelSize / 2, plane = h * w;
        int row = 0;
        for (int c = 0; c < shape.Channels; c++)
        {
            var channel = inputGradient.Slice(c * plane, plane);
            for (int ky = 0; ky < kernelSize; ky++)
            {
                for (int kx = 0; kx < kernelSize; kx++, row++)
                {
                    var src = columns.Slice(row * plane, plane);
                    int dx = kx - pad, dy = ky - pad;
                    int x0 = Math.Max(0, -dx), x1 = Math.Min(w, w - dx);
                    if (x1 <= x0)
                        continue;
                    for (int y = Math.Max(0, -dy); y < Math.Min(h, h - dy); y++)
                    {
                        var target = channel.Slice(((y + dy) * w) + x0 + dx, x1 - x0);
                        System.Numerics.Tensors.TensorPrimitives.Add(target, src.Slice((y * w) + x0, x1 - x0), target);
                    }
                }
            }
        }
    }

    private static void Check(int sampleLength, TensorShape shape, int kernelSize, int columnsLength)
    {
        if (kernelSize <= 0 || kernelSize % 2 == 0)
            throw new InvalidParameterException(nameof(kernelSize), $"must be a positive odd number for 'same' padding, got {kernelSize}.");
        ShapeMismatchException.ThrowIfLengthDiffers(sampleLength, shape.Size, $"im2col sample of shape {shape}");
        long needed = (long)shape.Channels * kernelSize * kernelSize * shape.Height * shape.Width;
        if (columnsLength < needed)
            throw new ShapeMismatchException($"im2col: the column buffer needs {needed} values, got {columnsLength}.");
    }
}
