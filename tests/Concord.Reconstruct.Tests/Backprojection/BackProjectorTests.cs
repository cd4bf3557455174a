using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Core.Projection;
using Concord.Reconstruct.Backprojection;
using Concord.Reconstruct.Fsc;
using static Concord.Tests.Shared.ProjectionTestData;

namespace Concord.Reconstruct.Tests.Backprojection;

public class BackProjectorTests
{
    private static readonly ReferenceDftBackend Fft = new();

    /// <summary>A synthetic CTF −sin(π λ Δf s² − K) on the centred half-complex grid, enough to test weighting.</summary>
    private static float[] SyntheticCtf(int n, double pixelSizeA, double defocusA)
    {
        const double lambda = 0.0197;
        var ctf = new float[(n / 2 + 1) * n];
        for (int yi = 0; yi < n; yi++)
            for (int kx = 0; kx <= n / 2; kx++)
            {
                int ky = FourierLayout.FrequencyOfIndex(yi, n);
                double s2 = (kx * kx + ky * ky) / (n * pixelSizeA * n * pixelSizeA);
                ctf[yi * (n / 2 + 1) + kx] = (float)-Math.Sin(Math.PI * lambda * defocusA * s2 + 0.1);
            }
        return ctf;
    }

    [Fact]
    public void Noiseless_projections_reconstruct_the_volume()
    {
        const int n = 24;
        using var truth = FourBlobs(n);
        var projector = new FourierProjector(truth, Fft);
        var backProjector = new FourierBackProjector(n, truth.PixelSizeA);
        var spectrum = new Complex32[(n / 2 + 1) * n];
        var random = new Random(3);
        for (int i = 0; i < 1500; i++)
        {
            var a = RandomRotation(random);
            projector.ProjectSpectrum(a, spectrum);
            backProjector.Insert(spectrum, ReadOnlySpan<float>.Empty, a);
        }
        using var map = backProjector.Reconstruct(Fft, new ReconstructionOptions(MaskOutsideBox: false));
        double cc = Correlation(map.Span, truth.Span);
        Assert.True(cc > 0.995, $"correlation with truth {cc:F5}");
        var fsc = FourierShellCorrelation.Compute(map, truth, Fft);
        Assert.True(fsc.ResolutionAt(0.5) < 2.3 * truth.PixelSizeA, $"FSC 0.5 at {fsc.ResolutionAt(0.5):F2} Å");
        // Grey levels, not just shape: the mass inside the particle and every voxel must match the truth.
        double inner = 0, innerTruth = 0, outer = 0, peak = 0;
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    double r = Math.Sqrt((x - n / 2) * (x - n / 2) + (y - n / 2) * (y - n / 2) + (z - n / 2) * (z - n / 2));
                    if (r < 9) { inner += map[x, y, z]; innerTruth += truth[x, y, z]; }
                    else outer += map[x, y, z];
                    peak = Math.Max(peak, truth[x, y, z]);
                }
        double ratio = inner / innerTruth;
        double maxError = Enumerable.Range(0, n * n * n).Max(i => Math.Abs(map.Span[i] - truth.Span[i]));
        Assert.True(maxError < 0.02 * peak, $"largest voxel error {maxError:F4} vs peak {peak:F3}");
        Assert.True(Math.Abs(outer) / (n * n * n) < 0.005 * peak, $"mean outside the particle {outer / (n * n * n):F5}");
        Assert.True(ratio is > 0.97 and < 1.03, $"mass ratio {ratio:F4}");
    }

    [Fact]
    public void Ctf_weighted_insertion_recovers_the_volume_from_ctf_modulated_projections()
    {
        const int n = 24;
        using var truth = FourBlobs(n);
        var projector = new FourierProjector(truth, Fft);
        var backProjector = new FourierBackProjector(n, truth.PixelSizeA);
        var spectrum = new Complex32[(n / 2 + 1) * n];
        var random = new Random(4);
        for (int i = 0; i < 1500; i++)
        {
            var a = RandomRotation(random);
            var ctf = SyntheticCtf(n, truth.PixelSizeA, 8000 + 20000 * random.NextDouble());
            projector.ProjectSpectrum(a, spectrum);
            for (int k = 0; k < spectrum.Length; k++)
                spectrum[k] *= ctf[k];
            backProjector.Insert(spectrum, ctf, a);
        }
        using var map = backProjector.Reconstruct(Fft);
        double cc = Correlation(map.Span, truth.Span);
        Assert.True(cc > 0.99, $"correlation with truth {cc:F5}");
    }

    [Fact]
    public void Per_thread_accumulators_add_up_to_a_single_one()
    {
        const int n = 16;
        using var truth = FourBlobs(n);
        var projector = new FourierProjector(truth, Fft);
        var whole = new FourierBackProjector(n, truth.PixelSizeA);
        var part1 = new FourierBackProjector(n, truth.PixelSizeA);
        var part2 = new FourierBackProjector(n, truth.PixelSizeA);
        var spectrum = new Complex32[(n / 2 + 1) * n];
        var random = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            var a = RandomRotation(random);
            projector.ProjectSpectrum(a, spectrum);
            whole.Insert(spectrum, ReadOnlySpan<float>.Empty, a);
            (i % 2 == 0 ? part1 : part2).Insert(spectrum, ReadOnlySpan<float>.Empty, a);
        }
        part1.Add(part2);
        Assert.Equal(whole.Count, part1.Count);
        for (int i = 0; i < whole.Grid.Data.Length; i++)
            Assert.True((whole.Grid.Data[i] - part1.Grid.Data[i]).Magnitude <= 1e-3f * (1 + whole.Grid.Data[i].Magnitude));
    }
}

public class ParallelBackProjectionTests
{
    private static readonly ReferenceDftBackend Fft = new();

    [Fact]
    public void Threads_and_halves_give_the_same_sums_as_a_serial_pass()
    {
        const int n = 16, count = 300;
        using var truth = FourBlobs(n);
        var projector = new FourierProjector(truth, Fft);
        var random = new Random(8);
        var rotations = Enumerable.Range(0, count).Select(_ => RandomRotation(random)).ToArray();
        void Prepare(int i, ParticleSlot slot)
        {
            projector.ProjectSpectrum(rotations[i], slot.Spectrum);
            slot.Rotation = rotations[i];
            slot.Half = i % 2;
        }
        var serial = ParallelBackProjection.Run(count, n, truth.PixelSizeA, halves: 2, Prepare, maxDegreeOfParallelism: 1);
        var parallel = ParallelBackProjection.Run(count, n, truth.PixelSizeA, halves: 2, Prepare, maxDegreeOfParallelism: 3);
        for (int h = 0; h < 2; h++)
        {
            Assert.Equal(count / 2, serial[h].Count);
            Assert.Equal(serial[h].Count, parallel[h].Count);
            for (int i = 0; i < serial[h].Grid.Data.Length; i++)
                Assert.True((serial[h].Grid.Data[i] - parallel[h].Grid.Data[i]).Magnitude <= 1e-3f * (1 + serial[h].Grid.Data[i].Magnitude));
        }
    }

    [Fact]
    public void A_failing_particle_surfaces_its_own_exception()
    {
        var e = Assert.Throws<Core.InvalidParameterException>(() => ParallelBackProjection.Run(50, 16, 1.0, 1,
            (i, slot) => { if (i == 17) throw new Core.InvalidParameterException("image", "particle 17 is unreadable"); }, maxDegreeOfParallelism: 2));
        Assert.Contains("17", e.Message, StringComparison.Ordinal);
    }
}
