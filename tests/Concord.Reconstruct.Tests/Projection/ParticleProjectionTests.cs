using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Geometry;
using Concord.Core.Projection;
using Concord.Reconstruct.Projection;
using static Concord.Tests.Shared.ProjectionTestData;

namespace Concord.Reconstruct.Tests.Projection;

public class ParticleProjectionTests
{
    private static readonly ReferenceDftBackend Fft = new();

    [Fact]
    public void Fourier_projections_match_real_space_ray_sums_at_random_poses()
    {
        const int n = 24;
        using var map = FourBlobs(n);
        var projector = new FourierProjector(map, Fft);
        var scratch = new ProjectionScratch(n);
        var fourier = new float[n * n];
        var real = new float[n * n];
        var random = new Random(11);
        for (int i = 0; i < 6; i++)
        {
            var angles = RandomRotations.NextEulerAngles(random);
            ParticleProjection.Render(projector, new Pose(angles, 0, 0), null, map.PixelSizeA, Fft, scratch, fourier);
            RealSpaceProjector.Project(map, Rotation3f.FromMatrix(angles.ToMatrix()), real);
            double cc = Correlation(fourier, real);
            Assert.True(cc >= 0.99, $"pose {i} ({angles}): correlation {cc:F4}");
            // Grey levels too: both integrate along z in voxel units. (Not exact: the gridding pre-correction raises
            // off-centre density by up to sinc⁻² and on-grid samples such as the DC term are not smoothed back, as in
            // RELION's projector, whose output this matches exactly in the interop test.)
            double ratio = fourier.Sum() / real.Sum();
            Assert.InRange(ratio, 0.95, 1.05);
        }
    }

    [Fact]
    public void Origin_moves_the_particle_off_centre_by_minus_origin()
    {
        // RELION: rlnOriginX/YAngst is the shift that re-centres the particle, so the image shows it at centre − origin.
        const int n = 24;
        using var map = FourBlobs(n);
        var projector = new FourierProjector(map, Fft);
        var scratch = new ProjectionScratch(n);
        var centred = new float[n * n];
        var shifted = new float[n * n];
        var angles = new EulerAngles(30, 60, 90);
        ParticleProjection.Render(projector, new Pose(angles, 0, 0), null, map.PixelSizeA, Fft, scratch, centred);
        ParticleProjection.Render(projector, new Pose(angles, 3 * map.PixelSizeA, -2 * map.PixelSizeA), null, map.PixelSizeA, Fft, scratch, shifted);
        for (int y = 4; y < n - 4; y++)
            for (int x = 4; x < n - 4; x++)
                Assert.Equal(centred[y * n + x], shifted[(y + 2) * n + x - 3], 3);
    }

    [Fact]
    public void Ctf_multiplies_the_spectrum_and_batches_come_back_in_order()
    {
        const int n = 20;
        using var map = FourBlobs(n);
        var projector = new FourierProjector(map, Fft);
        var random = new Random(12);
        var poses = Enumerable.Range(0, 23).Select(_ => new Pose(RandomRotations.NextEulerAngles(random), random.NextDouble() * 4 - 2, random.NextDouble() * 4 - 2)).ToArray();
        var ctf = new CtfParameters { DefocusUA = 12000, DefocusVA = 11000, DefocusAngleDeg = 30 };
        var seen = new List<int>();
        var scratch = new ProjectionScratch(n);
        var expected = new float[n * n];
        ParticleProjection.Run(projector, poses.Length, i => (poses[i], ctf), map.PixelSizeA, Fft, (i, image) =>
        {
            seen.Add(i);
            ParticleProjection.Render(projector, poses[i], ctf, map.PixelSizeA, Fft, scratch, expected);
            for (int k = 0; k < expected.Length; k++)
                Assert.Equal(expected[k], image[k], 4);
        }, batchSize: 5, maxDegreeOfParallelism: 3);
        Assert.Equal(Enumerable.Range(0, poses.Length), seen);

        // The CTF image: the same pose with and without CTF differ by exactly the CTF in Fourier space.
        var plain = new float[n * n];
        ParticleProjection.Render(projector, poses[0], null, map.PixelSizeA, Fft, scratch, plain);
        var shape = new FftShape(n, n);
        var fp = new Complex32[shape.ComplexLength];
        var fc = new Complex32[shape.ComplexLength];
        Fft.GetPlan(shape).Forward(plain, fp);
        ParticleProjection.Render(projector, poses[0], ctf, map.PixelSizeA, Fft, scratch, expected);
        Fft.GetPlan(shape).Forward(expected, fc);
        var c = CtfImage.HalfComplex(new CtfModel(ctf), shape, map.PixelSizeA);
        for (int k = 0; k < fp.Length; k++)
            Assert.True((fp[k] * c[k] - fc[k]).Magnitude <= 1e-3f * (1 + fp[k].Magnitude), $"component {k}");
    }
}
