using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Concord.Preprocess.Methods.Motion;

/// <summary>
/// Applies the local part of the alignment to a globally aligned frame: output(x) = frame(x − ℓ(x)), ℓ the local
/// alignment shift of <see cref="LocalMotionModel"/> (the same sign as <see cref="Core.Fourier.PhaseShift"/>: content
/// moves by +ℓ). Sampling uses Keys' cubic convolution (a = −½; Keys 1981, IEEE TASSP 29:1153), which keeps more high
/// resolution than bilinear interpolation; samples beyond the border repeat the edge pixel.
/// </summary>
internal static class FrameWarp
{
    public static void Apply(ReadOnlySpan<float> frame, Span<float> output, int width, int height, LocalMotionModel model, int frameIndex)
    {
        var (cx, cy) = model.SpatialCoefficients(frameIndex);
        var u = new double[width];
        for (int x = 0; x < width; x++)
            u[x] = model.NormalizedX(x);
        for (int y = 0; y < height; y++)
        {
            // Along a row v is fixed, so ℓ = Σ_j s_j·b_j(u, v) is a quadratic in u: (a0 + a1·u + a2·u²) per axis.
            double v = model.NormalizedY(y);
            double x0 = cx[0] + (cx[3] * v) + (cx[4] * v * v), x1 = cx[1] + (cx[5] * v), x2 = cx[2];
            double y0 = cy[0] + (cy[3] * v) + (cy[4] * v * v), y1 = cy[1] + (cy[5] * v), y2 = cy[2];
            var row = output.Slice(y * width, width);
            for (int x = 0; x < width; x++)
            {
                double ux = u[x];
                double lx = x0 + (ux * (x1 + (ux * x2))), ly = y0 + (ux * (y1 + (ux * y2)));
                double sx = x - lx, sy = y - ly;
                int ix = (int)Math.Floor(sx), iy = (int)Math.Floor(sy);
                row[x] = ix >= 1 && iy >= 1 && ix + 2 < width && iy + 2 < height
                    ? Interior(frame, width, ix, iy, (float)(sx - ix), (float)(sy - iy))
                    : Border(frame, width, height, sx, sy);
            }
        }
    }

    /// <summary>The 4×4 cubic convolution away from the border, without bounds checks (the caller checked the neighbourhood).</summary>
    private static float Interior(ReadOnlySpan<float> frame, int width, int ix, int iy, float tx, float ty)
    {
        var (wx0, wx1, wx2, wx3) = Weights(tx);
        var (wy0, wy1, wy2, wy3) = Weights(ty);
        ref float p = ref Unsafe.Add(ref MemoryMarshal.GetReference(frame), ((iy - 1) * width) + ix - 1);
        float r0 = (wx0 * p) + (wx1 * Unsafe.Add(ref p, 1)) + (wx2 * Unsafe.Add(ref p, 2)) + (wx3 * Unsafe.Add(ref p, 3));
        p = ref Unsafe.Add(ref p, width);
        float r1 = (wx0 * p) + (wx1 * Unsafe.Add(ref p, 1)) + (wx2 * Unsafe.Add(ref p, 2)) + (wx3 * Unsafe.Add(ref p, 3));
        p = ref Unsafe.Add(ref p, width);
        float r2 = (wx0 * p) + (wx1 * Unsafe.Add(ref p, 1)) + (wx2 * Unsafe.Add(ref p, 2)) + (wx3 * Unsafe.Add(ref p, 3));
        p = ref Unsafe.Add(ref p, width);
        float r3 = (wx0 * p) + (wx1 * Unsafe.Add(ref p, 1)) + (wx2 * Unsafe.Add(ref p, 2)) + (wx3 * Unsafe.Add(ref p, 3));
        return (wy0 * r0) + (wy1 * r1) + (wy2 * r2) + (wy3 * r3);
    }

    /// <summary>The 4×4 cubic convolution within 2 pixels of the border, where samples beyond it repeat the edge pixel.</summary>
    private static float Border(ReadOnlySpan<float> frame, int width, int height, double sx, double sy)
    {
        int ix = (int)Math.Floor(sx), iy = (int)Math.Floor(sy);
        var (wx0, wx1, wx2, wx3) = Weights((float)(sx - ix));
        var (wy0, wy1, wy2, wy3) = Weights((float)(sy - iy));
        Span<float> wx = [wx0, wx1, wx2, wx3];
        Span<float> wy = [wy0, wy1, wy2, wy3];
        float value = 0;
        for (int j = 0; j < 4; j++)
        {
            int row = Math.Clamp(iy - 1 + j, 0, height - 1) * width;
            float line = 0;
            for (int i = 0; i < 4; i++)
                line += wx[i] * frame[row + Math.Clamp(ix - 1 + i, 0, width - 1)];
            value += wy[j] * line;
        }
        return value;
    }

    /// <summary>Keys' kernel at distances 1 + t, t, 1 − t, 2 − t for the samples at −1, 0, 1, 2.</summary>
    private static (float W0, float W1, float W2, float W3) Weights(float t)
    {
        const float a = -0.5f;
        float t2 = t * t, t3 = t2 * t;
        return ((a * t3) - (2 * a * t2) + (a * t),
            ((a + 2) * t3) - ((a + 3) * t2) + 1,
            (-(a + 2) * t3) + (((2 * a) + 3) * t2) - (a * t),
            (-a * t3) + (a * t2));
    }
}
