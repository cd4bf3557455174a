using Concord.Core;
using Concord.Core.Atoms;
using Concord.Core.Imaging;

namespace Concord.Simulation.Phantoms;

/// <summary>
/// Coulomb-potential maps from atomic models: each atom adds its five-Gaussian potential
/// (<see cref="ScatteringFactors"/>, Peng 1996) blurred by its B-factor plus a global B, evaluated at voxel centres.
/// Voxel values are the potential integrated over the voxel, so the map sums to Σ occupancy·f(0) (Å³·Å⁻² units) at any pixel size.
/// <para>
/// A molecule in vitreous ice displaces the water it occupies, so its contrast is its potential <em>minus</em> that of
/// the displaced water: at low resolution, where particles are seen and picked, protein (≈ 0.14–0.17 Å⁻² of Σf per Å³,
/// an inner potential near 7 V) stands only 30–45 % above ice (≈ 0.096 Å⁻², 4.6 V). A map computed in vacuum
/// overstates a particle's low-resolution contrast 2–3× (its power 5–10×). With <c>displacedSolventPerA3</c> &gt; 0
/// each atom also subtracts a smooth Gaussian of that solvent density times the volume it occupies: its mass, plus
/// 7.5 % for the hydrogens a heavy-atom model leaves out (proteins are ≈ 7 % hydrogen by mass), times the partial
/// specific volume of protein, 1.212 Å³/Da (0.73 cm³/g). Summed over a packed molecule these blobs give an envelope of
/// the solvent density with a soft edge, as the displaced-solvent models of Vulović et al. 2013 (J. Struct. Biol.
/// 183:19) and Shang &amp; Sigworth 2012 do at low resolution. The hydration shell and the water's own structure
/// inside the envelope are left out.
/// </para>
/// </summary>
public static class AtomicDensity
{
    /// <param name="model">Atoms in Å; the map is centred on the model centroid unless <paramref name="centerOnModel"/> is false (then the origin maps to voxel N/2).</param>
    /// <param name="boxSize">Cubic box in voxels.</param>
    /// <param name="pixelSizeA">Voxel size in Å.</param>
    /// <param name="extraBFactorA2">B-factor added to every atom (Å²), e.g. to simulate a lower-resolution map.</param>
    /// <param name="displacedSolventPerA3">Σf per Å³ of the solvent the molecule displaces (0: in vacuum; <see cref="VitreousIcePerA3"/> for a particle in ice).</param>
    public static Volume Compute(AtomicModel model, int boxSize, double pixelSizeA, double extraBFactorA2 = 0, bool centerOnModel = true, int maxDegreeOfParallelism = -1,
        double displacedSolventPerA3 = 0)
    {
        if (boxSize < 2)
            throw new InvalidDimensionsException($"Phantom box must be at least 2 voxels, got {boxSize}.");
        if (!(pixelSizeA > 0))
            throw new InvalidParameterException("pixelSizeA", $"must be positive, got {pixelSizeA}.");
        if (extraBFactorA2 < 0 || !double.IsFinite(extraBFactorA2))
            throw new InvalidParameterException("extraBFactorA2", $"must be ≥ 0, got {extraBFactorA2}.");
        if (displacedSolventPerA3 < 0 || !double.IsFinite(displacedSolventPerA3))
            throw new InvalidParameterException("displacedSolventPerA3", $"must be ≥ 0, got {displacedSolventPerA3}.");
        bool explicitHydrogens = model.Atoms.Any(a => string.Equals(a.Element, "H", StringComparison.OrdinalIgnoreCase));
        var factors = new Dictionary<string, ScatteringFactors.Gaussians>(StringComparer.OrdinalIgnoreCase);
        foreach (var element in model.Atoms.Select(a => a.Element).Distinct(StringComparer.OrdinalIgnoreCase))
            factors[element] = Factors(element, displacedSolventPerA3, explicitHydrogens);
        var volume = Volume.Cube(boxSize, pixelSizeA);
        var (ox, oy, oz) = centerOnModel ? model.Centroid() : (0, 0, 0);
        int n = boxSize, c = n / 2;
        var atoms = model.Atoms;
        // Partition by z-slab so threads never write the same voxel; each atom touches the slabs its cutoff reaches.
        var memory = volume.Memory;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, n, options, z =>
        {
            var slab = memory.Span.Slice(z * n * n, n * n);
            double zA = (z - c) * pixelSizeA;
            foreach (var atom in atoms)
                AddAtomToSlab(slab, n, c, pixelSizeA, zA, atom, factors[atom.Element], ox, oy, oz, extraBFactorA2);
        });
        return volume;
    }

    /// <summary>
    /// The atom's Gaussians, and with solvent a sixth of negative weight for the water it displaces:
    /// a·(4π/β)^{3/2}·exp(−4π²r²/β) integrates to a, and β = 8π²σ² gives the blob width σ.
    /// </summary>
    private static ScatteringFactors.Gaussians Factors(string element, double solventPerA3, bool explicitHydrogens)
    {
        var g = ScatteringFactors.For(element);
        if (solventPerA3 <= 0)
            return g;
        double solventB = 8 * Math.PI * Math.PI * SolventBlobSigmaA * SolventBlobSigmaA;
        return new ScatteringFactors.Gaussians([.. g.A, -solventPerA3 * OccupiedVolumeA3(element, explicitHydrogens)], [.. g.B, solventB]);
    }

    /// <summary>Σf per Å³ of low-density amorphous ice: n·F_H₂O(0) = 0.0314 Å⁻³ × 3.04 Å ≈ 0.095 Å⁻² (inner potential 4.6 V).</summary>
    public static double VitreousIcePerA3 { get; } = Movies.AmorphousIce.NumberDensityPerA3 * Math.Sqrt(Movies.AmorphousIce.MoleculeFormFactorSquared(0));

    /// <summary>Partial specific volume of protein, Å³ per Da (0.73 cm³/g).</summary>
    public const double ProteinVolumePerDalton = 1.212;

    /// <summary>Width (σ, Å) of the Gaussian of displaced solvent each atom subtracts: about the spacing of bonded atoms, so the envelope is smooth inside.</summary>
    public const double SolventBlobSigmaA = 1.5;

    /// <summary>Volume (Å³) an atom of <paramref name="element"/> occupies in a protein; a heavy atom carries its hydrogens' share unless the model has explicit hydrogens.</summary>
    public static double OccupiedVolumeA3(string element, bool explicitHydrogens) =>
        ProteinVolumePerDalton * AtomicMass(element) * (explicitHydrogens || string.Equals(element, "H", StringComparison.OrdinalIgnoreCase) ? 1 : 1.075);

    private static double AtomicMass(string element) => element.ToUpperInvariant() switch
    {
        "H" => 1.008,
        "C" => 12.011,
        "N" => 14.007,
        "O" => 15.999,
        "P" => 30.974,
        "S" => 32.06,
        _ => 12.011 * ScatteringFactors.For(element).Forward / ScatteringFactors.For("C").Forward,
    };

    private static void AddAtomToSlab(Span<float> slab, int n, int c, double pixelSizeA, double zA, in Atom atom,
        ScatteringFactors.Gaussians g, double ox, double oy, double oz, double extraB)
    {
        double bAtom = Math.Max(atom.BFactorA2, 0) + extraB;
        int terms = g.A.Length;
        double dz = zA - (atom.Z - oz);
        // Cutoff where the broadest Gaussian has fallen to 1e-4 of its peak: r² = β·ln(1e4)/(4π²), plus a voxel.
        double widest = g.B.Max() + bAtom;
        double cutoff = Math.Sqrt(widest * Math.Log(1e4) / (4 * Math.PI * Math.PI)) + pixelSizeA;
        if (Math.Abs(dz) > cutoff)
            return;
        double ax = (atom.X - ox) / pixelSizeA + c, ay = (atom.Y - oy) / pixelSizeA + c;
        double reach = cutoff / pixelSizeA;
        int x0 = Math.Max(0, (int)Math.Floor(ax - reach)), x1 = Math.Min(n - 1, (int)Math.Ceiling(ax + reach));
        int y0 = Math.Max(0, (int)Math.Floor(ay - reach)), y1 = Math.Min(n - 1, (int)Math.Ceiling(ay + reach));
        if (x0 > x1 || y0 > y1)
            return;
        int wx = x1 - x0 + 1, wy = y1 - y0 + 1;
        Span<double> ix = stackalloc double[terms * wx];
        Span<double> iy = stackalloc double[terms * wy];
        Span<double> scale = stackalloc double[terms];
        for (int i = 0; i < terms; i++)
        {
            double beta = g.B[i] + bAtom;
            double rate = 4 * Math.PI * Math.PI / beta;
            // The voxel value is the Gaussian integrated over the voxel: separable, one erf difference per axis, so
            // even atoms much sharper than a voxel keep their exact integral a_i.
            scale[i] = atom.Occupancy * g.A[i] * Math.Pow(4 * Math.PI / beta, 1.5) * AxisIntegral(rate, dz, pixelSizeA);
            for (int x = 0; x < wx; x++)
                ix[i * wx + x] = AxisIntegral(rate, (x0 + x - ax) * pixelSizeA, pixelSizeA);
            for (int y = 0; y < wy; y++)
                iy[i * wy + y] = AxisIntegral(rate, (y0 + y - ay) * pixelSizeA, pixelSizeA);
        }
        for (int y = 0; y < wy; y++)
        {
            var row = slab.Slice((y0 + y) * n + x0, wx);
            for (int x = 0; x < wx; x++)
            {
                double v = 0;
                for (int i = 0; i < terms; i++)
                    v += scale[i] * ix[i * wx + x] * iy[i * wy + y];
                row[x] += (float)v;
            }
        }
    }

    /// <summary>∫ exp(−rate·t²) dt over the voxel [d − a/2, d + a/2].</summary>
    private static double AxisIntegral(double rate, double d, double a)
    {
        double k = Math.Sqrt(rate);
        return 0.5 * Math.Sqrt(Math.PI) / k * (Erf(k * (d + a / 2)) - Erf(k * (d - a / 2)));
    }

    /// <summary>Error function, |error| &lt; 1.2e-7 (Numerical Recipes' erfc Chebyshev fit).</summary>
    internal static double Erf(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + 0.5 * z);
        double erfc = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - erfc : erfc - 1;
    }
}
