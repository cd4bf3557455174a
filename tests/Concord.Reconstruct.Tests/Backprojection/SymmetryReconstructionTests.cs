using Concord.Core.Fourier;
using Concord.Core.Geometry;
using Concord.Core.Imaging;
using Concord.Core.Projection;
using Concord.Reconstruct.Backprojection;
using Concord.Reconstruct.Fsc;
using Concord.Simulation.Phantoms;
using Concord.Simulation.Stacks;
using Xunit.Abstractions;

namespace Concord.Reconstruct.Tests.Backprojection;

/// <summary>
/// Symmetry acceptance: an icosahedral capsid (RELION's I2 setting, the `virus` preset's phantom at a smaller box)
/// reconstructed with sym I from N particles carries the information of 60·N asymmetric views, so its FSC against the
/// truth must match a C1 reconstruction from 60·N particles of the same data quality within one shell.
/// Why N = 200 and three seeds: a symmetrised map repeats its noise 60 times, so each shell of its FSC has 60× fewer
/// independent Fourier components than the C1 map's and a single curve is ragged; its first 0.5 crossing then scatters
/// by ±2 shells from seed to seed at N = 50 (measured, box 48, SNR 0.005: I 14.4 / 10.9 / 11.6 against C1 13.0 / 13.2 /
/// 13.6; relion_reconstruct shows the same kind of scatter). The expected curves are equal, so the test compares the
/// crossings of curves averaged over three seeds each, at N = 200 (single seeds there: I 17.4 / 18.5 / 18.2 against
/// C1 18.2 / 18.4 / 18.2). A wrong setting (I1) or a broken symmetrisation loses five shells or more.
/// </summary>
public sealed class SymmetryReconstructionTests(ITestOutputHelper output) : IDisposable
{
    private const int Box = 48, Symmetric = 200;
    private const double PixelSizeA = 5.0, Snr = 0.005;
    private readonly IFftBackend _fft = FftBackends.Create();

    public void Dispose() => _fft.Dispose();

    private Volume Capsid()
    {
        // The virus preset's capsid (I2, 80-residue subunits on a 95 Å shell) in a 240 Å box of 48 px. A B-factor of
        // 600 Å² band-limits it below Nyquist: sharper atoms alias on the grid, and aliases are not symmetric, so the
        // sampled map would not be exactly I2-symmetric and no symmetric reconstruction could match it at high resolution.
        var model = Simulation.Phantoms.Capsid.Build("I2", shellRadiusA: 95, subunitResidues: 80, seed: 17);
        return AtomicDensity.Compute(model, Box, PixelSizeA, extraBFactorA2: 600, centerOnModel: false);
    }

    /// <summary>The FSC-vs-truth curve averaged over reconstructions from independent particle sets (one per seed).</summary>
    private FscCurve Averaged(Volume truth, int count, IReadOnlyList<int> seeds, string symmetry)
    {
        var curves = seeds.Select(seed => Reconstruct(truth, count, seed, symmetry)).ToList();
        var mean = Enumerable.Range(0, curves[0].Fsc.Length).Select(s => curves.Average(c => c.Fsc[s])).ToArray();
        return curves[0] with { Fsc = mean };
    }

    private FscCurve Reconstruct(Volume truth, int count, int seed, string symmetry)
    {
        var options = new ParticleStackOptions { Count = count, BoxSize = Box, PixelSizeA = PixelSizeA, Snr = Snr, DefocusMinA = 10000, DefocusMaxA = 25000 };
        var (images, particles) = ParticleStackSimulator.Simulate(options, [truth], null, seed, _fft);
        using (images)
        {
            var sums = ParallelBackProjection.Run(count, Box, PixelSizeA, 1,
                (i, slot) => ParticleSpectra.Fill(slot, images.Slice(i), Box, particles[i].Pose, particles[i].Ctf, PixelSizeA, _fft));
            var operators = PointGroup.Parse(symmetry).Rotations.Select(r => Rotation3f.FromMatrix(r)).ToList();
            using var map = sums[0].Reconstruct(_fft, symmetry: operators);
            return FourierShellCorrelation.Compute(map, truth, _fft);
        }
    }

    [Fact]
    public void Icosahedral_reconstruction_from_n_particles_matches_c1_from_60n()
    {
        using var truth = Capsid();
        var symmetric = Averaged(truth, Symmetric, [31, 33, 35], "I");
        var asymmetric = Averaged(truth, 60 * Symmetric, [32, 34, 36], "C1");
        var wrongSetting = Reconstruct(truth, Symmetric, seed: 31, "I1");
        double s = symmetric.CrossingShell(0.5), a = asymmetric.CrossingShell(0.5), w = wrongSetting.CrossingShell(0.5);
        output.WriteLine($"FSC 0.5 vs truth (mean of 3 seeds): I from {Symmetric}: shell {s:F2}; C1 from {60 * Symmetric}: shell {a:F2}; I1 (wrong setting): shell {w:F2}");
        Assert.True(a < Box / 2 - 2, $"C1 reference reaches shell {a:F2}: the test needs a crossing below Nyquist to compare");
        Assert.True(Math.Abs(s - a) <= 1, $"I from {Symmetric} crosses at shell {s:F2}, C1 from {60 * Symmetric} at {a:F2}");
        // The comparison can fail: RELION's other icosahedral setting puts the 5-folds elsewhere and ruins the map.
        Assert.True(w < s - 3, $"the wrong setting I1 still crosses at shell {w:F2}");
    }
}
