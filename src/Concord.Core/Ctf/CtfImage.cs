using Concord.Core.Fourier;

namespace Concord.Core.Ctf;

/// <summary>What a CTF image holds at each frequency.</summary>
public enum CtfImageKind
{
    /// <summary>The signed CTF.</summary>
    Ctf,

    /// <summary>CTF², the weight of the CTF in a power spectrum and in Wiener filters.</summary>
    CtfSquared,

    /// <summary>|CTF|.</summary>
    Absolute,

    /// <summary>sign(CTF) = ±1 (zero maps to +1, as RELION's do_only_flip_phases), the phase-flip mask.</summary>
    Sign,
}

/// <summary>
/// CTF images of a box: on the half-complex grid of <see cref="FftShape"/> (what filters multiply) and as a centred
/// full plane (what a display shows). Frequency of Fourier index (kx, ky) in a box of NX × NY pixels of p Å is
/// (kx / (NX·p), ky / (NY·p)), as RELION's getFftwImage. Rows are independent, so large images run in parallel.
/// </summary>
public static class CtfImage
{
    /// <summary>Images with fewer elements than this are filled on the calling thread; threading them costs more than it saves.</summary>
    public const int ParallelThreshold = 128 * 128;

    /// <summary>
    /// Fills <paramref name="destination"/> ((NX/2 + 1) × NY, ky in FFT order) with the CTF of box
    /// <paramref name="shape"/> (2D) sampled at <paramref name="pixelSizeA"/> Å per pixel.
    /// </summary>
    public static void FillHalfComplex(CtfModel ctf, FftShape shape, double pixelSizeA, Span<float> destination,
        CtfImageKind kind = CtfImageKind.Ctf, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(ctf);
        Require2D(shape);
        RequirePixelSize(pixelSizeA);
        ShapeMismatchException.ThrowIfLengthDiffers(destination.Length, shape.ComplexLength, $"half-complex CTF image of box {shape}");
        int halfNx = shape.HalfNX;
        unsafe
        {
            fixed (float* basePtr = destination)
            {
                float* ptr = basePtr;
                ForEachRow(shape.NY, shape.ComplexLength, maxDegreeOfParallelism, y =>
                {
                    FillHalfComplexRow(ctf, shape, pixelSizeA, y, new Span<float>(ptr + (long)y * halfNx, halfNx), kind);
                });
            }
        }
    }

    /// <summary>Allocates and returns the half-complex CTF image of a 2D box (see <see cref="FillHalfComplex"/>).</summary>
    public static float[] HalfComplex(CtfModel ctf, FftShape shape, double pixelSizeA,
        CtfImageKind kind = CtfImageKind.Ctf, int maxDegreeOfParallelism = -1)
    {
        Require2D(shape);
        var result = new float[shape.ComplexLength];
        FillHalfComplex(ctf, shape, pixelSizeA, result, kind, maxDegreeOfParallelism);
        return result;
    }

    /// <summary>
    /// Fills <paramref name="destination"/> (<paramref name="nx"/> × <paramref name="ny"/>, x fastest) with the CTF over
    /// the whole plane, zero frequency at pixel (NX/2, NY/2) — the origin rule of <see cref="FourierLayout"/> — so that
    /// pixel (x, y) holds frequency ((x − NX/2) / (NX·p), (y − NY/2) / (NY·p)).
    /// </summary>
    public static void FillCentered(CtfModel ctf, int nx, int ny, double pixelSizeA, Span<float> destination,
        CtfImageKind kind = CtfImageKind.Ctf, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(ctf);
        InvalidDimensionsException.ThrowIfNotPositive(nx, ny, 1, "centred CTF image");
        RequirePixelSize(pixelSizeA);
        ShapeMismatchException.ThrowIfLengthDiffers(destination.Length, (long)nx * ny, $"centred CTF image {nx}×{ny}");
        double stepX = 1.0 / (nx * pixelSizeA);
        double stepY = 1.0 / (ny * pixelSizeA);
        unsafe
        {
            fixed (float* basePtr = destination)
            {
                float* ptr = basePtr;
                ForEachRow(ny, nx * ny, maxDegreeOfParallelism, y =>
                {
                    double sy = (y - ny / 2) * stepY;
                    FillRow(ctf, sy, -(nx / 2) * stepX, stepX, new Span<float>(ptr + (long)y * nx, nx), kind);
                });
            }
        }
    }

    /// <summary>Allocates and returns the centred full-plane CTF image (see <see cref="FillCentered"/>).</summary>
    public static float[] Centered(CtfModel ctf, int nx, int ny, double pixelSizeA,
        CtfImageKind kind = CtfImageKind.Ctf, int maxDegreeOfParallelism = -1)
    {
        InvalidDimensionsException.ThrowIfNotPositive(nx, ny, 1, "centred CTF image");
        var result = new float[nx * ny];
        FillCentered(ctf, nx, ny, pixelSizeA, result, kind, maxDegreeOfParallelism);
        return result;
    }

    /// <summary>
    /// One row at fixed sy, sx = sx0 + i·stepX. The sy-only parts of γ are hoisted out of the loop, and the B-factor
    /// envelope exp(K4 s²) is advanced by a second-order recurrence (the ratio of consecutive samples is itself
    /// geometric), so what is left per element is a few multiply-adds and one sin.
    /// </summary>
    private static void FillRow(CtfModel ctf, double sy, double sx0, double stepX, Span<float> row, CtfImageKind kind)
    {
        double k1 = ctf.DefocusTermK1, k2 = ctf.SphericalTermK2, k4 = ctf.BFactorTermK4;
        double rowConstant = -k1 * ctf.DefocusYyA * sy * sy - ctf.ConstantPhaseRad;
        double linear = -2 * k1 * ctf.DefocusXyA * sy;
        double quadratic = -k1 * ctf.DefocusXxA;
        double sy2 = sy * sy;
        double scale = ctf.Parameters.Scale;
        double sxEnd = sx0 + (row.Length - 1) * stepX;
        // The recurrence stays accurate to ~1e-13 over a row unless an end of the row under- or overflows exp.
        double largestExponent = Math.Abs(k4) * (Math.Max(sx0 * sx0, sxEnd * sxEnd) + sy2);
        bool recurrence = largestExponent < 600;
        double envelope = scale * Math.Exp(k4 * (sx0 * sx0 + sy2));
        double ratio = Math.Exp(k4 * (2 * sx0 * stepX + stepX * stepX));
        double ratioStep = Math.Exp(2 * k4 * stepX * stepX);
        for (int i = 0; i < row.Length; i++)
        {
            double sx = sx0 + i * stepX;
            double s2 = sx * sx + sy2;
            double gamma = (quadratic * sx + linear) * sx + rowConstant + k2 * s2 * s2;
            double weight = recurrence ? envelope : scale * Math.Exp(k4 * s2);
            double value = -weight * Math.Sin(gamma);
            envelope *= ratio;
            ratio *= ratioStep;
            row[i] = kind switch
            {
                CtfImageKind.Ctf => (float)value,
                CtfImageKind.CtfSquared => (float)(value * value),
                CtfImageKind.Absolute => (float)Math.Abs(value),
                _ => value < 0 ? -1f : 1f,
            };
        }
    }

    /// <summary>Row <paramref name="y"/> (FFT order) of the half-complex CTF image; <paramref name="row"/> has NX/2 + 1 elements.</summary>
    internal static void FillHalfComplexRow(CtfModel ctf, FftShape shape, double pixelSizeA, int y, Span<float> row, CtfImageKind kind)
    {
        double sy = FourierLayout.FrequencyOfIndex(y, shape.NY) / (shape.NY * pixelSizeA);
        FillRow(ctf, sy, 0, 1.0 / (shape.NX * pixelSizeA), row, kind);
    }

    internal static void ForEachRow(int rows, int elements, int maxDegreeOfParallelism, Action<int> fillRow)
    {
        if (elements < ParallelThreshold || maxDegreeOfParallelism == 1)
        {
            for (int y = 0; y < rows; y++)
                fillRow(y);
            return;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, rows, options, fillRow);
    }

    internal static void Require2D(FftShape shape)
    {
        if (shape.Rank != 2)
            throw new InvalidDimensionsException($"CTF image: a 2D box is needed, got {shape}.");
    }

    internal static void RequirePixelSize(double pixelSizeA)
    {
        if (!double.IsFinite(pixelSizeA) || pixelSizeA <= 0)
            throw new InvalidParameterException("pixelSizeA", $"pixel size must be a positive number of Å, got {pixelSizeA}.");
    }
}
