using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Reconstruct.Fsc;

namespace Concord.Reconstruct.Tests.Fsc;

public class FscTests
{
    private static readonly ReferenceDftBackend Fft = new();

    private static Volume Noise(int n, int seed, double sigma = 1)
    {
        var random = new Random(seed);
        var v = Volume.Cube(n, 1.5);
        var span = v.Span;
        for (int i = 0; i < span.Length; i++)
            span[i] = (float)(sigma * Gaussian(random));
        return v;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static Volume Sum(Volume a, Volume b)
    {
        var s = a.Clone();
        System.Numerics.Tensors.TensorPrimitives.Add(s.Span, b.Span, s.Span);
        return s;
    }

    [Fact]
    public void Identical_maps_correlate_perfectly_in_every_shell()
    {
        using var a = Noise(16, 1);
        var curve = FourierShellCorrelation.Compute(a, a, Fft);
        Assert.All(curve.Fsc, f => Assert.Equal(1.0, f, 6));
        Assert.True(curve.ReachesNyquist(0.143));
        Assert.Equal(2 * 1.5, curve.ResolutionAt(0.143), 9);
    }

    [Fact]
    public void Shell_counts_cover_the_full_sphere()
    {
        using var a = Noise(16, 2);
        var curve = FourierShellCorrelation.Compute(a, a, Fft);
        Assert.Equal(9, curve.ShellCount);
        Assert.Equal(1, curve.Count[0]);
        Assert.Equal(6 + 12, curve.Count[1]); // integer points with round(|k|) = 1: |k|² ∈ {1, 2} (√3 rounds to 2)
    }

    [Fact]
    public void Shared_signal_plus_independent_noise_gives_signal_fraction()
    {
        // Signal and noise white with equal variance ⇒ FSC = S / (S + N) = 0.5 in every shell.
        using var signal = Noise(20, 10);
        using var n1 = Noise(20, 11);
        using var n2 = Noise(20, 12);
        using var h1 = Sum(signal, n1);
        using var h2 = Sum(signal, n2);
        var curve = FourierShellCorrelation.Compute(h1, h2, Fft);
        for (int s = 3; s < curve.ShellCount; s++)
            Assert.InRange(curve.Fsc[s], 0.5 - 4 / Math.Sqrt(curve.Count[s]), 0.5 + 4 / Math.Sqrt(curve.Count[s]));
    }

    [Fact]
    public void Independent_maps_do_not_correlate()
    {
        using var a = Noise(20, 21);
        using var b = Noise(20, 22);
        var curve = FourierShellCorrelation.Compute(a, b, Fft);
        for (int s = 2; s < curve.ShellCount; s++)
            Assert.InRange(curve.Fsc[s], -4 / Math.Sqrt(curve.Count[s]), 4 / Math.Sqrt(curve.Count[s]));
    }

    [Fact]
    public void Crossing_is_interpolated_linearly_between_shells()
    {
        var curve = new FscCurve([1, 0.9, 0.6, 0.4, 0.1], [1, 1, 1, 1, 1], BoxSize: 8, PixelSizeA: 2);
        // 0.5 lies halfway between shell 2 (0.6) and 3 (0.4): shell 2.5 ⇒ 8·2 / 2.5 Å.
        Assert.Equal(2.5, curve.CrossingShell(0.5), 12);
        Assert.Equal(16 / 2.5, curve.ResolutionAt(0.5), 12);
        Assert.Equal(3, curve.FirstShellBelow(0.5));
        Assert.False(curve.ReachesNyquist(0.143));
    }

    [Fact]
    public void Phase_randomisation_keeps_amplitudes_low_shells_and_hermitian_symmetry()
    {
        const int n = 12;
        using var map = Noise(n, 31);
        var shape = new FftShape(n, n, n);
        var plan = Fft.GetPlan(shape);
        var original = new Complex32[shape.ComplexLength];
        plan.Forward(map.Span, original);
        var randomized = (Complex32[])original.Clone();
        PhaseRandomization.RandomizeFrom(randomized, shape, fromShell: 4, seed: 5);

        // Going through real space and back must reproduce the randomised spectrum exactly: that only holds when
        // the kx = 0 and Nyquist planes stayed Hermitian.
        var real = new float[shape.RealLength];
        plan.Inverse(randomized, real);
        var again = new Complex32[shape.ComplexLength];
        plan.Forward(real, again);
        int changed = 0;
        FourierLayout.ForEach(shape, (i, kx, ky, kz) =>
        {
            Assert.Equal(original[i].Magnitude, randomized[i].Magnitude, 2);
            Assert.Equal(randomized[i].Re, again[i].Re, 2);
            Assert.Equal(randomized[i].Im, again[i].Im, 2);
            if (kx * kx + ky * ky + kz * kz < 16)
                Assert.Equal(original[i], randomized[i]);
            else if ((original[i] - randomized[i]).Magnitude > 1e-3f)
                changed++;
        });
        Assert.True(changed > shape.ComplexLength / 2);
    }

    [Fact]
    public void Masked_fsc_correction_removes_mask_induced_correlation()
    {
        // Both halves share a strong low-resolution signal (≤ shell 3) and have independent noise; a hard spherical
        // mask convolves the shared low-resolution correlation into high shells. The corrected curve must not.
        const int n = 20;
        using var signal = LowPass(Noise(n, 41, sigma: 10), maxShell: 3);
        using var n1 = Noise(n, 42);
        using var n2 = Noise(n, 43);
        using var h1 = Sum(signal, n1);
        using var h2 = Sum(signal, n2);
        using var mask = Volume.Cube(n, 1.5);
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                {
                    double r = Math.Sqrt((x - n / 2) * (x - n / 2) + (y - n / 2) * (y - n / 2) + (z - n / 2) * (z - n / 2));
                    mask[x, y, z] = r < 6 ? 1 : 0;
                }
        var result = MaskedFsc.Compute(h1, h2, mask, Fft, seed: 7);
        double maskedHigh = 0, correctedHigh = 0;
        int shells = 0;
        for (int s = result.RandomizedFromShell + 2; s < result.Masked.ShellCount; s++, shells++)
        {
            maskedHigh += result.Masked.Fsc[s];
            correctedHigh += result.Corrected.Fsc[s];
        }
        Assert.True(shells >= 3);
        Assert.True(maskedHigh / shells > 0.15, $"mask should inflate high-shell FSC, mean {maskedHigh / shells:F3}");
        Assert.InRange(correctedHigh / shells, -0.1, 0.1);
    }

    private static Volume LowPass(Volume map, int maxShell)
    {
        var shape = new FftShape(map.NX, map.NY, map.NZ);
        var plan = Fft.GetPlan(shape);
        var spectrum = new Complex32[shape.ComplexLength];
        plan.Forward(map.Span, spectrum);
        FourierLayout.ForEach(shape, (i, kx, ky, kz) =>
        {
            if (FourierLayout.Radius(kx, ky, kz, shape) > maxShell)
                spectrum[i] = Complex32.Zero;
        });
        plan.Inverse(spectrum, map.Span);
        return map;
    }
}
