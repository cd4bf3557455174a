using Concord.Core.Atoms;
using Concord.Simulation.Phantoms;

namespace Concord.Simulation.Tests.Phantoms;

public class PhantomTests
{
    [Theory]
    [InlineData("C", 2.5092)]
    [InlineData("N", 2.2131)]
    [InlineData("O", 1.9834)]
    [InlineData("S", 5.1597)]
    public void Forward_scattering_matches_the_tabulated_sum(string element, double expected)
    {
        Assert.Equal(expected, ScatteringFactors.For(element).Forward, 3);
        // Scattering falls off with angle.
        Assert.True(ScatteringFactors.For(element).At(0.5) < 0.5 * expected);
    }

    [Fact]
    public void Map_of_an_atom_integrates_to_its_forward_scattering_and_sits_at_the_centre()
    {
        var model = new AtomicModel([new Atom("C", 10, -4, 3, BFactorA2: 20)]);
        using var map = AtomicDensity.Compute(model, boxSize: 32, pixelSizeA: 0.8, centerOnModel: true);
        double sum = 0, mx = 0, my = 0, mz = 0;
        for (int z = 0; z < 32; z++)
            for (int y = 0; y < 32; y++)
                for (int x = 0; x < 32; x++)
                {
                    double v = map[x, y, z];
                    sum += v;
                    mx += v * x;
                    my += v * y;
                    mz += v * z;
                }
        Assert.Equal(ScatteringFactors.For("C").Forward, sum, 2);
        Assert.Equal(16, mx / sum, 2);
        Assert.Equal(16, my / sum, 2);
        Assert.Equal(16, mz / sum, 2);
    }

    [Fact]
    public void Higher_b_factor_spreads_the_same_mass()
    {
        var sharp = new AtomicModel([new Atom("O", 0, 0, 0, BFactorA2: 5)]);
        var soft = new AtomicModel([new Atom("O", 0, 0, 0, BFactorA2: 80)]);
        using var a = AtomicDensity.Compute(sharp, 32, 0.8);
        using var b = AtomicDensity.Compute(soft, 32, 0.8);
        Assert.True(a[16, 16, 16] > 3 * b[16, 16, 16]);
        Assert.Equal(a.Span.ToArray().Sum(), b.Span.ToArray().Sum(), 2);
    }

    [Fact]
    public void Fold_is_deterministic_compact_and_sized_like_a_protein()
    {
        var a = ProteinFold.Build(residues: 300, seed: 5);
        var b = ProteinFold.Build(residues: 300, seed: 5);
        var c = ProteinFold.Build(residues: 300, seed: 6);
        Assert.Equal(a.Atoms, b.Atoms);
        Assert.NotEqual(a.Atoms[10], c.Atoms[10]);
        // ~300 residues of ~7 heavy atoms; a 33 kDa globule has R ≈ 21 Å, loops and side chains reach a bit further.
        Assert.InRange(a.Atoms.Count, 1500, 3200);
        Assert.InRange(a.Radius(), 18, 45);
        var centroid = a.Centroid();
        Assert.True(Math.Abs(centroid.X) + Math.Abs(centroid.Y) + Math.Abs(centroid.Z) < 1e-9);
    }

    [Fact]
    public void Hinge_pair_moves_one_domain_only()
    {
        var fold = ProteinFold.Build(residues: 200, seed: 9);
        var (closed, open) = Conformations.HingePair(fold, 30);
        int moved = 0, still = 0;
        for (int i = 0; i < closed.Atoms.Count; i++)
        {
            var p = closed.Atoms[i];
            var q = open.Atoms[i];
            double d = Math.Sqrt((p.X - q.X) * (p.X - q.X) + (p.Y - q.Y) * (p.Y - q.Y) + (p.Z - q.Z) * (p.Z - q.Z));
            if (p.X <= 0)
                Assert.Equal(0, d, 12);
            else if (d > 1)
                moved++;
            else
                still++;
        }
        Assert.True(moved > 5 * still, $"moved {moved}, near the hinge {still}");
    }

    [Fact]
    public void Bad_phantom_parameters_are_rejected()
    {
        var model = new AtomicModel([new Atom("C", 0, 0, 0)]);
        Assert.Throws<Core.InvalidDimensionsException>(() => AtomicDensity.Compute(model, 1, 1));
        Assert.Throws<Core.InvalidParameterException>(() => AtomicDensity.Compute(model, 16, -1));
        Assert.Throws<Core.InvalidParameterException>(() => AtomicDensity.Compute(model, 16, 1, extraBFactorA2: double.NaN));
    }

    /// <summary>
    /// A molecule in ice: each atom subtracts the vitreous ice of its volume, so the map integrates to
    /// Σf(0) − ρ_ice·Σ V(atom) exactly, the far field stays empty, and the low-resolution contrast of the preset's fold
    /// is that of protein against water, (ρ_protein − ρ_ice)/ρ_protein ≈ 0.31 with ρ_ice = 0.0955 Å⁻² (4.6 V): the
    /// ~3× lower contrast real particles have than a map computed in vacuum.
    /// </summary>
    [Fact]
    public void Map_in_ice_subtracts_the_displaced_water_and_keeps_a_third_of_the_contrast()
    {
        var (models, _) = Presets.PresetPhantoms.Models(new Presets.PhantomSpec(Presets.PhantomKind.Fold, Residues: 360, BoxSize: 64));
        var fold = models[0];
        using var vacuum = AtomicDensity.Compute(fold, 64, 1.5);
        using var ice = AtomicDensity.Compute(fold, 64, 1.5, displacedSolventPerA3: AtomicDensity.VitreousIcePerA3);
        double forward = fold.Atoms.Sum(a => ScatteringFactors.For(a.Element).Forward);
        double displaced = fold.Atoms.Sum(a => AtomicDensity.OccupiedVolumeA3(a.Element, explicitHydrogens: false));
        Assert.InRange(AtomicDensity.VitreousIcePerA3, 0.0950, 0.0960);
        Assert.Equal(forward, vacuum.Span.ToArray().Sum(v => (double)v), forward * 1e-3);
        double inIce = ice.Span.ToArray().Sum(v => (double)v);
        Assert.Equal(forward - AtomicDensity.VitreousIcePerA3 * displaced, inIce, forward * 1e-3);
        // The fold's mass–volume: ~110 Da and ~133 Å³ per residue (1.212 Å³/Da), so protein is 0.139 Å⁻² of Σf per Å³.
        Assert.InRange(displaced / 360, 110, 125);
        Assert.InRange(inIce / forward, 0.28, 0.35);
        Assert.Equal(0, ice[0, 0, 0], 6);
        Assert.Equal(0, ice[63, 63, 63], 6);
        // Hydrogens given explicitly occupy their own volume; a heavy atom then carries none of theirs.
        Assert.Equal(1.212 * 12.011, AtomicDensity.OccupiedVolumeA3("C", explicitHydrogens: true), 6);
        Assert.Equal(1.212 * 12.011 * 1.075, AtomicDensity.OccupiedVolumeA3("C", explicitHydrogens: false), 6);
        Assert.Throws<Core.InvalidParameterException>(() => AtomicDensity.Compute(fold, 16, 1.5, displacedSolventPerA3: -0.1));
    }
}

public class CapsidTests
{
    [Fact]
    public void Capsid_map_is_invariant_under_its_group_and_not_under_others()
    {
        var model = Capsid.Build("I2", shellRadiusA: 40, subunitResidues: 30, seed: 4);
        Assert.Equal(60 * ProteinFold.Build(30, 4, helixLength: 12).Atoms.Count, model.Atoms.Count);
        using var map = AtomicDensity.Compute(model, boxSize: 40, pixelSizeA: 3, extraBFactorA2: 100, centerOnModel: false);
        // Rotating the map by a group operator maps it onto itself; a generic rotation does not.
        double Correlate(Core.Geometry.Matrix3 r)
        {
            int n = 40, c = 20;
            double sab = 0, saa = 0, sbb = 0;
            for (int z = 4; z < n - 4; z += 2)
                for (int y = 4; y < n - 4; y += 2)
                    for (int x = 4; x < n - 4; x += 2)
                    {
                        var p = r * new Core.Geometry.Vector3d(x - c, y - c, z - c);
                        int xi = (int)Math.Round(p.X) + c, yi = (int)Math.Round(p.Y) + c, zi = (int)Math.Round(p.Z) + c;
                        if (xi < 0 || yi < 0 || zi < 0 || xi >= n || yi >= n || zi >= n)
                            continue;
                        double a = map[x, y, z], b = map[xi, yi, zi];
                        sab += a * b;
                        saa += a * a;
                        sbb += b * b;
                    }
            return sab / Math.Sqrt(saa * sbb);
        }
        var group = Core.Geometry.PointGroup.Parse("I2");
        Assert.All(group.Rotations.Skip(1).Take(10), r => Assert.True(Correlate(r) > 0.9, $"symmetry operator gave {Correlate(r):F3}"));
        var generic = Core.Geometry.Matrix3.FromAxisAngle(new Core.Geometry.Vector3d(0.2, 0.5, 0.8).Normalized(), 17);
        Assert.True(Correlate(generic) < 0.8, $"generic rotation gave {Correlate(generic):F3}");
    }
}
