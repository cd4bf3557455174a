using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Concord.Core.Learning;

/// <summary>Which operand of a matrix product is read transposed (both are stored row-major).</summary>
public enum GemmLayout
{
    /// <summary>C[m×n] = A[m×k] · B[k×n].</summary>
    Normal,

    /// <summary>C[m×n] = Aᵀ · B with A stored [k×m].</summary>
    TransposedA,

    /// <summary>C[m×n] = A · Bᵀ with B stored [n×k].</summary>
    TransposedB,
}

/// <summary>
/// Single-precision matrix products for the network's convolutions (after im2col) and dense layers. The Normal and
/// TransposedA forms use a register-blocked micro-kernel (4 rows × 16 columns held in eight <see cref="Vector256{T}"/>
/// accumulators, a broadcast of A times a row of B per step) over cache blocks of 256 inner indices × 1024 columns, the
/// scheme of Goto &amp; van de Geijn (2008) without the packing, which these small, short-lived operands do not repay.
/// TransposedB reads both operands along contiguous rows, so it is a blocked dot-product kernel.
/// Every element of C is accumulated in the same order (increasing inner index, fused multiply-adds, one rounding
/// each) whatever its position, the tiling or the thread count, so results are bit-identical across thread counts.
/// </summary>
public static class Gemm
{
    private const int KBlock = 256;
    private const int NBlock = 1024;
    private const int RowTile = 16;

    /// <summary>C (+)= op(A)·op(B) on the calling thread. Operands may be longer than needed; only the leading part is read.</summary>
    public static void Multiply(GemmLayout layout, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        Check(a.Length, b.Length, c.Length, m, k, n);
        if (!accumulate)
            c[..(m * n)].Clear();
        Tile(layout, a, b, c, m, k, n, 0, m, 0, n);
    }

    /// <summary>
    /// C (+)= op(A)·op(B) with tiles of C spread over up to <paramref name="maxDegreeOfParallelism"/> threads (−1: all
    /// cores). The result does not depend on the thread count.
    /// </summary>
    public static void MultiplyParallel(GemmLayout layout, float[] a, float[] b, float[] c, int m, int k, int n, bool accumulate, int maxDegreeOfParallelism)
    {
        Check(a.Length, b.Length, c.Length, m, k, n);
        if (!accumulate)
            c.AsSpan(0, m * n).Clear();
        int rowTiles = (m + RowTile - 1) / RowTile;
        int colTiles = (n + NBlock - 1) / NBlock;
        int tiles = rowTiles * colTiles;
        if (tiles <= 1 || maxDegreeOfParallelism == 1)
        {
            Tile(layout, a, b, c, m, k, n, 0, m, 0, n);
            return;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, tiles, options, t =>
        {
            int r0 = t / colTiles * RowTile;
            int c0 = t % colTiles * NBlock;
            Tile(layout, a, b, c, m, k, n, r0, Math.Min(m, r0 + RowTile), c0, Math.Min(n, c0 + NBlock));
        });
    }

    private static void Check(int aLength, int bLength, int cLength, int m, int k, int n)
    {
        if (m <= 0 || k <= 0 || n <= 0)
            throw new InvalidDimensionsException($"Gemm: m, k and n must be positive, got {m}, {k}, {n}.");
        if (aLength < (long)m * k || bLength < (long)k * n || cLength < (long)m * n)
        {
            throw new ShapeMismatchException(
                $"Gemm {m}×{k}·{k}×{n}: operands need at least {(long)m * k}, {(long)k * n} and {(long)m * n} values, got {aLength}, {bLength} and {cLength}.");
        }
    }

    private static void Tile(GemmLayout layout, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, int r0, int r1, int c0, int c1)
    {
        switch (layout)
        {
            case GemmLayout.Normal:
                AxpyTile(a, k, 1, b, c, k, n, r0, r1, c0, c1);
                break;
            case GemmLayout.TransposedA:
                AxpyTile(a, 1, m, b, c, k, n, r0, r1, c0, c1);
                break;
            case GemmLayout.TransposedB:
                DotTile(a, b, c, k, n, r0, r1, c0, c1);
                break;
            default:
                throw new InvalidParameterException(nameof(layout), $"unknown GEMM layout {layout}.");
        }
    }

    /// <summary>C[r0..r1, c0..c1] += A·B where A(i, p) = a[i·rowStride + p·colStride] and B is row-major [k×n].</summary>
    private static void AxpyTile(ReadOnlySpan<float> a, int rowStride, int colStride, ReadOnlySpan<float> b, Span<float> c, int k, int n, int r0, int r1, int c0, int c1)
    {
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float cr = ref MemoryMarshal.GetReference(c);
        for (int j0 = c0; j0 < c1; j0 += NBlock)
        {
            int j1 = Math.Min(c1, j0 + NBlock);
            for (int p0 = 0; p0 < k; p0 += KBlock)
            {
                int p1 = Math.Min(k, p0 + KBlock);
                int i = r0;
                for (; i + 4 <= r1; i += 4)
                    FourRows(ref ar, rowStride, colStride, ref br, ref cr, n, i, p0, p1, j0, j1);
                for (; i < r1; i++)
                    OneRow(ref ar, rowStride, colStride, ref br, ref cr, n, i, p0, p1, j0, j1);
            }
        }
    }

    private static void FourRows(ref float ar, int rs, int cs, ref float br, ref float cr, int n, int i, int p0, int p1, int j0, int j1)
    {
        int j = j0;
        nuint r0 = (nuint)(i * n), r1 = r0 + (nuint)n, r2 = r1 + (nuint)n, r3 = r2 + (nuint)n;
        for (; j + 16 <= j1; j += 16)
        {
            nuint o = (nuint)j;
            var c00 = Vector256.LoadUnsafe(ref cr, r0 + o); var c01 = Vector256.LoadUnsafe(ref cr, r0 + o + 8);
            var c10 = Vector256.LoadUnsafe(ref cr, r1 + o); var c11 = Vector256.LoadUnsafe(ref cr, r1 + o + 8);
            var c20 = Vector256.LoadUnsafe(ref cr, r2 + o); var c21 = Vector256.LoadUnsafe(ref cr, r2 + o + 8);
            var c30 = Vector256.LoadUnsafe(ref cr, r3 + o); var c31 = Vector256.LoadUnsafe(ref cr, r3 + o + 8);
            for (int p = p0; p < p1; p++)
            {
                nuint bo = (nuint)(p * n) + o;
                var b0 = Vector256.LoadUnsafe(ref br, bo);
                var b1 = Vector256.LoadUnsafe(ref br, bo + 8);
                int ai = (i * rs) + (p * cs);
                var a0 = Vector256.Create(Unsafe.Add(ref ar, ai));
                var a1 = Vector256.Create(Unsafe.Add(ref ar, ai + rs));
                var a2 = Vector256.Create(Unsafe.Add(ref ar, ai + (2 * rs)));
                var a3 = Vector256.Create(Unsafe.Add(ref ar, ai + (3 * rs)));
                c00 = Vector256.FusedMultiplyAdd(a0, b0, c00); c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
                c10 = Vector256.FusedMultiplyAdd(a1, b0, c10); c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
                c20 = Vector256.FusedMultiplyAdd(a2, b0, c20); c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
                c30 = Vector256.FusedMultiplyAdd(a3, b0, c30); c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
            }
            c00.StoreUnsafe(ref cr, r0 + o); c01.StoreUnsafe(ref cr, r0 + o + 8);
            c10.StoreUnsafe(ref cr, r1 + o); c11.StoreUnsafe(ref cr, r1 + o + 8);
            c20.StoreUnsafe(ref cr, r2 + o); c21.StoreUnsafe(ref cr, r2 + o + 8);
            c30.StoreUnsafe(ref cr, r3 + o); c31.StoreUnsafe(ref cr, r3 + o + 8);
        }
        if (j < j1)
        {
            for (int row = 0; row < 4; row++)
                OneRowFrom(ref ar, rs, cs, ref br, ref cr, n, i + row, p0, p1, j, j1);
        }
    }

    private static void OneRow(ref float ar, int rs, int cs, ref float br, ref float cr, int n, int i, int p0, int p1, int j0, int j1) =>
        OneRowFrom(ref ar, rs, cs, ref br, ref cr, n, i, p0, p1, j0, j1);

    private static void OneRowFrom(ref float ar, int rs, int cs, ref float br, ref float cr, int n, int i, int p0, int p1, int j0, int j1)
    {
        nuint row = (nuint)(i * n);
        int j = j0;
        for (; j + 8 <= j1; j += 8)
        {
            nuint o = (nuint)j;
            var acc = Vector256.LoadUnsafe(ref cr, row + o);
            for (int p = p0; p < p1; p++)
            {
                var av = Vector256.Create(Unsafe.Add(ref ar, (i * rs) + (p * cs)));
                acc = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref br, (nuint)(p * n) + o), acc);
            }
            acc.StoreUnsafe(ref cr, row + o);
        }
        for (; j < j1; j++)
        {
            ref float target = ref Unsafe.Add(ref cr, row + (nuint)j);
            float acc = target;
            for (int p = p0; p < p1; p++)
                acc = MathF.FusedMultiplyAdd(Unsafe.Add(ref ar, (i * rs) + (p * cs)), Unsafe.Add(ref br, (p * n) + j), acc);
            target = acc;
        }
    }

    /// <summary>C[r0..r1, c0..c1] += A·Bᵀ with A [m×k] and B [n×k], both row-major: dot products of contiguous rows.</summary>
    private static void DotTile(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int k, int n, int r0, int r1, int c0, int c1)
    {
        for (int i = r0; i < r1; i++)
        {
            var aRow = a.Slice(i * k, k);
            var cRow = c.Slice(i * n, n);
            int j = c0;
            for (; j + 4 <= c1; j += 4)
                FourDots(aRow, b.Slice(j * k, 4 * k), cRow.Slice(j, 4), k);
            for (; j < c1; j++)
                cRow[j] += Dot(aRow, b.Slice(j * k, k));
        }
    }

    private static void FourDots(ReadOnlySpan<float> aRow, ReadOnlySpan<float> bRows, Span<float> destination, int k)
    {
        ref float ar = ref MemoryMarshal.GetReference(aRow);
        ref float br = ref MemoryMarshal.GetReference(bRows);
        var s0 = Vector256<float>.Zero; var s1 = Vector256<float>.Zero; var s2 = Vector256<float>.Zero; var s3 = Vector256<float>.Zero;
        nuint k1 = (nuint)k, k2 = 2 * k1, k3 = 3 * k1;
        int p = 0;
        for (; p + 8 <= k; p += 8)
        {
            nuint o = (nuint)p;
            var av = Vector256.LoadUnsafe(ref ar, o);
            s0 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref br, o), s0);
            s1 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref br, k1 + o), s1);
            s2 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref br, k2 + o), s2);
            s3 = Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref br, k3 + o), s3);
        }
        float d0 = Vector256.Sum(s0), d1 = Vector256.Sum(s1), d2 = Vector256.Sum(s2), d3 = Vector256.Sum(s3);
        for (; p < k; p++)
        {
            float av = aRow[p];
            d0 = MathF.FusedMultiplyAdd(av, bRows[p], d0);
            d1 = MathF.FusedMultiplyAdd(av, bRows[k + p], d1);
            d2 = MathF.FusedMultiplyAdd(av, bRows[(2 * k) + p], d2);
            d3 = MathF.FusedMultiplyAdd(av, bRows[(3 * k) + p], d3);
        }
        destination[0] += d0;
        destination[1] += d1;
        destination[2] += d2;
        destination[3] += d3;
    }

    /// <summary>The same summation order as one lane group of <see cref="FourDots"/>, so a column's value does not depend on its neighbours.</summary>
    private static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        var s = Vector256<float>.Zero;
        int p = 0;
        for (; p + 8 <= x.Length; p += 8)
            s = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)p), Vector256.LoadUnsafe(ref yr, (nuint)p), s);
        float d = Vector256.Sum(s);
        for (; p < x.Length; p++)
            d = MathF.FusedMultiplyAdd(x[p], y[p], d);
        return d;
    }
}
