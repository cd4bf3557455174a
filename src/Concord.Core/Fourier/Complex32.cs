using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Concord.Core.Fourier;

/// <summary>
/// Single-precision complex number, laid out as FFTW's <c>fftwf_complex</c> (real then imaginary float),
/// so spans of it pass straight to native transforms.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct Complex32 : IEquatable<Complex32>
{
    public float Re;
    public float Im;

    public Complex32(float re, float im)
    {
        Re = re;
        Im = im;
    }

    public static Complex32 Zero => default;

    public readonly float MagnitudeSquared => Re * Re + Im * Im;
    public readonly float Magnitude => MathF.Sqrt(Re * Re + Im * Im);
    public readonly float Phase => MathF.Atan2(Im, Re);
    public readonly Complex32 Conjugate => new(Re, -Im);

    /// <summary>e^{iφ}.</summary>
    public static Complex32 FromPhase(double phaseRad) => new((float)Math.Cos(phaseRad), (float)Math.Sin(phaseRad));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Complex32 operator +(Complex32 a, Complex32 b) => new(a.Re + b.Re, a.Im + b.Im);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Complex32 operator -(Complex32 a, Complex32 b) => new(a.Re - b.Re, a.Im - b.Im);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Complex32 operator -(Complex32 a) => new(-a.Re, -a.Im);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Complex32 operator *(Complex32 a, Complex32 b) => new(a.Re * b.Re - a.Im * b.Im, a.Re * b.Im + a.Im * b.Re);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Complex32 operator *(Complex32 a, float s) => new(a.Re * s, a.Im * s);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Complex32 operator *(float s, Complex32 a) => new(a.Re * s, a.Im * s);

    public static bool operator ==(Complex32 a, Complex32 b) => a.Re == b.Re && a.Im == b.Im;
    public static bool operator !=(Complex32 a, Complex32 b) => !(a == b);
    public readonly bool Equals(Complex32 other) => this == other;
    public override readonly bool Equals(object? obj) => obj is Complex32 c && c == this;
    public override readonly int GetHashCode() => HashCode.Combine(Re, Im);
    public override readonly string ToString() => $"({Re:G6}, {Im:G6})";
}
