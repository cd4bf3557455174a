using Concord.Core.Fourier;
using Concord.Core.Tests.Infrastructure;

namespace Concord.Core.Tests.Fourier;

public sealed class FftFftwTests : IDisposable
{
    private readonly Lazy<IFftBackend> _backend = new(() => FftTestData.CreateBackend("fftw"));

    private IFftBackend Backend => _backend.Value;

    public void Dispose()
    {
        if (_backend.IsValueCreated)
            _backend.Value.Dispose();
    }

    [TheoryRequiresFftw]
    [MemberData(nameof(FftShapesData.ReferenceShapes), MemberType = typeof(FftShapesData))]
    public void MatchesReference(int nx, int ny, int nz) => FftContract.MatchesReference(Backend, nx, ny, nz);

    [TheoryRequiresFftw]
    [MemberData(nameof(FftShapesData.RoundTripShapes), MemberType = typeof(FftShapesData))]
    public void RoundTrips(int nx, int ny, int nz) => FftContract.RoundTrips(Backend, nx, ny, nz);

    [FactRequiresFftw]
    public void RoundTripsLargeMicrographShape() => FftContract.RoundTrips(Backend, 4096, 3072, 1);

    [TheoryRequiresFftw]
    [InlineData(64, 1, 1)]
    [InlineData(96, 100, 1)]
    [InlineData(97, 13, 1)]
    [InlineData(16, 12, 10)]
    public void SatisfiesParseval(int nx, int ny, int nz) => FftContract.SatisfiesParseval(Backend, nx, ny, nz);

    [TheoryRequiresFftw]
    [InlineData(64, 1, 1, 5, 0, 0)]
    [InlineData(100, 96, 1, 13, 41, 0)]
    [InlineData(24, 20, 18, 3, 19, 7)]
    public void ShiftedDeltaHasAnalyticPhase(int nx, int ny, int nz, int sx, int sy, int sz) =>
        FftContract.ShiftedDeltaHasAnalyticPhase(Backend, nx, ny, nz, sx, sy, sz);

    [TheoryRequiresFftw]
    [InlineData(64, 64, 1, 5)]
    [InlineData(35, 17, 1, 3)]
    [InlineData(16, 12, 10, 4)]
    public void BatchEqualsLoop(int nx, int ny, int nz, int count) => FftContract.BatchEqualsLoop(Backend, nx, ny, nz, count, tolerance: 1e-6);

    [TheoryRequiresFftw]
    [InlineData(64, 1, 1)]
    [InlineData(33, 20, 1)]
    [InlineData(16, 12, 10)]
    public void InverseLeavesSpectrumUnmodified(int nx, int ny, int nz) => FftContract.InverseLeavesSpectrumUnmodified(Backend, nx, ny, nz);

    [TheoryRequiresFftw]
    [InlineData(128, 96, 1)]
    [InlineData(24, 20, 18)]
    public void ConcurrentUseIsIdentical(int nx, int ny, int nz) => FftContract.ConcurrentUseIsIdentical(Backend, nx, ny, nz);

    [FactRequiresFftw]
    public void RejectsBadInput()
    {
        FftContract.RejectsBadInput(Backend);
        Assert.Throws<InvalidParameterException>(() => new FftwBackend(FftwPlanRigor.Estimate, 0));
    }

    [TheoryRequiresFftw]
    [InlineData(96, 100, 1)]
    [InlineData(350, 1, 1)]
    [InlineData(97, 101, 5)]
    [InlineData(64, 64, 64)]
    [InlineData(256, 192, 1)]
    public void AgreesWithManaged(int nx, int ny, int nz)
    {
        var shape = new FftShape(nx, ny, nz);
        using var managed = new ManagedFftBackend(2);
        var data = FftTestData.Random(shape.RealLength, seed: 21);
        var a = new Complex32[shape.ComplexLength];
        var b = new Complex32[shape.ComplexLength];
        Backend.GetPlan(shape).Forward(data, a);
        managed.GetPlan(shape).Forward(data, b);
        Assert.True(FftTestData.RelativeError(b, a) < 2e-6, $"forward {shape}: {FftTestData.RelativeError(b, a):E2}");
        var ra = new float[shape.RealLength];
        var rb = new float[shape.RealLength];
        Backend.GetPlan(shape).Inverse(a, ra);
        managed.GetPlan(shape).Inverse(a, rb);
        Assert.True(FftTestData.RelativeError(rb, ra) < 2e-6, $"inverse {shape}: {FftTestData.RelativeError(rb, ra):E2}");
    }

    [FactRequiresFftw]
    public void MeasuredAndUnalignedPlansGiveTheSameTransform()
    {
        var shape = new FftShape(48, 40);
        using var measured = new FftwBackend(FftwPlanRigor.Measure, 1);
        using var unaligned = new FftwBackend(FftwPlanRigor.Estimate, 1, unaligned: true);
        var data = FftTestData.Random(shape.RealLength, seed: 2);
        var a = new Complex32[shape.ComplexLength];
        var b = new Complex32[shape.ComplexLength];
        measured.GetPlan(shape).Forward(data, a);
        unaligned.GetPlan(shape).Forward(data.AsSpan(), b);
        Assert.True(FftTestData.RelativeError(b, a) < 1e-6);
        var offset = new float[shape.RealLength + 1];
        data.CopyTo(offset, 1);
        measured.GetPlan(shape).Forward(offset.AsSpan(1), b);
        Assert.True(FftTestData.RelativeError(b, a) < 1e-6);
    }

    [FactRequiresFftw]
    public void FactoryReturnsFftw()
    {
        using var backend = FftBackends.Create(FftBackendKind.Fftw, 1);
        Assert.Equal("fftw", backend.Name);
    }

    [FactRequiresFftw]
    public void DisposedBackendRefusesPlans()
    {
        var backend = new FftwBackend(FftwPlanRigor.Estimate, 1);
        backend.GetPlan(new FftShape(16)).Forward(new float[16], new Complex32[9]);
        backend.Dispose();
        Assert.Throws<ObjectDisposedException>(() => backend.GetPlan(new FftShape(16)));
    }
}
