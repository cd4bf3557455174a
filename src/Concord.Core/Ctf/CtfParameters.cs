namespace Concord.Core.Ctf;

/// <summary>
/// The parameters of one contrast transfer function, with RELION 3.1's meaning and units (rlnVoltage,
/// rlnSphericalAberration, rlnAmplitudeContrast, rlnDefocusU/V, rlnDefocusAngle, rlnPhaseShift, rlnCtfBfactor,
/// rlnCtfScalefactor). Defocus is positive for underfocus; the angle is measured from the x axis to the U axis,
/// counter-clockwise in the (sx, sy) frequency plane. See docs/conventions.md, section "CTF".
/// </summary>
public sealed record CtfParameters
{
    /// <summary>Largest accelerating voltage accepted (kV); anything above is a unit mistake (V given as kV).</summary>
    public const double MaxVoltageKv = 5000;

    /// <summary>Largest |defocus| accepted (Å) — 100 µm; larger values are a unit mistake (nm or µm mixed with Å).</summary>
    public const double MaxAbsDefocusA = 1e6;

    /// <summary>Largest |Cs| accepted (mm).</summary>
    public const double MaxAbsSphericalAberrationMm = 100;

    public double VoltageKv { get; init; } = 300;
    public double SphericalAberrationMm { get; init; } = 2.7;
    public double AmplitudeContrast { get; init; } = 0.1;
    public double DefocusUA { get; init; }
    public double DefocusVA { get; init; }
    public double DefocusAngleDeg { get; init; }
    public double PhaseShiftDeg { get; init; }
    public double BFactorA2 { get; init; }
    public double Scale { get; init; } = 1;

    /// <summary>Relativistic electron wavelength in Å at <see cref="VoltageKv"/>.</summary>
    public double WavelengthA => ElectronWavelengthA(VoltageKv);

    /// <summary>(U + V) / 2 in Å.</summary>
    public double DefocusAverageA => 0.5 * (DefocusUA + DefocusVA);

    /// <summary>|U − V| in Å (RELION's rlnCtfAstigmatism).</summary>
    public double AstigmatismA => Math.Abs(DefocusUA - DefocusVA);

    /// <summary>
    /// Relativistic electron wavelength λ = h / √(2 m₀ e V (1 + e V / (2 m₀ c²))) in Å, written as RELION writes it:
    /// λ = 12.2643247 / √(V (1 + 0.978466·10⁻⁶ V)) with V in volts.
    /// </summary>
    public static double ElectronWavelengthA(double voltageKv)
    {
        double volts = voltageKv * 1e3;
        return 12.2643247 / Math.Sqrt(volts * (1.0 + volts * 0.978466e-6));
    }

    /// <summary>Throws <see cref="InvalidParameterException"/> naming the first parameter that cannot describe a CTF.</summary>
    public CtfParameters Validate()
    {
        RequireFinite(VoltageKv, nameof(VoltageKv));
        if (VoltageKv <= 0 || VoltageKv > MaxVoltageKv)
            throw new InvalidParameterException(nameof(VoltageKv), $"accelerating voltage must be in (0, {MaxVoltageKv}] kV, got {VoltageKv}.");
        RequireFinite(SphericalAberrationMm, nameof(SphericalAberrationMm));
        if (Math.Abs(SphericalAberrationMm) > MaxAbsSphericalAberrationMm)
            throw new InvalidParameterException(nameof(SphericalAberrationMm), $"|Cs| must be at most {MaxAbsSphericalAberrationMm} mm, got {SphericalAberrationMm}.");
        RequireFinite(AmplitudeContrast, nameof(AmplitudeContrast));
        if (AmplitudeContrast < 0 || AmplitudeContrast >= 1)
            throw new InvalidParameterException(nameof(AmplitudeContrast), $"amplitude contrast Q0 must be in [0, 1), got {AmplitudeContrast}.");
        RequireDefocus(DefocusUA, nameof(DefocusUA));
        RequireDefocus(DefocusVA, nameof(DefocusVA));
        RequireFinite(DefocusAngleDeg, nameof(DefocusAngleDeg));
        RequireFinite(PhaseShiftDeg, nameof(PhaseShiftDeg));
        RequireFinite(BFactorA2, nameof(BFactorA2));
        RequireFinite(Scale, nameof(Scale));
        if (Scale <= 0)
            throw new InvalidParameterException(nameof(Scale), $"CTF scale factor must be positive, got {Scale}.");
        return this;
    }

    private static void RequireFinite(double value, string name)
    {
        if (!double.IsFinite(value))
            throw new InvalidParameterException(name, $"must be a finite number, got {value}.");
    }

    private static void RequireDefocus(double value, string name)
    {
        RequireFinite(value, name);
        if (Math.Abs(value) > MaxAbsDefocusA)
            throw new InvalidParameterException(name, $"|defocus| must be at most {MaxAbsDefocusA} Å (100 µm), got {value} Å; is it in nm or µm?");
    }
}
