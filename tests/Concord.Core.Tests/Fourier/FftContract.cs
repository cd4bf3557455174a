using Concord.Core.Fourier;
using Concord.Core.Tests.Infrastructure;

namespace Concord.Core.Tests.Fourier;

/// <summary>The checks every <see cref="IFftBackend"/> must pass; the per-backend test classes call these.</summary>
internal static class FftContract
{
    public static void MatchesReference(IFftBackend backend, int nx, int ny, int nz)
    {
        var shape = new FftShape(nx, ny, nz);
        var data = FftTestData.Random(shape.RealLength, seed: nx + (31 * ny) + (977 * nz));
        using var reference = new ReferenceDftBackend();
        var expected = new Complex32[shape.ComplexLength];
        reference.GetPlan(shape).Forward(data, expected);
        var actual = new Complex32[shape.ComplexLength];
        var plan = backend.GetPlan(shape);
        plan.Forward(data, actual);
        Assert.True(FftTestData.RelativeError(actual, expected) < 2e-6, $"{backend.Name} forward {shape}: error {FftTestData.RelativeError(actual, expected):E2}");
        var back = new float[shape.RealLength];
        plan.Inverse(expected, back);
        Assert.True(FftTestData.RelativeError(back, data) < 2e-6, $"{backend.Name} inverse {shape}: error {FftTestData.RelativeError(back, data):E2}");
    }

    public static void RoundTrips(IFftBackend backend, int nx, int ny, int nz, double tolerance = 1e-5)
    {
        var shape = new FftShape(nx, ny, nz);
        var data = FftTestData.Random(shape.RealLength, seed: 7);
        var plan = backend.GetPlan(shape);
        var spectrum = new Complex32[shape.ComplexLength];
        var back = new float[shape.RealLength];
        plan.Forward(data, spectrum);
        plan.Inverse(spectrum, back);
        double error = FftTestData.RelativeError(back, data);
        Assert.True(error < tolerance, $"{backend.Name} round trip {shape}: relative error {error:E2}");
    }

    /// <summary>Σ|x|² = (1/N) Σ|X|² over the full spectrum; half-complex columns other than 0 and NX/2 count twice.</summary>
    public static void SatisfiesParseval(IFftBackend backend, int nx, int ny, int nz)
    {
        var shape = new FftShape(nx, ny, nz);
        var data = FftTestData.Random(shape.RealLength, seed: 11);
        var spectrum = new Complex32[shape.ComplexLength];
        backend.GetPlan(shape).Forward(data, spectrum);
        double energy = data.Sum(v => (double)v * v), spectral = 0;
        for (int i = 0; i < spectrum.Length; i++)
        {
            int kx = i % shape.HalfNX;
            bool single = kx == 0 || (nx % 2 == 0 && kx == nx / 2);
            spectral += (single ? 1 : 2) * (double)spectrum[i].MagnitudeSquared;
        }
        Assert.Equal(1, spectral / shape.RealLength / energy, 5);
    }

    /// <summary>A delta at s transforms to e^{−2πi k·s/N} exactly (the sign and origin convention of the layout).</summary>
    public static void ShiftedDeltaHasAnalyticPhase(IFftBackend backend, int nx, int ny, int nz, int sx, int sy, int sz)
    {
        var shape = new FftShape(nx, ny, nz);
        var data = new float[shape.RealLength];
        data[(((sz * ny) + sy) * nx) + sx] = 1;
        var spectrum = new Complex32[shape.ComplexLength];
        backend.GetPlan(shape).Forward(data, spectrum);
        double worst = 0;
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int kx = 0; kx < shape.HalfNX; kx++)
                {
                    double phase = -2 * Math.PI * ((kx * (double)sx / nx) + (y * (double)sy / ny) + (z * (double)sz / nz));
                    var actual = spectrum[(((z * ny) + y) * shape.HalfNX) + kx];
                    worst = Math.Max(worst, Math.Abs(actual.Re - Math.Cos(phase)) + Math.Abs(actual.Im - Math.Sin(phase)));
                }
        Assert.True(worst < 2e-5, $"{backend.Name} delta at ({sx},{sy},{sz}) in {shape}: worst deviation {worst:E2}");
    }

    public static void BatchEqualsLoop(IFftBackend backend, int nx, int ny, int nz, int count, double tolerance)
    {
        var shape = new FftShape(nx, ny, nz);
        var plan = backend.GetPlan(shape);
        var data = FftTestData.Random(shape.RealLength * count, seed: 5);
        var batched = new Complex32[shape.ComplexLength * count];
        var looped = new Complex32[shape.ComplexLength * count];
        plan.ForwardBatch(data, batched, count);
        for (int i = 0; i < count; i++)
            plan.Forward(data.AsSpan(i * shape.RealLength, shape.RealLength), looped.AsSpan(i * shape.ComplexLength, shape.ComplexLength));
        Assert.True(FftTestData.RelativeError(batched, looped) <= tolerance, $"{backend.Name} forward batch {shape}×{count}");
        var backBatched = new float[data.Length];
        var backLooped = new float[data.Length];
        plan.InverseBatch(looped, backBatched, count);
        for (int i = 0; i < count; i++)
            plan.Inverse(looped.AsSpan(i * shape.ComplexLength, shape.ComplexLength), backLooped.AsSpan(i * shape.RealLength, shape.RealLength));
        Assert.True(FftTestData.RelativeError(backBatched, backLooped) <= tolerance, $"{backend.Name} inverse batch {shape}×{count}");
        Assert.True(FftTestData.RelativeError(backBatched, data) < 1e-5, $"{backend.Name} batch round trip {shape}×{count}");
    }

    public static void InverseLeavesSpectrumUnmodified(IFftBackend backend, int nx, int ny, int nz)
    {
        var shape = new FftShape(nx, ny, nz);
        var plan = backend.GetPlan(shape);
        var spectrum = new Complex32[shape.ComplexLength];
        plan.Forward(FftTestData.Random(shape.RealLength, seed: 3), spectrum);
        var before = (Complex32[])spectrum.Clone();
        plan.Inverse(spectrum, new float[shape.RealLength]);
        Assert.Equal(before, spectrum);
        var batch = spectrum.Concat(spectrum).ToArray();
        var batchBefore = (Complex32[])batch.Clone();
        plan.InverseBatch(batch, new float[2 * shape.RealLength], 2);
        Assert.Equal(batchBefore, batch);
    }

    /// <summary>One plan shared by many threads gives exactly what it gives on one thread.</summary>
    public static void ConcurrentUseIsIdentical(IFftBackend backend, int nx, int ny, int nz)
    {
        var shape = new FftShape(nx, ny, nz);
        var plan = backend.GetPlan(shape);
        const int inputs = 16;
        var data = Enumerable.Range(0, inputs).Select(i => FftTestData.Random(shape.RealLength, seed: 100 + i)).ToArray();
        var serial = data.Select(d =>
        {
            var s = new Complex32[shape.ComplexLength];
            plan.Forward(d, s);
            var r = new float[shape.RealLength];
            plan.Inverse(s, r);
            return (s, r);
        }).ToArray();
        var parallel = new (Complex32[] S, float[] R)[inputs * 4];
        Parallel.For(0, parallel.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var s = new Complex32[shape.ComplexLength];
            plan.Forward(data[i % inputs], s);
            var r = new float[shape.RealLength];
            plan.Inverse(s, r);
            parallel[i] = (s, r);
        });
        for (int i = 0; i < parallel.Length; i++)
        {
            Assert.Equal(serial[i % inputs].s, parallel[i].S);
            Assert.Equal(serial[i % inputs].r, parallel[i].R);
        }
    }

    public static void RejectsBadInput(IFftBackend backend)
    {
        Assert.Throws<InvalidDimensionsException>(() => backend.GetPlan(new FftShape(-4, 4)));
        Assert.Throws<InvalidDimensionsException>(() => new FftShape(8, 0));
        var plan = backend.GetPlan(new FftShape(8, 6));
        Assert.Throws<ShapeMismatchException>(() => plan.Forward(new float[47], new Complex32[30]));
        Assert.Throws<ShapeMismatchException>(() => plan.Forward(new float[48], new Complex32[29]));
        Assert.Throws<ShapeMismatchException>(() => plan.Inverse(new Complex32[31], new float[48]));
        Assert.Throws<ShapeMismatchException>(() => plan.Inverse(new Complex32[30], new float[49]));
        Assert.Throws<ShapeMismatchException>(() => plan.ForwardBatch(new float[96], new Complex32[30], 2));
        Assert.Throws<ShapeMismatchException>(() => plan.InverseBatch(new Complex32[60], new float[95], 2));
        Assert.Throws<InvalidParameterException>(() => plan.ForwardBatch(Array.Empty<float>(), Array.Empty<Complex32>(), -1));
        Assert.Throws<InvalidParameterException>(() => plan.InverseBatch(Array.Empty<Complex32>(), Array.Empty<float>(), -1));
    }
}
