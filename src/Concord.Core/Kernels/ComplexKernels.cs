using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

using Concord.Core.Fourier;

namespace Concord.Core.Kernels;

/// <summary>
/// Span kernels over interleaved single-precision complex data (<see cref="Complex32"/>, FFTW layout). TensorPrimitives
/// has no complex operations, so the products here are hand-written: a <see cref="Vector256{T}"/> path that handles four
/// complex values per step (de-interleaving by shuffles) and a scalar tail. Each method checks lengths once.
/// </summary>
public static class ComplexKernels
{
    /// <summary>
    /// <paramref name="destination"/>[i] = conj(<paramref name="a"/>[i]) · <paramref name="b"/>[i]: the spectrum of the
    /// cross-correlation Σₓ a(x)·b(x + t) (cross-correlation theorem). <paramref name="destination"/> may alias either input.
    /// </summary>
    public static void MultiplyConjugate(ReadOnlySpan<Complex32> a, ReadOnlySpan<Complex32> b, Span<Complex32> destination)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(b.Length, a.Length, "MultiplyConjugate second operand");
        ShapeMismatchException.ThrowIfLengthDiffers(destination.Length, a.Length, "MultiplyConjugate destination");
        int i = 0;
        if (Vector256.IsHardwareAccelerated && a.Length >= 4)
        {
            ref float pa = ref Unsafe.As<Complex32, float>(ref MemoryMarshal.GetReference(a));
            ref float pb = ref Unsafe.As<Complex32, float>(ref MemoryMarshal.GetReference(b));
            ref float pd = ref Unsafe.As<Complex32, float>(ref MemoryMarshal.GetReference(destination));
            var signs = Vector256.Create(1f, -1f, 1f, -1f, 1f, -1f, 1f, -1f);
            for (; i <= a.Length - 4; i += 4)
            {
                nuint offset = (nuint)(2 * i);
                var va = Vector256.LoadUnsafe(ref pa, offset);
                var vb = Vector256.LoadUnsafe(ref pb, offset);
                // conj(a)·b = (ar·br + ai·bi) + i(ar·bi − ai·br).
                var aRe = Vector256.Shuffle(va, Vector256.Create(0, 0, 2, 2, 4, 4, 6, 6));
                var aIm = Vector256.Shuffle(va, Vector256.Create(1, 1, 3, 3, 5, 5, 7, 7));
                var bSwapped = Vector256.Shuffle(vb, Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6));
                // aRe·(br, bi) + aIm·(bi, −br) gives (ar·br + ai·bi, ar·bi − ai·br).
                var result = (aRe * vb) + (aIm * bSwapped * signs);
                result.StoreUnsafe(ref pd, offset);
            }
        }
        for (; i < a.Length; i++)
        {
            var x = a[i];
            var y = b[i];
            destination[i] = new Complex32((x.Re * y.Re) + (x.Im * y.Im), (x.Re * y.Im) - (x.Im * y.Re));
        }
    }

    /// <summary>
    /// <paramref name="values"/>[i] ·= <paramref name="factors"/>[i] (a real per-element weight such as a filter).
    /// Vectorised by expanding each factor to both halves of its complex value.
    /// </summary>
    public static void MultiplyByReal(Span<Complex32> values, ReadOnlySpan<float> factors)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(factors.Length, values.Length, "MultiplyByReal factors");
        int i = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= 4)
        {
            ref float pv = ref Unsafe.As<Complex32, float>(ref MemoryMarshal.GetReference(values));
            ref float pf = ref MemoryMarshal.GetReference(factors);
            for (; i <= values.Length - 4; i += 4)
            {
                var f = Vector128.LoadUnsafe(ref pf, (nuint)i).ToVector256Unsafe();
                var expanded = Vector256.Shuffle(f, Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3));
                nuint offset = (nuint)(2 * i);
                (Vector256.LoadUnsafe(ref pv, offset) * expanded).StoreUnsafe(ref pv, offset);
            }
        }
        for (; i < values.Length; i++)
            values[i] *= factors[i];
    }

    /// <summary><paramref name="destination"/>[i] = |<paramref name="values"/>[i]|² (power).</summary>
    public static void MagnitudeSquared(ReadOnlySpan<Complex32> values, Span<float> destination)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(destination.Length, values.Length, "MagnitudeSquared destination");
        for (int i = 0; i < values.Length; i++)
            destination[i] = values[i].MagnitudeSquared;
    }
}
