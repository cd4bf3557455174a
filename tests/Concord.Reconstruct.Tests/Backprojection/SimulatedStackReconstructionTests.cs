using Concord.Core.Fourier;
using Concord.Core.Geometry;
using Concord.Reconstruct.Backprojection;
using Concord.Reconstruct.Fsc;
using Concord.Simulation.Stacks;
using static Concord.Tests.Shared.ProjectionTestData;

namespace Concord.Reconstruct.Tests.Backprojection;

/// <summary>
/// End-to-end conventions: particles simulated with RELION semantics (pose, origin shift, CTF) and reconstructed with
/// relion_reconstruct's semantics must give back the map. A sign error in origins, angles or CTF breaks this.
/// </summary>
public class SimulatedStackReconstructionTests
{
    private static readonly ReferenceDftBackend Fft = new();

    [Fact]
    public void Noiseless_ctf_modulated_shifted_particles_reconstruct_the_truth()
    {
        const int n = 24;
        using var truth = FourBlobs(n);
        var options = new ParticleStackOptions { Count = 1200, BoxSize = n, PixelSizeA = truth.PixelSizeA, Snr = 0, MaxOriginA = 5, DefocusMinA = 5000, DefocusMaxA = 20000 };
        var (images, particles) = ParticleStackSimulator.Simulate(options, [truth], null, seed: 21, Fft);
        using (images)
        {
            var accumulators = ParallelBackProjection.Run(particles.Count, n, truth.PixelSizeA, halves: 1,
                (i, slot) => ParticleSpectra.Fill(slot, images.Slice(i), n, particles[i].Pose, particles[i].Ctf, truth.PixelSizeA, Fft));
            using var map = accumulators[0].Reconstruct(Fft);
            var fsc = FourierShellCorrelation.Compute(map, truth, Fft);
            Assert.True(fsc.Fsc.Skip(1).Take(9).All(f => f > 0.95), $"FSC to truth: {string.Join(", ", fsc.Fsc.Select(f => f.ToString("F3")))}");
        }
    }

    [Fact]
    public void Wrong_origin_sign_would_be_caught()
    {
        // The same data reconstructed with origins negated must be clearly worse: proves the test above can fail.
        const int n = 24;
        using var truth = FourBlobs(n);
        var options = new ParticleStackOptions { Count = 600, BoxSize = n, PixelSizeA = truth.PixelSizeA, Snr = 0, MaxOriginA = 6, ApplyCtf = false };
        var (images, particles) = ParticleStackSimulator.Simulate(options, [truth], null, seed: 22, Fft);
        using (images)
        {
            var wrong = ParallelBackProjection.Run(particles.Count, n, truth.PixelSizeA, 1, (i, slot) =>
            {
                var p = particles[i].Pose;
                ParticleSpectra.Fill(slot, images.Slice(i), n, p with { OriginXA = -p.OriginXA, OriginYA = -p.OriginYA }, null, truth.PixelSizeA, Fft);
            });
            using var map = wrong[0].Reconstruct(Fft);
            var fsc = FourierShellCorrelation.Compute(map, truth, Fft);
            Assert.True(fsc.Fsc[6] < 0.8, $"negated origins still gave FSC {fsc.Fsc[6]:F3} at shell 6");
        }
    }
}
