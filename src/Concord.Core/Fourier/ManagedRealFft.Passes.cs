using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Concord.Core.Fourier;

/// <summary>The x (real rows) and y/z (complex columns) passes of <see cref="ManagedRealFft"/>.</summary>
internal sealed unsafe partial class ManagedRealFft
{
    private static readonly Vector256<float> ConjugateMask = Vector256.Create(1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f);

    private void YBlock(Complex32* src, Complex32* dst, int block, bool conjugate, Scratch scratch)
    {
        int hx = Shape.HalfNX, perPlane = Blocks(hx);
        int z = block / perPlane, c0 = (block % perPlane) * Lanes;
        long start = ((long)z * hx * Shape.NY) + c0;
        ColumnBlock(src + start, dst + start, _yFft!, hx, Math.Min(Lanes, hx - c0), conjugate, scratch);
    }

    private void ZBlock(Complex32* src, Complex32* dst, int block, bool conjugate, Scratch scratch)
    {
        int plane = Shape.HalfNX * Shape.NY, c0 = block * Lanes;
        ColumnBlock(src + c0, dst + c0, _zFft!, plane, Math.Min(Lanes, plane - c0), conjugate, scratch);
    }

    /// <summary>
    /// Transforms <paramref name="count"/> ≤ 8 adjacent columns (samples <paramref name="stride"/> apart) from
    /// <paramref name="src"/> into <paramref name="dst"/> (which may be the same array), optionally conjugating on read.
    /// </summary>
    private static void ColumnBlock(Complex32* src, Complex32* dst, ManagedComplexFft fft, int stride, int count, bool conjugate, Scratch scratch)
    {
        int n = fft.Length;
        fixed (float* a = scratch.A)
        {
            for (int j = 0; j < n; j++)
            {
                float* from = (float*)(src + ((long)j * stride));
                float* to = a + (j * Lanes * 2);
                if (count == Lanes)
                {
                    var v0 = Vector256.Load(from);
                    var v1 = Vector256.Load(from + 8);
                    if (conjugate)
                    {
                        v0 *= ConjugateMask;
                        v1 *= ConjugateMask;
                    }
                    v0.Store(to);
                    v1.Store(to + 8);
                }
                else
                {
                    for (int i = 0; i < 2 * count; i += 2)
                    {
                        to[i] = from[i];
                        to[i + 1] = conjugate ? -from[i + 1] : from[i + 1];
                    }
                    new Span<float>(to + (2 * count), 2 * (Lanes - count)).Clear();
                }
            }
        }
        var result = fft.Forward(scratch.A, scratch.B);
        fixed (float* r = result)
        {
            for (int j = 0; j < n; j++)
                new ReadOnlySpan<float>(r + (j * Lanes * 2), 2 * count).CopyTo(new Span<float>(dst + ((long)j * stride), 2 * count));
        }
    }

    /// <summary>
    /// Real rows → half spectra for <paramref name="count"/> ≤ 8 rows. Even NX: the row is read as NX/2 complex
    /// values z[m] = x[2m] + i·x[2m+1], transformed at half length, and split with
    /// X[k] = ½(Z[k] + Z*[M−k]) − ½i·e^{−2πik/N}(Z[k] − Z*[M−k]) (Press et al., Numerical Recipes, §12.3).
    /// Odd NX: a full-length complex transform of the real row.
    /// </summary>
    private void ForwardRows(float* real, Complex32* spectrum, int row0, int count, Scratch scratch)
    {
        int nx = Shape.NX, hx = Shape.HalfNX, n = _xFft.Length;
        bool even = nx % 2 == 0;
        fixed (float* a = scratch.A)
        {
            var buffer = (Complex32*)a;
            if (count < Lanes)
                new Span<float>(a, n * Lanes * 2).Clear();
            for (int l = 0; l < count; l++)
            {
                float* row = real + ((long)(row0 + l) * nx);
                if (even)
                    for (int m = 0; m < n; m++)
                        buffer[(m * Lanes) + l] = ((Complex32*)row)[m];
                else
                    for (int m = 0; m < n; m++)
                        buffer[(m * Lanes) + l] = new Complex32(row[m], 0);
            }
        }
        var result = _xFft.Forward(scratch.A, scratch.B);
        fixed (float* rf = result)
        fixed (float* tw = _halfTwiddles)
        {
            var z = (Complex32*)rf;
            var w = (Complex32*)tw;
            for (int l = 0; l < count; l++)
            {
                Complex32* output = spectrum + ((long)(row0 + l) * hx);
                if (!even)
                {
                    for (int k = 0; k < hx; k++)
                        output[k] = z[(k * Lanes) + l];
                    continue;
                }
                for (int k = 0; k < hx; k++)
                {
                    var zk = z[((k == n ? 0 : k) * Lanes) + l];
                    var zc = z[((k == 0 ? 0 : n - k) * Lanes) + l].Conjugate;
                    var sum = zk + zc;
                    var diff = zk - zc;
                    var odd = new Complex32(diff.Im, -diff.Re); // −i·(Z[k] − Z*[M−k])
                    output[k] = (sum + (w[k] * odd)) * 0.5f;
                }
            }
        }
    }

    /// <summary>
    /// Half spectra → real rows for <paramref name="count"/> ≤ 8 rows, scaled by 1/N of the whole transform.
    /// Even NX inverts the split of <see cref="ForwardRows"/>: Z[k] = (X[k] + X*[M−k]) + i·e^{+2πik/N}(X[k] − X*[M−k]),
    /// then a half-length inverse gives x[2m] + i·x[2m+1]. Odd NX rebuilds the full Hermitian row.
    /// </summary>
    private void InverseRows(Complex32* spectrum, float* real, int row0, int count, bool conjugateInput, Scratch scratch)
    {
        int nx = Shape.NX, hx = Shape.HalfNX, n = _xFft.Length;
        bool even = nx % 2 == 0;
        float scale = 1f / Shape.RealLength;
        fixed (float* a = scratch.A)
        fixed (float* tw = _halfTwiddles)
        {
            var buffer = (Complex32*)a;
            var w = (Complex32*)tw;
            if (count < Lanes)
                new Span<float>(a, n * Lanes * 2).Clear();
            for (int l = 0; l < count; l++)
            {
                Complex32* input = spectrum + ((long)(row0 + l) * hx);
                if (even)
                    SplitInverseRow(input, buffer + l, w, n, conjugateInput);
                else
                    for (int k = 0; k < n; k++)
                    {
                        var v = k < hx ? input[k] : input[nx - k].Conjugate;
                        buffer[(k * Lanes) + l] = conjugateInput ? v : v.Conjugate;
                    }
            }
        }
        var result = _xFft.Forward(scratch.A, scratch.B);
        fixed (float* rf = result)
        {
            var z = (Complex32*)rf;
            for (int l = 0; l < count; l++)
            {
                float* row = real + ((long)(row0 + l) * nx);
                if (even)
                    for (int m = 0; m < n; m++)
                    {
                        var v = z[(m * Lanes) + l];
                        row[2 * m] = v.Re * scale;
                        row[(2 * m) + 1] = -v.Im * scale;
                    }
                else
                    for (int m = 0; m < n; m++)
                        row[m] = z[(m * Lanes) + l].Re * scale;
            }
        }
    }

    /// <summary>Writes conj(Z[k]) of one even-length row into lane column <paramref name="lane"/> (stride Lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SplitInverseRow(Complex32* input, Complex32* lane, Complex32* w, int half, bool conjugateInput)
    {
        for (int k = 0; k < half; k++)
        {
            var xk = input[k];
            var xm = input[half - k];
            if (conjugateInput)
            {
                xk = xk.Conjugate;
                xm = xm.Conjugate;
            }
            var xc = xm.Conjugate;
            var sum = xk + xc;
            var odd = (xk - xc) * w[k].Conjugate;
            var zk = new Complex32(sum.Re - odd.Im, sum.Im + odd.Re); // sum + i·odd
            lane[k * Lanes] = zk.Conjugate;
        }
    }
}
