namespace Concord.Simulation.Phantoms;

/// <summary>
/// Elastic electron scattering factors as sums of five Gaussians, f(s) = Σ aᵢ·exp(−bᵢ·s²) with s = sinθ/λ in Å⁻¹ and f
/// in Å (Peng, Ren, Dudarev &amp; Whelan 1996, Acta Cryst. A52:257, fit for 0 ≤ s ≤ 2 Å⁻¹, the range cryo-EM uses).
/// The Coulomb potential of an atom with isotropic B-factor B is then
/// ρ(r) = Σ aᵢ·(4π/(bᵢ + B))^{3/2}·exp(−4π²r²/(bᵢ + B)), whose integral is f(0) = Σ aᵢ.
/// </summary>
public static class ScatteringFactors
{
    public sealed record Gaussians(double[] A, double[] B)
    {
        /// <summary>f(0) in Å: the integral of the atom's potential.</summary>
        public double Forward => A.Sum();

        public double At(double s) => A.Select((a, i) => a * Math.Exp(-B[i] * s * s)).Sum();
    }

    private static readonly Dictionary<string, Gaussians> Table = new(StringComparer.OrdinalIgnoreCase)
    {
        ["H"] = new([0.0088, 0.0449, 0.1481, 0.2356, 0.0914], [0.1152, 1.0867, 4.9755, 16.5591, 43.2743]),
        ["C"] = new([0.0489, 0.2091, 0.7537, 1.1420, 0.3555], [0.1140, 1.0825, 5.4281, 17.8811, 51.1341]),
        ["N"] = new([0.0267, 0.1328, 0.5301, 1.1020, 0.4215], [0.0541, 0.5165, 2.8207, 10.6297, 34.3764]),
        ["O"] = new([0.0365, 0.1729, 0.5805, 0.8814, 0.3121], [0.0652, 0.6184, 2.9449, 9.6298, 28.2194]),
        ["P"] = new([0.1005, 0.4615, 1.0663, 2.5854, 1.2725], [0.0977, 0.9084, 4.9654, 18.5471, 54.3648]),
        ["S"] = new([0.0915, 0.4312, 1.0847, 2.4671, 1.0852], [0.0838, 0.7788, 4.3462, 15.5846, 44.6365]),
    };

    /// <summary>Elements with tabulated factors; others fall back to carbon scaled by atomic number (see <see cref="For"/>).</summary>
    public static IReadOnlyCollection<string> Elements => Table.Keys;

    /// <summary>
    /// The factors for <paramref name="element"/>. Elements outside the table (metals, ions) use carbon's shape scaled
    /// to Z/6 of its amplitude: a rough but monotone stand-in that keeps heavy atoms heavy.
    /// </summary>
    public static Gaussians For(string element)
    {
        if (Table.TryGetValue(element, out var g))
            return g;
        int z = AtomicNumber(element);
        var c = Table["C"];
        return new Gaussians(c.A.Select(a => a * z / 6.0).ToArray(), c.B);
    }

    private static int AtomicNumber(string element) => element.ToUpperInvariant() switch
    {
        "NA" => 11,
        "MG" => 12,
        "K" => 19,
        "CA" => 20,
        "MN" => 25,
        "FE" => 26,
        "CO" => 27,
        "NI" => 28,
        "CU" => 29,
        "ZN" => 30,
        "SE" => 34,
        "CL" => 17,
        "BR" => 35,
        "I" => 53,
        "F" => 9,
        "B" => 5,
        "D" => 1,
        _ => 6,
    };
}
