using Concord.Core.Fourier;
using Concord.Core.Tests.Infrastructure;

namespace Concord.Core.Tests.Fourier;

public sealed class FftManagedTests : IDisposable
{
    private readonly ManagedFftBackend _backend = new(maxDegreeOfParallelism: 2);

    public void Dispose() => _backend.Dispose();

    [Theory]
    [MemberData(nameof(FftShapesData.ReferenceShapes), MemberType = typeof(FftShapesData))]
    public void MatchesReference(int nx, int ny, int nz) => FftContract.MatchesReference(_backend, nx, ny, nz);

    [Fact]
    public void EveryLengthUpTo70MatchesReference()
    {
        for (int n = 1; n <= 70; n++)
            FftContract.MatchesReference(_backend, n, 1, 1);
    }

    [Theory]
    [MemberData(nameof(FftShapesData.RoundTripShapes), MemberType = typeof(FftShapesData))]
    public void RoundTrips(int nx, int ny, int nz) => FftContract.RoundTrips(_backend, nx, ny, nz);

    [Fact]
    public void RoundTripsLargeMicrographShape() => FftContract.RoundTrips(_backend, 4096, 3072, 1);

    [Fact]
    public void RoundTripsLargePrimeLength() => FftContract.RoundTrips(_backend, 2 * 1009, 1009, 1);

    [Theory]
    [InlineData(64, 1, 1)]
    [InlineData(96, 100, 1)]
    [InlineData(97, 13, 1)]
    [InlineData(16, 12, 10)]
    public void SatisfiesParseval(int nx, int ny, int nz) => FftContract.SatisfiesParseval(_backend, nx, ny, nz);

    [Theory]
    [InlineData(64, 1, 1, 5, 0, 0)]
    [InlineData(100, 96, 1, 13, 41, 0)]
    [InlineData(35, 17, 1, 34, 1, 0)]
    [InlineData(24, 20, 18, 3, 19, 7)]
    public void ShiftedDeltaHasAnalyticPhase(int nx, int ny, int nz, int sx, int sy, int sz) =>
        FftContract.ShiftedDeltaHasAnalyticPhase(_backend, nx, ny, nz, sx, sy, sz);

    [Theory]
    [InlineData(64, 64, 1, 5)]
    [InlineData(35, 17, 1, 3)]
    [InlineData(16, 12, 10, 4)]
    [InlineData(100, 1, 1, 1)]
    public void BatchEqualsLoop(int nx, int ny, int nz, int count) => FftContract.BatchEqualsLoop(_backend, nx, ny, nz, count, tolerance: 0);

    [Theory]
    [InlineData(64, 1, 1)]
    [InlineData(33, 20, 1)]
    [InlineData(16, 12, 10)]
    public void InverseLeavesSpectrumUnmodified(int nx, int ny, int nz) => FftContract.InverseLeavesSpectrumUnmodified(_backend, nx, ny, nz);

    [Theory]
    [InlineData(128, 96, 1)]
    [InlineData(24, 20, 18)]
    public void ConcurrentUseIsIdentical(int nx, int ny, int nz) => FftContract.ConcurrentUseIsIdentical(_backend, nx, ny, nz);

    [Fact]
    public void SingleThreadedEqualsMultiThreaded()
    {
        using var serial = new ManagedFftBackend(maxDegreeOfParallelism: 1);
        var shape = new FftShape(96, 100, 6);
        var data = FftTestData.Random(shape.RealLength, seed: 9);
        var a = new Complex32[shape.ComplexLength];
        var b = new Complex32[shape.ComplexLength];
        serial.GetPlan(shape).Forward(data, a);
        _backend.GetPlan(shape).Forward(data, b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void RejectsBadInput()
    {
        FftContract.RejectsBadInput(_backend);
        Assert.Throws<InvalidParameterException>(() => new ManagedFftBackend(0));
    }

    [Fact]
    public void FactoryCreatesRequestedKinds()
    {
        using var managed = FftBackends.Create(FftBackendKind.Managed, 1);
        using var reference = FftBackends.Create(FftBackendKind.Reference);
        using var auto = FftBackends.Create();
        Assert.Equal("managed", managed.Name);
        Assert.Equal("reference", reference.Name);
        Assert.Equal(FftwBackend.IsAvailable ? "fftw" : "managed", auto.Name);
        Assert.Contains("apt-get install libfftw3-single3", FftBackends.FftwMissing().Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4096, new[] { 4, 4, 4, 4, 4, 4 })]
    [InlineData(96, new[] { 4, 4, 2, 3 })]
    [InlineData(350, new[] { 2, 5, 5, 7 })]
    [InlineData(127, new[] { 127 })]
    [InlineData(1, new int[] { })]
    public void FactorsIntoRadices(int n, int[] radices) => Assert.Equal(radices, ManagedComplexFft.Factor(n));
}
