namespace Concord.Core.Projection;

/// <summary>
/// Trilinear interpolation in a Fourier grid of M points per axis convolves the spectrum with a triangle, which
/// multiplies real space by sinc²(π·d/M) along each axis (d = distance from the centre in pixels). Dividing by it
/// (before projection, after reconstruction) removes that apodisation.
/// </summary>
public static class GriddingCorrection
{
    /// <summary>sinc²(π·d/M) for d = i − N/2, i = 0..N−1.</summary>
    public static float[] AxisProfile(int boxSize, int gridSize)
    {
        var profile = new float[boxSize];
        for (int i = 0; i < boxSize; i++)
        {
            double a = Math.PI * (i - boxSize / 2) / gridSize;
            double sinc = a == 0 ? 1 : Math.Sin(a) / a;
            profile[i] = (float)(sinc * sinc);
        }
        return profile;
    }

    /// <summary>Divides a cubic volume (N³, span) by the separable trilinear apodisation of a grid of <paramref name="gridSize"/>.</summary>
    public static void Divide(Span<float> volume, int boxSize, int gridSize)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(volume.Length, (long)boxSize * boxSize * boxSize, "gridding correction volume");
        var p = AxisProfile(boxSize, gridSize);
        int i = 0;
        for (int z = 0; z < boxSize; z++)
            for (int y = 0; y < boxSize; y++)
            {
                float pyz = p[y] * p[z];
                for (int x = 0; x < boxSize; x++, i++)
                    volume[i] /= p[x] * pyz;
            }
    }
}
