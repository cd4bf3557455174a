using System.Runtime.CompilerServices;

namespace Concord.Core.Ctf;

/// <summary>
/// A validated CTF with its constants precomputed, evaluated exactly as RELION 3.1 does (src/ctf.h, ctf.cpp):
/// <code>
/// γ(s, α) = −π λ Δf(α) s² + (π/2) Cs λ³ s⁴ − φ − atan(Q0 / √(1 − Q0²))
/// Δf(α)   = (U + V)/2 + (U − V)/2 · cos(2(α − θ))            (θ = DefocusAngleDeg, α = atan2(sy, sx))
/// CTF     = −scale · sin γ · exp(−B s² / 4)
/// </code>
/// with s in 1/Å, λ in Å, Cs in Å, defocus positive for underfocus and φ the phase-plate shift. At s = 0 the CTF is
/// +scale·Q0 and, for underfocus, it stays positive up to its first zero (γ = −π): RELION's CTF is positive at low
/// frequency, so an image equals (CTF · projection) with protein density positive. Immutable and thread-safe.
/// </summary>
public sealed class CtfModel
{
    /// <summary>Builds the model; throws <see cref="InvalidParameterException"/> for parameters that cannot describe a CTF.</summary>
    public CtfModel(CtfParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.Validate();
        WavelengthA = parameters.WavelengthA;
        double csA = parameters.SphericalAberrationMm * 1e7;
        DefocusTermK1 = Math.PI * WavelengthA;
        SphericalTermK2 = 0.5 * Math.PI * csA * WavelengthA * WavelengthA * WavelengthA;
        double q0 = parameters.AmplitudeContrast;
        AmplitudeContrastPhaseRad = Math.Atan(q0 / Math.Sqrt(1 - q0 * q0));
        PhaseShiftRad = parameters.PhaseShiftDeg * Math.PI / 180.0;
        ConstantPhaseRad = PhaseShiftRad + AmplitudeContrastPhaseRad;
        BFactorTermK4 = -parameters.BFactorA2 / 4.0;

        double angleRad = parameters.DefocusAngleDeg * Math.PI / 180.0;
        double average = parameters.DefocusAverageA;
        double deviation = 0.5 * (parameters.DefocusUA - parameters.DefocusVA);
        DefocusXxA = average + deviation * Math.Cos(2 * angleRad);
        DefocusYyA = average - deviation * Math.Cos(2 * angleRad);
        DefocusXyA = deviation * Math.Sin(2 * angleRad);
    }

    public CtfParameters Parameters { get; }

    /// <summary>Electron wavelength λ in Å.</summary>
    public double WavelengthA { get; }

    /// <summary>K1 = π λ (Å): multiplies Δf·s² (RELION's K1, whose defocus carries the opposite sign).</summary>
    public double DefocusTermK1 { get; }

    /// <summary>K2 = (π/2) Cs λ³ (Cs in Å; unit Å⁴): multiplies s⁴.</summary>
    public double SphericalTermK2 { get; }

    /// <summary>RELION's K3 = atan(Q0 / √(1 − Q0²)) = asin(Q0), in radians.</summary>
    public double AmplitudeContrastPhaseRad { get; }

    /// <summary>RELION's K5: the phase-plate shift in radians.</summary>
    public double PhaseShiftRad { get; }

    /// <summary>K3 + K5, the frequency-independent part subtracted from γ.</summary>
    public double ConstantPhaseRad { get; }

    /// <summary>K4 = −B/4 (Å²): the envelope is exp(K4 s²).</summary>
    public double BFactorTermK4 { get; }

    // Astigmatic defocus as a quadratic form: Δf(α)·s² = Dxx sx² + 2 Dxy sx sy + Dyy sy², which needs no atan2/cos
    // per frequency (the same rewriting RELION 3.1 uses for its Axx, Axy, Ayy).
    internal double DefocusXxA { get; }
    internal double DefocusYyA { get; }
    internal double DefocusXyA { get; }

    /// <summary>Defocus in Å along the frequency direction <paramref name="angleRad"/> (from the x axis).</summary>
    public double DefocusAlongA(double angleRad)
    {
        double c = Math.Cos(angleRad), s = Math.Sin(angleRad);
        return DefocusXxA * c * c + 2 * DefocusXyA * c * s + DefocusYyA * s * s;
    }

    /// <summary>The phase γ in radians at spatial frequency (sx, sy) in 1/Å.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Gamma(double sx, double sy)
    {
        double s2 = sx * sx + sy * sy;
        double defocusS2 = DefocusXxA * sx * sx + 2 * DefocusXyA * sx * sy + DefocusYyA * sy * sy;
        return -DefocusTermK1 * defocusS2 + SphericalTermK2 * s2 * s2 - ConstantPhaseRad;
    }

    /// <summary>γ at radial frequency <paramref name="s"/> (1/Å) along direction <paramref name="angleRad"/>.</summary>
    public double GammaAt(double s, double angleRad) => Gamma(s * Math.Cos(angleRad), s * Math.Sin(angleRad));

    /// <summary>The CTF value at spatial frequency (sx, sy) in 1/Å, B-factor envelope and scale included.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Value(double sx, double sy)
    {
        double s2 = sx * sx + sy * sy;
        return -Parameters.Scale * Math.Sin(Gamma(sx, sy)) * Math.Exp(BFactorTermK4 * s2);
    }

    /// <summary>The CTF at radial frequency <paramref name="s"/> (1/Å) along direction <paramref name="angleRad"/>.</summary>
    public double ValueAt(double s, double angleRad) => Value(s * Math.Cos(angleRad), s * Math.Sin(angleRad));
}
