using Concord.Simulation.Phantoms;

namespace Concord.Simulation.Movies;

/// <summary>
/// The structural (fluctuating) part of the projected potential of a vitreous-ice layer, from the physics of amorphous
/// water rather than a tuned shape. Water molecules at number density n in a layer t thick, projected along z, give
/// a projected scattering density whose power spectrum at spatial frequency q (1/Å, q = 1/d) is
/// P(q) = n·t·|F(q)|²·S(q): the orientationally averaged form factor of one H₂O molecule (Debye formula over the
/// Peng et al. 1996 factors of O and H) times the structure factor of the liquid-like arrangement, taken at q_z = 0
/// because projection keeps only that central section (Vulović et al. 2013, J. Struct. Biol. 183:19, §2.3 model the
/// solvent the same way). The mean (n·t·F(0) per area, the inner potential) is a uniform phase and invisible.
/// S(q) is a smooth model of low-density amorphous ice: S(0) small because water is nearly incompressible
/// (S(0) = n·k_B·T·κ_T ≈ 0.06; Hura et al. 2000, J. Chem. Phys. 113:9140), a rise from about 8 Å, and the broad
/// first diffraction peak at Q = 1.70 Å⁻¹ (d = 3.70 Å; Dubochet et al. 1988, Q. Rev. Biophys. 21:129; Mariedahl et al.
/// 2018, J. Phys. Chem. B 122:7616) with S ≈ 2.3 and FWHM ≈ 0.27 Å⁻¹ in Q, then S → 1. So ice is a broad phase
/// object whose power grows towards 4 Å: in real micrographs it carries Thon rings to 3–5 Å and the water ring
/// (Rohou &amp; Grigorieff 2015 fit CTFFIND4 to 3–4 Å on such micrographs), while adding little at the low
/// resolutions where particles are seen. Hexagonal (crystalline) ice adds sharp Bragg rings instead, here one at 3.67 Å.
/// </summary>
public static class AmorphousIce
{
    /// <summary>Molecules per Å³ of low-density amorphous ice (0.94 g/cm³).</summary>
    public const double NumberDensityPerA3 = 0.0314;

    /// <summary>S(q → 0): the nearly incompressible liquid's long-wavelength density fluctuations.</summary>
    public const double LowFrequencyStructureFactor = 0.06;

    /// <summary>First diffraction peak of amorphous ice, d = 2π / 1.70 Å⁻¹.</summary>
    public const double FirstPeakResolutionA = 3.70;

    /// <summary>Strongest Bragg ring of hexagonal ice, (002) (the <see cref="IceModel.CrystallineFraction"/> part).</summary>
    public const double CrystallineRingResolutionA = 3.67;

    private const double FirstPeakHeight = 1.3;      // above the baseline of 1: S ≈ 2.3 at the peak
    private const double FirstPeakSigmaPerA = 0.018; // FWHM 0.042 1/Å = 0.27 Å⁻¹ in Q = 2πq
    private const double RiseFrequencyPerA = 0.2;    // baseline S reaches ½ near 5 Å (Q ≈ 1.3 Å⁻¹)
    private const double CrystalPeakHeight = 30;     // a Bragg ring: narrow and strong
    private const double CrystalPeakSigmaPerA = 0.003;
    private const double OxygenHydrogenA = 0.957, HydrogenHydrogenA = 1.513;

    /// <summary>Structure factor of the ice at <paramref name="frequencyPerA"/> (1/Å); <paramref name="crystallineFraction"/> of it hexagonal.</summary>
    public static double StructureFactor(double frequencyPerA, double crystallineFraction = 0)
    {
        double q = Math.Abs(frequencyPerA);
        double rise = 1 - Math.Exp(-Math.Log(2) * Math.Pow(q / RiseFrequencyPerA, 4));
        double baseline = LowFrequencyStructureFactor + (1 - LowFrequencyStructureFactor) * rise;
        double amorphous = baseline + FirstPeakHeight * Gaussian(q, 1 / FirstPeakResolutionA, FirstPeakSigmaPerA);
        double crystal = baseline + CrystalPeakHeight * Gaussian(q, 1 / CrystallineRingResolutionA, CrystalPeakSigmaPerA);
        return (1 - crystallineFraction) * amorphous + crystallineFraction * crystal;
    }

    /// <summary>
    /// |F(q)|² of one water molecule in Å² (orientational average, Debye: Σᵢⱼ fᵢ fⱼ sinc(2π q rᵢⱼ)); f at s = q / 2
    /// in Peng's convention. F(0) = 3.04 Å, which with <see cref="NumberDensityPerA3"/> gives an inner potential of 4.6 V.
    /// </summary>
    public static double MoleculeFormFactorSquared(double frequencyPerA)
    {
        double s = Math.Abs(frequencyPerA) / 2;
        double fo = ScatteringFactors.For("O").At(s), fh = ScatteringFactors.For("H").At(s);
        return fo * fo + 2 * fh * fh + 4 * fo * fh * Sinc(frequencyPerA, OxygenHydrogenA) + 2 * fh * fh * Sinc(frequencyPerA, HydrogenHydrogenA);
    }

    /// <summary>
    /// Power spectral density of the projected scattering-factor density (Σf per Å², so Å² per Å⁻²) of
    /// <paramref name="thicknessA"/> Å of ice: n·t·|F(q)|²·S(q).
    /// </summary>
    public static double ProjectedPowerSpectralDensity(double frequencyPerA, double thicknessA, double crystallineFraction = 0) =>
        NumberDensityPerA3 * Math.Max(thicknessA, 0) * MoleculeFormFactorSquared(frequencyPerA) * StructureFactor(frequencyPerA, crystallineFraction);

    private static double Gaussian(double x, double mean, double sigma) => Math.Exp(-(x - mean) * (x - mean) / (2 * sigma * sigma));

    private static double Sinc(double frequencyPerA, double distanceA)
    {
        double x = 2 * Math.PI * frequencyPerA * distanceA;
        return Math.Abs(x) < 1e-9 ? 1 : Math.Sin(x) / x;
    }
}
