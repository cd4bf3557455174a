namespace Concord.Core.Learning.Layers;

/// <summary>
/// Inverted dropout (Srivastava et al. 2014): in training each value is zeroed with probability <see cref="Rate"/> and
/// the survivors are scaled by 1/(1 − rate), so inference is the identity. The mask of sample n comes from its own
/// stream seeded by (step seed, layer, n), so it does not depend on the thread count.
/// </summary>
public sealed class Dropout : Layer
{
    private float[] _mask = [];
    private ulong _layerSeed;

    public Dropout(double rate)
    {
        if (!(rate >= 0 && rate < 1))
            throw new InvalidParameterException(nameof(rate), $"must be in [0, 1), got {rate}.");
        Rate = rate;
    }

    public double Rate { get; }

    public override string Describe() => FormattableString.Invariant($"Dropout({Rate:R})");

    internal override TensorShape Initialize(TensorShape input, ulong layerSeed)
    {
        _layerSeed = layerSeed;
        return input;
    }

    internal override void Forward(Tensor4 input, Tensor4 output, PassContext context)
    {
        if (!context.Training || Rate == 0)
        {
            input.Span.CopyTo(output.Span);
            return;
        }
        if (_mask.Length < input.Length)
            _mask = new float[input.Length];
        int size = InputShape.Size;
        float keep = (float)(1 - Rate), scale = 1f / keep;
        ulong stepSeed = SplitMix64.Derive(context.StepSeed, _layerSeed);
        Parallel.For(0, input.Count, context.ParallelOptions, n =>
        {
            var rng = new SplitMix64(SplitMix64.Derive(stepSeed, (ulong)n));
            var mask = _mask.AsSpan(n * size, size);
            var x = input.Sample(n);
            var y = output.Sample(n);
            for (int i = 0; i < size; i++)
            {
                mask[i] = rng.NextSingle() < keep ? scale : 0f;
                y[i] = x[i] * mask[i];
            }
        });
    }

    internal override void Backward(Tensor4 input, Tensor4 output, Tensor4 outputGradient, Tensor4? inputGradient, PassContext context)
    {
        if (inputGradient is null)
            return;
        if (!context.Training || Rate == 0)
        {
            outputGradient.Span.CopyTo(inputGradient.Span);
            return;
        }
        System.Numerics.Tensors.TensorPrimitives.Multiply(outputGradient.Span, _mask.AsSpan(0, outputGradient.Length), inputGradient.Span);
    }
}
