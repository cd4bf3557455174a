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
        Span<double> terms = stackalloc double[6];
        for (int y = 0; y < height; y++)
        {
            double v = model.NormalizedY(y);
            for (int x = 0; x < width; x++)
            {
                double u = model.NormalizedX(x);
                double lx = 0, ly = 0;
                for (int j = 0; j < 6; j++)
                {
                    double b = LocalMotionModel.SpatialTerm(j, u, v);
                    lx += cx[j] * b;
                    ly += cy[j] * b;
                }
                output[(y * width) + x] = Sample(frame, width, height, x - lx, y - ly, terms);
            }
        }
    }

    private static float Sample(ReadOnlySpan<float> frame, int width, int height, double sx, double sy, Span<double> scratch)
    {
        int ix = (int)Math.Floor(sx), iy = (int)Math.Floor(sy);
        double fx = sx - ix, fy = sy - iy;
        Span<double> wx = scratch[..4];
        Weights(fx, wx);
        Span<double> wy = stackalloc double[4];
        Weights(fy, wy);
        double value = 0;
        for (int j = 0; j < 4; j++)
        {
            int row = Math.Clamp(iy - 1 + j, 0, height - 1) * width;
            double line = 0;
            for (int i = 0; i < 4; i++)
                line += wx[i] * frame[row + Math.Clamp(ix - 1 + i, 0, width - 1)];
            value += wy[j] * line;
        }
        return (float)value;
    }

    /// <summary>Keys' kernel at distances 1 + t, t, 1 − t, 2 − t for the samples at −1, 0, 1, 2.</summary>
    private static void Weights(double t, Span<double> w)
    {
        const double a = -0.5;
        double t2 = t * t, t3 = t2 * t;
        w[0] = (a * t3) - (2 * a * t2) + (a * t);
        w[1] = ((a + 2) * t3) - ((a + 3) * t2) + 1;
        w[2] = (-(a + 2) * t3) + ((2 * a + 3) * t2) - (a * t);
        w[3] = (-a * t3) + (a * t2);
    }
}
