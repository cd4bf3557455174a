using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Ctf.Methods.Parametric;

namespace Concord.Ctf.Tests.Parametric;

/// <summary>
/// The optional phase-shift parameter (phase-plate data), on an in-test micrograph because the shared generator has no
/// phase plate: white specimen noise filtered by the CTF (B = 60 Å²) plus white detector noise of the same variance.
/// </summary>
public sealed class ParametricPhaseShiftTests
{
    [Theory]
    [InlineData(60.0)]
    [InlineData(110.0)]
    public void Fits_the_phase_shift_and_defocus_of_a_phase_plate_micrograph(double phaseShiftDeg)
    {
        using var fft = FftBackends.CreateDeterministic();
        var truth = new CtfParameters
        {
            DefocusUA = 9300,
            DefocusVA = 8500,
            DefocusAngleDeg = 30,
            PhaseShiftDeg = phaseShiftDeg,
            AmplitudeContrast = 0.07,
            BFactorA2 = 60,
        };
        using var micrograph = Micrograph(truth, 1024, 1.2, 5, fft);
        var settings = new CtfEstimationSettings { AmplitudeContrast = 0.07, FitPhaseShift = true };
        var estimate = new ParametricCtfEstimator(fft).Estimate(micrograph, settings);
        double relative = Math.Abs(estimate.Ctf.DefocusAverageA - truth.DefocusAverageA) / truth.DefocusAverageA;
        double phaseError = Math.Abs(Math.IEEERemainder(estimate.Ctf.PhaseShiftDeg - phaseShiftDeg, 180));
        Assert.True(relative <= 0.01, $"defocus {estimate.Ctf.DefocusAverageA:F0} Å vs {truth.DefocusAverageA:F0} Å");
        Assert.True(phaseError <= 5, $"phase shift {estimate.Ctf.PhaseShiftDeg:F1}° vs {phaseShiftDeg}°");
        Assert.True(ParametricCtfAccuracyTests.AngleErrorDeg(estimate.Ctf.DefocusAngleDeg, 30) <= 5, $"angle {estimate.Ctf.DefocusAngleDeg:F1}°");
    }

    private static Image2D Micrograph(CtfParameters ctf, int size, double pixelSizeA, int seed, IFftBackend fft)
    {
        var shape = new FftShape(size, size);
        var plan = fft.GetPlan(shape);
        var random = new Random(seed);
        var specimen = new float[shape.RealLength];
        var detector = new float[shape.RealLength];
        for (int i = 0; i < specimen.Length; i++)
        {
            specimen[i] = (float)Gaussian(random);
            detector[i] = (float)Gaussian(random);
        }
        var spectrum = new Complex32[shape.ComplexLength];
        plan.Forward(specimen, spectrum);
        var transfer = CtfImage.HalfComplex(new CtfModel(ctf), shape, pixelSizeA);
        for (int i = 0; i < spectrum.Length; i++)
            spectrum[i] *= transfer[i];
        plan.Inverse(spectrum, specimen);
        var image = new Image2D(size, size, pixelSizeA);
        for (int i = 0; i < specimen.Length; i++)
            image.Span[i] = specimen[i] + detector[i];
        return image;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
