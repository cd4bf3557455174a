using Concord.Core.Fourier;
using Concord.Core.Tests.Infrastructure;

namespace Concord.Core.Tests.Fourier;

/// <summary>
/// FFTW picks SIMD codelets only for arrays on its alignment boundary, so the same transform of the same numbers used
/// to differ in the last bits depending on where the garbage collector or the array pool had put the arrays: pooled
/// buffers handed to different threads made whole pipelines (the picking chain) differ run to run. These tests place
/// the same data at every float offset within a 32-byte block and require bit-identical results; batches must equal
/// single transforms at any thread count.
/// </summary>
public sealed class FftwReproducibilityTests
{
    private const int Offsets = 8;

    [TheoryRequiresFftw]
    [InlineData(460, 460, FftwPlanRigor.Estimate)]
    [InlineData(70, 70, FftwPlanRigor.Estimate)]
    [InlineData(32, 32, FftwPlanRigor.Estimate)]
    [InlineData(154, 126, FftwPlanRigor.Estimate)]
    [InlineData(90, 84, FftwPlanRigor.Measure)]
    public void Forward_is_bit_identical_at_every_array_alignment(int nx, int ny, FftwPlanRigor rigor)
    {
        using var fft = new FftwBackend(rigor, 1);
        var shape = new FftShape(nx, ny);
        var plan = fft.GetPlan(shape);
        var data = Signal(shape.RealLength);
        Complex32[]? first = null;
        for (int realOffset = 0; realOffset < Offsets; realOffset++)
            for (int complexOffset = 0; complexOffset < Offsets / 2; complexOffset++)
            {
                var real = new float[shape.RealLength + Offsets];
                data.CopyTo(real.AsSpan(realOffset));
                var spectrum = new Complex32[shape.ComplexLength + Offsets];
                plan.Forward(real.AsSpan(realOffset, shape.RealLength), spectrum.AsSpan(complexOffset, shape.ComplexLength));
                var result = spectrum.AsSpan(complexOffset, shape.ComplexLength).ToArray();
                first ??= result;
                Assert.True(first.AsSpan().SequenceEqual(result), $"{shape}: offsets {realOffset} (real), {complexOffset} (complex) change the bits");
            }
    }

    [TheoryRequiresFftw]
    [InlineData(460, 460, FftwPlanRigor.Estimate)]
    [InlineData(70, 70, FftwPlanRigor.Estimate)]
    [InlineData(32, 32, FftwPlanRigor.Estimate)]
    [InlineData(154, 126, FftwPlanRigor.Estimate)]
    [InlineData(90, 84, FftwPlanRigor.Measure)]
    public void Inverse_is_bit_identical_at_every_array_alignment(int nx, int ny, FftwPlanRigor rigor)
    {
        using var fft = new FftwBackend(rigor, 1);
        var shape = new FftShape(nx, ny);
        var plan = fft.GetPlan(shape);
        var spectrum = new Complex32[shape.ComplexLength];
        plan.Forward(Signal(shape.RealLength), spectrum);
        float[]? first = null;
        for (int realOffset = 0; realOffset < Offsets; realOffset++)
            for (int complexOffset = 0; complexOffset < Offsets / 2; complexOffset++)
            {
                var input = new Complex32[shape.ComplexLength + Offsets];
                spectrum.CopyTo(input.AsSpan(complexOffset));
                var real = new float[shape.RealLength + Offsets];
                plan.Inverse(input.AsSpan(complexOffset, shape.ComplexLength), real.AsSpan(realOffset, shape.RealLength));
                var result = real.AsSpan(realOffset, shape.RealLength).ToArray();
                first ??= result;
                Assert.True(first.AsSpan().SequenceEqual(result), $"{shape}: offsets {realOffset} (real), {complexOffset} (complex) change the bits");
            }
    }

    [TheoryRequiresFftw]
    [InlineData(78, 66, 7)]
    [InlineData(94, 90, 5)]
    [InlineData(460, 460, 3)]
    public void Batch_is_bit_identical_to_single_transforms_at_every_thread_count(int nx, int ny, int count)
    {
        var shape = new FftShape(nx, ny);
        var data = Signal(shape.RealLength * count);
        var single = new Complex32[shape.ComplexLength * count];
        using (var fft = new FftwBackend(FftwPlanRigor.Estimate, 1))
            for (int i = 0; i < count; i++)
                fft.GetPlan(shape).Forward(data.AsSpan(i * shape.RealLength, shape.RealLength), single.AsSpan(i * shape.ComplexLength, shape.ComplexLength));
        for (int threads = 1; threads <= 3; threads++)
        {
            using var fft = new FftwBackend(FftwPlanRigor.Estimate, threads);
            var batch = new Complex32[single.Length];
            fft.GetPlan(shape).ForwardBatch(data, batch, count);
            Assert.True(single.AsSpan().SequenceEqual(batch), $"{shape} × {count} forward on {threads} threads differs from single transforms");
            var back = new float[data.Length];
            fft.GetPlan(shape).InverseBatch(batch, back, count);
            var backSingle = new float[shape.RealLength];
            for (int i = 0; i < count; i++)
            {
                fft.GetPlan(shape).Inverse(batch.AsSpan(i * shape.ComplexLength, shape.ComplexLength), backSingle);
                Assert.True(backSingle.AsSpan().SequenceEqual(back.AsSpan(i * shape.RealLength, shape.RealLength)), $"{shape} × {count} inverse on {threads} threads, transform {i}");
            }
        }
    }

    private static float[] Signal(int length)
    {
        var random = new Random(5);
        var data = new float[length];
        for (int i = 0; i < length; i++)
            data[i] = (float)(random.NextDouble() - 0.5);
        return data;
    }
}
