using Concord.Core.Ctf;
using Concord.Core.Fourier;

namespace Concord.Core.Tests.Ctf;

public class CtfImageTests
{
    private static readonly CtfModel Model = new(new CtfParameters
    {
        VoltageKv = 300,
        SphericalAberrationMm = 2.7,
        AmplitudeContrast = 0.1,
        DefocusUA = 18000,
        DefocusVA = 14000,
        DefocusAngleDeg = 37,
        PhaseShiftDeg = 20,
        BFactorA2 = 40,
    });

    [Theory]
    [InlineData(64, 64, CtfImageKind.Ctf)]
    [InlineData(65, 48, CtfImageKind.Ctf)]
    [InlineData(64, 80, CtfImageKind.CtfSquared)]
    [InlineData(63, 63, CtfImageKind.Absolute)]
    [InlineData(64, 64, CtfImageKind.Sign)]
    public void HalfComplex_EqualsPointwiseEvaluation(int nx, int ny, CtfImageKind kind)
    {
        const double pixelSizeA = 1.3;
        var shape = new FftShape(nx, ny);
        float[] image = CtfImage.HalfComplex(Model, shape, pixelSizeA, kind);
        FourierLayout.ForEach(shape, (i, kx, ky, _) =>
        {
            double value = Model.Value(kx / (nx * pixelSizeA), ky / (ny * pixelSizeA));
            Assert.Equal(Expected(value, kind), image[i], 1e-6);
        });
    }

    [Theory]
    [InlineData(64, 64)]
    [InlineData(33, 50)]
    public void Centered_HasZeroFrequencyAtHalfBoxAndMatchesPointwise(int nx, int ny)
    {
        const double pixelSizeA = 0.9;
        float[] image = CtfImage.Centered(Model, nx, ny, pixelSizeA);
        Assert.Equal(Model.Value(0, 0), image[ny / 2 * nx + nx / 2], 1e-7);
        for (int y = 0; y < ny; y++)
        {
            for (int x = 0; x < nx; x++)
            {
                double value = Model.Value((x - nx / 2) / (nx * pixelSizeA), (y - ny / 2) / (ny * pixelSizeA));
                Assert.Equal(value, image[y * nx + x], 1e-6);
            }
        }
    }

    [Theory]
    [InlineData(-20.0)]
    [InlineData(0.0)]
    [InlineData(20000.0)]
    public void HalfComplexAndCentered_FollowTheEnvelopeForAnyBFactor(double bFactor)
    {
        // 20000 Å² drives exp(−B s²/4) past the recurrence's range at the corners; −20 Å² sharpens.
        var model = new CtfModel(Model.Parameters with { BFactorA2 = bFactor });
        const double pixelSizeA = 1.3;
        var shape = new FftShape(48, 40);
        float[] half = CtfImage.HalfComplex(model, shape, pixelSizeA);
        FourierLayout.ForEach(shape, (i, kx, ky, _) =>
            Assert.Equal(model.Value(kx / (48 * pixelSizeA), ky / (40 * pixelSizeA)), half[i], 2e-6));
        float[] centred = CtfImage.Centered(model, 48, 40, pixelSizeA);
        for (int y = 0; y < 40; y++)
        {
            for (int x = 0; x < 48; x++)
                Assert.Equal(model.Value((x - 24) / (48 * pixelSizeA), (y - 20) / (40 * pixelSizeA)), centred[y * 48 + x], 2e-6);
        }
    }

    [Fact]
    public void EnvelopeRecurrence_StaysAccurateAlongA4096PixelRow()
    {
        var model = new CtfModel(Model.Parameters with { BFactorA2 = 150 });
        const double pixelSizeA = 0.8;
        var shape = new FftShape(4096, 4);
        float[] half = CtfImage.HalfComplex(model, shape, pixelSizeA);
        FourierLayout.ForEach(shape, (i, kx, ky, _) =>
            Assert.Equal(model.Value(kx / (4096 * pixelSizeA), ky / (4 * pixelSizeA)), half[i], 1e-6));
    }

    [Fact]
    public void ParallelFill_EqualsSerialFill()
    {
        var shape = new FftShape(256, 256);
        float[] serial = CtfImage.HalfComplex(Model, shape, 1.1, maxDegreeOfParallelism: 1);
        float[] parallel = CtfImage.HalfComplex(Model, shape, 1.1, maxDegreeOfParallelism: 4);
        Assert.Equal(serial, parallel);
    }

    [Fact]
    public void Fill_RejectsWrongLengthsAndShapes()
    {
        Assert.Throws<ShapeMismatchException>(() => CtfImage.FillHalfComplex(Model, new FftShape(64, 64), 1, new float[64 * 64]));
        Assert.Throws<InvalidDimensionsException>(() => CtfImage.HalfComplex(Model, new FftShape(64), 1));
        Assert.Throws<InvalidParameterException>(() => CtfImage.HalfComplex(Model, new FftShape(64, 64), 0));
        Assert.Throws<ShapeMismatchException>(() => CtfImage.FillCentered(Model, 8, 8, 1, new float[63]));
    }

    private static double Expected(double value, CtfImageKind kind) => kind switch
    {
        CtfImageKind.Ctf => value,
        CtfImageKind.CtfSquared => value * value,
        CtfImageKind.Absolute => Math.Abs(value),
        _ => value < 0 ? -1 : 1,
    };
}
