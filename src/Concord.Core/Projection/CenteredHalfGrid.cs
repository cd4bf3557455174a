using System.Runtime.CompilerServices;
using Concord.Core.Fourier;

namespace Concord.Core.Projection;

/// <summary>
/// The half of a 3D Fourier transform that projection and back-projection touch, stored with its origin in the
/// middle: x = 0 … R+1, y and z = −(R+1) … R+1, where R is the largest radius used (grid units). The one-voxel margin
/// lets trilinear interpolation at any |k| ≤ R read or write all eight neighbours without bounds checks.
/// Values are "centred" spectra: transforms taken about the box centre (N/2), so a real, centred object has a
/// real-valued, smooth spectrum and rotations act on it directly. The x = 0 plane is stored in full (both signs of
/// y, z) and kept Hermitian (F(0, −y, −z) = F(0, y, z)*), which is how the other half of space is represented.
/// </summary>
public sealed class CenteredHalfGrid
{
    public CenteredHalfGrid(int radius, bool withWeights)
    {
        if (radius < 1)
            throw new InvalidDimensionsException($"Fourier grid radius must be at least 1, got {radius}.");
        Radius = radius;
        SizeX = radius + 2;
        SizeYZ = 2 * radius + 3;
        Offset = radius + 1;
        long length = (long)SizeX * SizeYZ * SizeYZ;
        if (length > Array.MaxLength)
            throw new InvalidDimensionsException($"Fourier grid of radius {radius} needs {length} elements, more than one buffer holds.");
        Data = new Complex32[length];
        Weight = withWeights ? new float[length] : null;
    }

    /// <summary>Largest |k| (grid units) that may be sampled or inserted.</summary>
    public int Radius { get; }
    public int SizeX { get; }
    public int SizeYZ { get; }

    /// <summary>Index along y and z of frequency 0.</summary>
    public int Offset { get; }

    public Complex32[] Data { get; }

    /// <summary>Accumulated weights (CTF² for reconstruction); null for projection grids.</summary>
    public float[]? Weight { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int IndexOf(int kx, int ky, int kz) => ((kz + Offset) * SizeYZ + ky + Offset) * SizeX + kx;

    public void Clear()
    {
        Array.Clear(Data);
        if (Weight is not null)
            Array.Clear(Weight);
    }

    /// <summary>Trilinear sample at (x, y, z) grid units, |k| ≤ <see cref="Radius"/>; x &lt; 0 reads the Friedel mate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Complex32 Sample(float x, float y, float z)
    {
        bool conjugate = x < 0;
        if (conjugate)
        {
            x = -x;
            y = -y;
            z = -z;
        }
        int x0 = (int)x, y0 = (int)MathF.Floor(y), z0 = (int)MathF.Floor(z);
        float fx = x - x0, fy = y - y0, fz = z - z0;
        int i = IndexOf(x0, y0, z0);
        int sx = SizeX, sy = SizeX * SizeYZ;
        var d = Data;
        var c00 = Lerp(d[i], d[i + 1], fx);
        var c10 = Lerp(d[i + sx], d[i + sx + 1], fx);
        var c01 = Lerp(d[i + sy], d[i + sy + 1], fx);
        var c11 = Lerp(d[i + sy + sx], d[i + sy + sx + 1], fx);
        var value = Lerp(Lerp(c00, c10, fy), Lerp(c01, c11, fy), fz);
        return conjugate ? value.Conjugate : value;
    }

    /// <summary>Trilinear sample of the weights (same geometry as <see cref="Sample"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float SampleWeight(float x, float y, float z)
    {
        var w = Weight ?? throw new InvalidOperationException("This grid has no weights.");
        if (x < 0)
        {
            x = -x;
            y = -y;
            z = -z;
        }
        int x0 = (int)x, y0 = (int)MathF.Floor(y), z0 = (int)MathF.Floor(z);
        float fx = x - x0, fy = y - y0, fz = z - z0;
        int i = IndexOf(x0, y0, z0);
        int sx = SizeX, sy = SizeX * SizeYZ;
        float c00 = w[i] + (w[i + 1] - w[i]) * fx;
        float c10 = w[i + sx] + (w[i + sx + 1] - w[i + sx]) * fx;
        float c01 = w[i + sy] + (w[i + sy + 1] - w[i + sy]) * fx;
        float c11 = w[i + sy + sx] + (w[i + sy + sx + 1] - w[i + sy + sx]) * fx;
        float b0 = c00 + (c10 - c00) * fy, b1 = c01 + (c11 - c01) * fy;
        return b0 + (b1 - b0) * fz;
    }

    /// <summary>Adds <paramref name="value"/> and <paramref name="weight"/> at (x, y, z) spread over the eight neighbours with trilinear weights.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Insert(float x, float y, float z, Complex32 value, float weight)
    {
        if (x < 0)
        {
            x = -x;
            y = -y;
            z = -z;
            value = value.Conjugate;
        }
        int x0 = (int)x, y0 = (int)MathF.Floor(y), z0 = (int)MathF.Floor(z);
        float fx = x - x0, fy = y - y0, fz = z - z0;
        float gx = 1 - fx, gy = 1 - fy, gz = 1 - fz;
        int i = IndexOf(x0, y0, z0);
        int sx = SizeX, sy = SizeX * SizeYZ;
        var d = Data;
        var w = Weight!;
        Add(d, w, i, gx * gy * gz, value, weight);
        Add(d, w, i + 1, fx * gy * gz, value, weight);
        Add(d, w, i + sx, gx * fy * gz, value, weight);
        Add(d, w, i + sx + 1, fx * fy * gz, value, weight);
        Add(d, w, i + sy, gx * gy * fz, value, weight);
        Add(d, w, i + sy + 1, fx * gy * fz, value, weight);
        Add(d, w, i + sy + sx, gx * fy * fz, value, weight);
        Add(d, w, i + sy + sx + 1, fx * fy * fz, value, weight);
    }

    /// <summary>Adds another grid of the same geometry (e.g. a per-thread accumulator) into this one.</summary>
    public void Add(CenteredHalfGrid other)
    {
        if (other.Radius != Radius)
            throw new ShapeMismatchException($"Fourier grids differ in radius ({Radius} vs {other.Radius}).");
        System.Numerics.Tensors.TensorPrimitives.Add(
            System.Runtime.InteropServices.MemoryMarshal.Cast<Complex32, float>(Data.AsSpan()),
            System.Runtime.InteropServices.MemoryMarshal.Cast<Complex32, float>(other.Data.AsSpan()),
            System.Runtime.InteropServices.MemoryMarshal.Cast<Complex32, float>(Data.AsSpan()));
        if (Weight is not null && other.Weight is not null)
            System.Numerics.Tensors.TensorPrimitives.Add(Weight, other.Weight, Weight);
    }

    /// <summary>
    /// Makes the x = 0 plane Hermitian after insertions: contributions that landed on (0, y, z) and on its mate
    /// (0, −y, −z) both belong to the pair, so each becomes their conjugate-symmetric sum (weights add likewise).
    /// </summary>
    public void EnforceHermitianSymmetry()
    {
        int r = Radius + 1;
        for (int z = -r; z <= r; z++)
            for (int y = -r; y <= r; y++)
            {
                if (z > 0 || (z == 0 && y > 0))
                    continue; // visit each pair once, from its (z < 0) or (z = 0, y ≤ 0) member
                int a = IndexOf(0, y, z), b = IndexOf(0, -y, -z);
                if (a == b)
                {
                    Data[a] = new Complex32(2 * Data[a].Re, 0);
                    if (Weight is not null)
                        Weight[a] *= 2;
                    continue;
                }
                var sum = Data[a] + Data[b].Conjugate;
                Data[a] = sum;
                Data[b] = sum.Conjugate;
                if (Weight is not null)
                {
                    float w = Weight[a] + Weight[b];
                    Weight[a] = w;
                    Weight[b] = w;
                }
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(Complex32[] d, float[] w, int i, float f, Complex32 value, float weight)
    {
        d[i].Re += f * value.Re;
        d[i].Im += f * value.Im;
        w[i] += f * weight;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Complex32 Lerp(Complex32 a, Complex32 b, float t) => new(a.Re + (b.Re - a.Re) * t, a.Im + (b.Im - a.Im) * t);
}
