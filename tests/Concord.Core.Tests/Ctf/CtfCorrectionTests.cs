using Concord.Core.Ctf;
using Concord.Core.Fourier;

namespace Concord.Core.Tests.Ctf;

public class CtfCorrectionTests
{
    private const double PixelSizeA = 1.2;
    private static readonly FftShape Shape = new(96, 96);
    private static readonly CtfModel Model = new(new CtfParameters
    {
        VoltageKv = 300,
        SphericalAberrationMm = 2.7,
        AmplitudeContrast = 0.1,
        DefocusUA = 16000,
        DefocusVA = 13000,
        DefocusAngleDeg = -20,
    });

    [Fact]
    public void PhaseFlip_MakesProductWithCtfNonNegativeAndKeepsAmplitudes()
    {
        Complex32[] original = RandomSpectrum(11);
        var flipped = (Complex32[])original.Clone();
        CtfCorrection.PhaseFlip(Model, Shape, PixelSizeA, flipped);
        float[] ctf = CtfImage.HalfComplex(Model, Shape, PixelSizeA);
        int negatives = 0;
        for (int i = 0; i < original.Length; i++)
        {
            // Re(CTF · flipped · conj(original)) = |CTF| · |F|² ≥ 0 whatever the phase of F.
            Complex32 product = ctf[i] * (flipped[i] * original[i].Conjugate);
            Assert.True(product.Re >= 0, $"element {i}: {product}");
            Assert.Equal(original[i].Magnitude, flipped[i].Magnitude, 1e-6);
            negatives += ctf[i] < 0 ? 1 : 0;
        }
        Assert.True(negatives > original.Length / 4, "the test CTF should have many negative lobes");
    }

    [Fact]
    public void WienerFilter_InfiniteSnr_RecoversSpectrumWhereCtfIsLarge()
    {
        Complex32[] truth = RandomSpectrum(5);
        float[] ctf = CtfImage.HalfComplex(Model, Shape, PixelSizeA);
        var observed = new Complex32[truth.Length];
        for (int i = 0; i < truth.Length; i++)
            observed[i] = ctf[i] * truth[i];
        CtfCorrection.WienerFilter(Model, Shape, PixelSizeA, observed, double.PositiveInfinity);
        int checkedCount = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            if (Math.Abs(ctf[i]) < 0.1)
                continue;
            Assert.Equal(truth[i].Re, observed[i].Re, 1e-5);
            Assert.Equal(truth[i].Im, observed[i].Im, 1e-5);
            checkedCount++;
        }
        Assert.True(checkedCount > truth.Length / 2);
    }

    [Fact]
    public void WienerFilter_FiniteSnr_FollowsFormulaAndPerShellMatchesConstant()
    {
        Complex32[] spectrum = RandomSpectrum(7);
        float[] ctf = CtfImage.HalfComplex(Model, Shape, PixelSizeA);
        var constant = (Complex32[])spectrum.Clone();
        CtfCorrection.WienerFilter(Model, Shape, PixelSizeA, constant, 2.0);
        for (int i = 0; i < spectrum.Length; i++)
        {
            float factor = (float)(ctf[i] / ((double)ctf[i] * ctf[i] + 0.5));
            Assert.Equal(spectrum[i].Re * factor, constant[i].Re, 1e-5);
        }

        // Every shell a half-complex 96² grid can reach (the corners go to √2·48 ≈ 68), all at SNR 2.
        var perShell = (Complex32[])spectrum.Clone();
        CtfCorrection.WienerFilter(Model, Shape, PixelSizeA, perShell, Enumerable.Repeat(2.0, 70).ToArray());
        Assert.Equal(constant, perShell);
    }

    [Fact]
    public void WienerFilter_PerShell_ZeroesShellsWithoutSignal()
    {
        Complex32[] spectrum = RandomSpectrum(3);
        var snr = new double[Shape.NX / 2 + 1];
        Array.Fill(snr, 10.0);
        snr[5] = 0;
        CtfCorrection.WienerFilter(Model, Shape, PixelSizeA, spectrum, snr);
        FourierLayout.ForEach(Shape, (i, kx, ky, _) =>
        {
            int shell = FourierLayout.Shell(kx, ky, 0, Shape);
            if (shell == 5 || shell >= snr.Length)
                Assert.Equal(Complex32.Zero, spectrum[i]);
        });
        Assert.Throws<InvalidParameterException>(() => CtfCorrection.WienerFilter(Model, Shape, PixelSizeA, spectrum, double.NaN));
    }

    private static Complex32[] RandomSpectrum(int seed)
    {
        var random = new Random(seed);
        var spectrum = new Complex32[Shape.ComplexLength];
        for (int i = 0; i < spectrum.Length; i++)
            spectrum[i] = new Complex32((float)(random.NextDouble() * 2 - 1), (float)(random.NextDouble() * 2 - 1));
        return spectrum;
    }
}
