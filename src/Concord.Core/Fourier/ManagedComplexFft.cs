using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Concord.Core.Fourier;

/// <summary>
/// A forward complex FFT of one length applied to <see cref="Lanes"/> independent signals at once. Data is
/// interleaved complex floats laid out [n][Lanes] (the lanes of one sample are contiguous), so every butterfly
/// runs the same twiddle over contiguous memory with <see cref="Vector256{T}"/> — SIMD across signals, which is how
/// the y/z passes of 2D/3D transforms and blocks of x rows are vectorised.
/// Algorithm: Stockham autosort, decimation in frequency (Stockham 1966; Van Loan 1992, "Computational Frameworks
/// for the FFT", §1.7), mixed radix 4/2/3/5 with a generic odd-prime butterfly, so it is exact for any length.
/// Inverse transforms use IDFT(x) = conj(DFT(conj(x))), with the conjugations folded into the callers' copies.
/// Immutable after construction, so one instance is shared by all threads.
/// </summary>
internal sealed class ManagedComplexFft
{
    /// <summary>Signals transformed together: 8 complex = two Vector256 per sample.</summary>
    public const int Lanes = 8;

    /// <summary>
    /// Lengths with a prime factor above this go through Bluestein's algorithm: the direct butterfly costs p per
    /// sample, Bluestein about 6·log2(2n), so the crossover is near p ≈ 60.
    /// </summary>
    internal const int LargestDirectPrime = 61;

    private readonly Stage[] _stages;
    private readonly ManagedBluestein? _bluestein;

    public ManagedComplexFft(int length)
    {
        Length = length;
        var radices = Factor(length);
        if (radices.Count > 0 && radices[^1] > LargestDirectPrime)
        {
            _bluestein = new ManagedBluestein(length);
            _stages = [];
        }
        else
        {
            _stages = BuildStages(radices, length);
        }
    }

    public int Length { get; }

    /// <summary>Floats in each of the two buffers <see cref="Forward"/> needs (room for Bluestein's padding).</summary>
    public int BufferLength => (_bluestein?.PaddedLength ?? Length) * Lanes * 2;

    /// <summary>
    /// Transforms the [n][Lanes] signal at the start of <paramref name="data"/> using <paramref name="work"/>, both
    /// <see cref="BufferLength"/> long; returns whichever holds the result (again [n][Lanes] at its start).
    /// </summary>
    public Span<float> Forward(Span<float> data, Span<float> work) =>
        _bluestein is null ? RunStages(data, work) : _bluestein.Forward(data, work);

    private Span<float> RunStages(Span<float> data, Span<float> work)
    {
        Span<float> src = data, dst = work;
        foreach (var stage in _stages)
        {
            stage.Run(src, dst);
            var t = src;
            src = dst;
            dst = t;
        }
        return src;
    }

    private static Stage[] BuildStages(List<int> radices, int n)
    {
        var stages = new Stage[radices.Count];
        int sub = n, stride = 1;
        for (int i = 0; i < radices.Count; i++)
        {
            stages[i] = new Stage(radices[i], sub, stride);
            sub /= radices[i];
            stride *= radices[i];
        }
        return stages;
    }

    /// <summary>Radix sequence: 4s first (fewest passes), then 2, 3, 5, then remaining primes in increasing order.</summary>
    internal static List<int> Factor(int n)
    {
        var radices = new List<int>();
        while (n % 4 == 0) { radices.Add(4); n /= 4; }
        while (n % 2 == 0) { radices.Add(2); n /= 2; }
        for (int p = 3; n > 1; p += 2)
        {
            if ((long)p * p > n)
                p = n;
            while (n % p == 0) { radices.Add(p); n /= p; }
        }
        return radices;
    }

    /// <summary>
    /// One DIF Stockham pass of radix p over sub-transforms of length <c>Sub</c>: for j &lt; m = Sub/p and each of
    /// the <c>Stride</c>·Lanes contiguous complex values q, y[(p·j + k)·s + q] = w^{jk} Σ_r x[(j + r·m)·s + q] ω_p^{rk}.
    /// </summary>
    private sealed class Stage
    {
        private readonly int _radix, _m, _stride;
        private readonly float[] _twiddles; // (cos, sin) of w^{jk}, j < m, 1 ≤ k < p
        private readonly float[] _roots;    // (cos, sin) of ω_p^{t}, t < p, for the generic butterfly

        public Stage(int radix, int sub, int stride)
        {
            _radix = radix;
            _m = sub / radix;
            _stride = stride;
            _twiddles = new float[_m * (radix - 1) * 2];
            for (int j = 0; j < _m; j++)
                for (int k = 1; k < radix; k++)
                {
                    double a = -2 * Math.PI * ((long)j * k % sub) / sub;
                    int o = ((j * (radix - 1)) + k - 1) * 2;
                    _twiddles[o] = (float)Math.Cos(a);
                    _twiddles[o + 1] = (float)Math.Sin(a);
                }
            _roots = new float[radix * 2];
            for (int t = 0; t < radix; t++)
            {
                double a = -2 * Math.PI * t / radix;
                _roots[2 * t] = (float)Math.Cos(a);
                _roots[(2 * t) + 1] = (float)Math.Sin(a);
            }
        }

        public void Run(Span<float> x, Span<float> y)
        {
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref float yr = ref MemoryMarshal.GetReference(y);
            int run = _stride * Lanes * 2; // floats in one contiguous run
            for (int j = 0; j < _m; j++)
            {
                int inBase = j * run, outBase = _radix * j * run, inStep = _m * run;
                ref float tw = ref _twiddles[j * (_radix - 1) * 2];
                switch (_radix)
                {
                    case 4: Radix4(ref xr, ref yr, inBase, inStep, outBase, run, ref tw); break;
                    case 2: Radix2(ref xr, ref yr, inBase, inStep, outBase, run, ref tw); break;
                    case 3: Radix3(ref xr, ref yr, inBase, inStep, outBase, run, ref tw); break;
                    case 5: Radix5(ref xr, ref yr, inBase, inStep, outBase, run, ref tw); break;
                    default: RadixGeneric(ref xr, ref yr, inBase, inStep, outBase, run, ref tw); break;
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Load(ref float r, int i) => Vector256.LoadUnsafe(ref r, (nuint)i);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store(Vector256<float> v, ref float r, int i) => v.StoreUnsafe(ref r, (nuint)i);

        /// <summary>(re, im) ↦ (im, re) in each complex of the vector.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Swap(Vector256<float> v) => Vector256.Shuffle(v, Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6));

        private static readonly Vector256<float> NegIm = Vector256.Create(1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f);
        private static readonly Vector256<float> NegRe = Vector256.Create(-1f, 1f, -1f, 1f, -1f, 1f, -1f, 1f);

        /// <summary>v·(−i): (re, im) ↦ (im, −re).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> MulMinusI(Vector256<float> v) => Swap(v) * NegIm;

        /// <summary>v·(c + i·s) for a twiddle shared by all four complex values.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Twiddle(Vector256<float> v, ref float tw, int k)
        {
            float c = Unsafe.Add(ref tw, 2 * k), s = Unsafe.Add(ref tw, (2 * k) + 1);
            return (v * Vector256.Create(c)) + (Swap(v) * (NegRe * Vector256.Create(s)));
        }

        private static void Radix2(ref float x, ref float y, int inBase, int inStep, int outBase, int run, ref float tw)
        {
            for (int q = 0; q < run; q += 8)
            {
                var a0 = Load(ref x, inBase + q);
                var a1 = Load(ref x, inBase + inStep + q);
                Store(a0 + a1, ref y, outBase + q);
                Store(Twiddle(a0 - a1, ref tw, 0), ref y, outBase + run + q);
            }
        }

        private static void Radix4(ref float x, ref float y, int inBase, int inStep, int outBase, int run, ref float tw)
        {
            for (int q = 0; q < run; q += 8)
            {
                int i = inBase + q;
                var a0 = Load(ref x, i);
                var a1 = Load(ref x, i + inStep);
                var a2 = Load(ref x, i + (2 * inStep));
                var a3 = Load(ref x, i + (3 * inStep));
                var t0 = a0 + a2;
                var t1 = a0 - a2;
                var t2 = a1 + a3;
                var t3 = MulMinusI(a1 - a3);
                int o = outBase + q;
                Store(t0 + t2, ref y, o);
                Store(Twiddle(t1 + t3, ref tw, 0), ref y, o + run);
                Store(Twiddle(t0 - t2, ref tw, 1), ref y, o + (2 * run));
                Store(Twiddle(t1 - t3, ref tw, 2), ref y, o + (3 * run));
            }
        }

        private static void Radix3(ref float x, ref float y, int inBase, int inStep, int outBase, int run, ref float tw)
        {
            var half = Vector256.Create(0.5f);
            var sin60 = Vector256.Create((float)(Math.Sqrt(3) / 2));
            for (int q = 0; q < run; q += 8)
            {
                int i = inBase + q;
                var a0 = Load(ref x, i);
                var a1 = Load(ref x, i + inStep);
                var a2 = Load(ref x, i + (2 * inStep));
                var t1 = a1 + a2;
                var t2 = a0 - (t1 * half);
                var t3 = MulMinusI(a1 - a2) * sin60;
                int o = outBase + q;
                Store(a0 + t1, ref y, o);
                Store(Twiddle(t2 + t3, ref tw, 0), ref y, o + run);
                Store(Twiddle(t2 - t3, ref tw, 1), ref y, o + (2 * run));
            }
        }

        private static void Radix5(ref float x, ref float y, int inBase, int inStep, int outBase, int run, ref float tw)
        {
            var c1 = Vector256.Create((float)Math.Cos(2 * Math.PI / 5));
            var c2 = Vector256.Create((float)Math.Cos(4 * Math.PI / 5));
            var s1 = Vector256.Create((float)Math.Sin(2 * Math.PI / 5));
            var s2 = Vector256.Create((float)Math.Sin(4 * Math.PI / 5));
            for (int q = 0; q < run; q += 8)
            {
                int i = inBase + q;
                var a0 = Load(ref x, i);
                var a1 = Load(ref x, i + inStep);
                var a2 = Load(ref x, i + (2 * inStep));
                var a3 = Load(ref x, i + (3 * inStep));
                var a4 = Load(ref x, i + (4 * inStep));
                var t1 = a1 + a4;
                var t2 = a2 + a3;
                var t3 = MulMinusI(a1 - a4);
                var t4 = MulMinusI(a2 - a3);
                var r1 = a0 + (c1 * t1) + (c2 * t2);
                var r2 = a0 + (c2 * t1) + (c1 * t2);
                var i1 = (s1 * t3) + (s2 * t4);
                var i2 = (s2 * t3) - (s1 * t4);
                int o = outBase + q;
                Store(a0 + t1 + t2, ref y, o);
                Store(Twiddle(r1 + i1, ref tw, 0), ref y, o + run);
                Store(Twiddle(r2 + i2, ref tw, 1), ref y, o + (2 * run));
                Store(Twiddle(r2 - i2, ref tw, 2), ref y, o + (3 * run));
                Store(Twiddle(r1 - i1, ref tw, 3), ref y, o + (4 * run));
            }
        }

        /// <summary>Direct O(p²) DFT butterfly for any other prime radix.</summary>
        private void RadixGeneric(ref float x, ref float y, int inBase, int inStep, int outBase, int run, ref float tw)
        {
            int p = _radix;
            ref float roots = ref _roots[0];
            for (int q = 0; q < run; q += 8)
            {
                int i = inBase + q;
                for (int k = 0; k < p; k++)
                {
                    var sum = Load(ref x, i);
                    for (int r = 1; r < p; r++)
                    {
                        int t = (int)((long)r * k % p);
                        sum += Twiddle(Load(ref x, i + (r * inStep)), ref roots, t);
                    }
                    if (k > 0)
                        sum = Twiddle(sum, ref tw, k - 1);
                    Store(sum, ref y, outBase + (k * run) + q);
                }
            }
        }
    }
}
