namespace Concord.Ctf.Methods.Periodogram;

/// <summary>
/// Background removal before the fit, after CTFFIND4 (Rohou &amp; Grigorieff 2015): the smooth part of the amplitude
/// spectrum is estimated by a box convolution and subtracted, leaving the Thon-ring oscillation around zero. Inside the
/// low-resolution limit the spectrum is first replaced by its rotational average at that limit, so the huge
/// low-frequency peak does not leak into the band through the box.
/// </summary>
internal static class SpectrumBackground
{
    /// <summary>
    /// Box side (px) for a tile of <paramref name="size"/> px: 1/16 of the tile (odd, at least 7). Thon rings narrower than
    /// the box are flattened in the background and so survive the subtraction; wider ones (the first rings at low
    /// defocus) lose some contrast but keep their phase.
    /// </summary>
    public static int BoxSize(int size) => Math.Max(7, (size / 16) | 1);

    /// <summary>Returns the background-subtracted spectrum (centred full plane, like the input).</summary>
    public static float[] Subtract(float[] amplitude, int size, double lowRadiusPx)
    {
        var flattened = (float[])amplitude.Clone();
        FlattenCentre(flattened, size, lowRadiusPx);
        var background = BoxFilter(flattened, size, BoxSize(size));
        var result = new float[amplitude.Length];
        for (int i = 0; i < result.Length; i++)
            result[i] = flattened[i] - background[i];
        return result;
    }

    private static void FlattenCentre(float[] amplitude, int size, double lowRadiusPx)
    {
        int half = size / 2;
        double sum = 0;
        int count = 0;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double r = Math.Sqrt((double)(x - half) * (x - half) + (double)(y - half) * (y - half));
                if (Math.Abs(r - lowRadiusPx) < 1)
                {
                    sum += amplitude[y * size + x];
                    count++;
                }
            }
        float ring = count > 0 ? (float)(sum / count) : 0f;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                if ((double)(x - half) * (x - half) + (double)(y - half) * (y - half) < lowRadiusPx * lowRadiusPx)
                    amplitude[y * size + x] = ring;
    }

    /// <summary>Mean over a box × box neighbourhood (clamped at the edges) through a summed-area table.</summary>
    internal static float[] BoxFilter(float[] image, int size, int box)
    {
        int stride = size + 1;
        var table = new double[stride * stride];
        for (int y = 0; y < size; y++)
        {
            double rowSum = 0;
            for (int x = 0; x < size; x++)
            {
                rowSum += image[y * size + x];
                table[(y + 1) * stride + x + 1] = table[y * stride + x + 1] + rowSum;
            }
        }
        int radius = box / 2;
        var result = new float[image.Length];
        for (int y = 0; y < size; y++)
        {
            int y0 = Math.Max(0, y - radius), y1 = Math.Min(size, y + radius + 1);
            for (int x = 0; x < size; x++)
            {
                int x0 = Math.Max(0, x - radius), x1 = Math.Min(size, x + radius + 1);
                double total = table[y1 * stride + x1] - table[y0 * stride + x1] - table[y1 * stride + x0] + table[y0 * stride + x0];
                result[y * size + x] = (float)(total / ((y1 - y0) * (x1 - x0)));
            }
        }
        return result;
    }
}
