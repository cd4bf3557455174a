namespace Concord.Core.Ctf;

/// <summary>
/// Agreement between two CTF estimates of the same image, following the CTF challenge (Marabini et al., J. Struct.
/// Biol. 2015): two estimates agree up to the spatial frequency at which their phases γ first differ by 90°, since
/// beyond it the CTFs are closer to opposite than to equal in sign and a correction by one spoils the data of the other.
/// </summary>
public static class CtfAgreement
{
    /// <summary>The phase difference at which two CTFs stop agreeing: π/2 (90°).</summary>
    public const double PhaseLimitRad = Math.PI / 2;

    /// <summary>|γ₁ − γ₂| in radians at spatial frequency (sx, sy) in 1/Å (not wrapped: a 2π slip is a disagreement).</summary>
    public static double PhaseDifferenceRad(CtfModel ctf1, CtfModel ctf2, double sx, double sy)
    {
        ArgumentNullException.ThrowIfNull(ctf1);
        ArgumentNullException.ThrowIfNull(ctf2);
        return Math.Abs(ctf1.Gamma(sx, sy) - ctf2.Gamma(sx, sy));
    }

    /// <summary>
    /// The resolution in Å up to which |γ₁ − γ₂| stays below 90° on every direction of the ring, for a box of
    /// <paramref name="boxSize"/> pixels of <paramref name="pixelSizeA"/> Å. Each direction is scanned shell by shell
    /// out to Nyquist and the 90° crossing is interpolated linearly between shells; the worst direction decides.
    /// Returns the Nyquist resolution (2·pixel size) when the CTFs agree everywhere and +∞ when they already differ by
    /// 90° at zero frequency (different phase shifts or amplitude contrasts).
    /// </summary>
    public static double ResolutionA(CtfModel ctf1, CtfModel ctf2, double pixelSizeA, int boxSize)
    {
        ArgumentNullException.ThrowIfNull(ctf1);
        ArgumentNullException.ThrowIfNull(ctf2);
        CtfImage.RequirePixelSize(pixelSizeA);
        if (boxSize < 2)
            throw new InvalidDimensionsException($"CTF agreement: the box must have at least 2 pixels, got {boxSize}.");

        int shells = boxSize / 2;
        double step = 1.0 / (boxSize * pixelSizeA);
        double nyquist = shells * step;
        // γ(−s) = γ(s), so half a turn covers every direction; sample it as finely as the Nyquist ring's pixels.
        int directions = Math.Max(16, (int)Math.Ceiling(Math.PI * shells));
        double limit = nyquist;
        for (int d = 0; d < directions && limit > 0; d++)
        {
            double angle = Math.PI * d / directions;
            double cos = Math.Cos(angle), sin = Math.Sin(angle);
            limit = Math.Min(limit, CrossingFrequency(ctf1, ctf2, cos, sin, step, shells, nyquist));
        }
        return limit > 0 ? 1.0 / limit : double.PositiveInfinity;
    }

    /// <summary>Frequency (1/Å) along direction (cos, sin) where |Δγ| first reaches 90°, or Nyquist if it never does.</summary>
    private static double CrossingFrequency(CtfModel ctf1, CtfModel ctf2, double cos, double sin, double step, int shells, double nyquist)
    {
        double previous = Math.Abs(ctf1.Gamma(0, 0) - ctf2.Gamma(0, 0));
        if (previous >= PhaseLimitRad)
            return 0;
        for (int r = 1; r <= shells; r++)
        {
            double s = r * step;
            double current = Math.Abs(ctf1.Gamma(s * cos, s * sin) - ctf2.Gamma(s * cos, s * sin));
            if (current >= PhaseLimitRad)
                return s - step + step * (PhaseLimitRad - previous) / (current - previous);
            previous = current;
        }
        return nyquist;
    }
}
