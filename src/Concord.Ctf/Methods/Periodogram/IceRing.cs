namespace Concord.Ctf.Methods.Periodogram;

/// <summary>
/// Strength of the ice diffraction ring: the mean amplitude of the rotational average in the band 1/3.7 Å ± 0.006 1/Å
/// divided by the mean in the flanking bands (0.012–0.024 1/Å away on either side). Vitreous ice gives a ratio near 1;
/// thick or crystalline ice a clearly higher one. The rings of the CTF oscillate many times across each band at these
/// frequencies and average out. NaN when the flanks pass Nyquist.
/// </summary>
public static class IceRing
{
    public const double RingResolutionA = 3.7;
    public const double HalfWidthPerA = 0.006;
    public const double FlankInnerPerA = 0.012;
    public const double FlankOuterPerA = 0.024;

    public static double Ratio(AmplitudeSpectrum spectrum)
    {
        ArgumentNullException.ThrowIfNull(spectrum);
        double step = spectrum.FrequencyStep, ring = 1 / RingResolutionA;
        int half = spectrum.Size / 2;
        if ((ring + FlankOuterPerA) / step > half)
            return double.NaN;
        var profile = PeriodogramEstimator.RadialProfile(spectrum.Amplitude, spectrum.Size);
        double band = 0, flank = 0;
        int bandCount = 0, flankCount = 0;
        for (int r = 1; r <= half; r++)
        {
            double distance = Math.Abs(r * step - ring);
            if (distance <= HalfWidthPerA)
            {
                band += profile[r];
                bandCount++;
            }
            else if (distance >= FlankInnerPerA && distance <= FlankOuterPerA)
            {
                flank += profile[r];
                flankCount++;
            }
        }
        return bandCount > 0 && flankCount > 0 && flank > 0 ? band / bandCount / (flank / flankCount) : double.NaN;
    }
}
