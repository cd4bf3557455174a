namespace Concord.Core.Learning.Layers;

/// <summary>
/// Non-overlapping max pooling over <see cref="PoolSize"/>×<see cref="PoolSize"/> windows (a trailing row or column
/// that does not fill a window is dropped). The gradient goes to the winning input of each window (the first one on ties).
/// </summary>
public sealed class MaxPool2D : Layer
{
    private int[] _winners = [];

    public MaxPool2D(int poolSize = 2)
    {
        if (poolSize < 2)
            throw new InvalidParameterException(nameof(poolSize), $"must be at least 2, got {poolSize}.");
        PoolSize = poolSize;
    }

    public int PoolSize { get; }

    public override string Describe() => $"MaxPool2D({PoolSize})";

    internal override TensorShape Initialize(TensorShape input, ulong layerSeed)
    {
        if (input.Height < PoolSize || input.Width < PoolSize)
            throw new InvalidDimensionsException($"MaxPool2D({PoolSize}): input {input} is smaller than one window.");
        return input with { Height = input.Height / PoolSize, Width = input.Width / PoolSize };
    }

    internal override void Forward(Tensor4 input, Tensor4 output, PassContext context)
    {
        if (context.Training && _winners.Length < output.Length)
            _winners = new int[output.Length];
        var winners = context.Training ? _winners : null;
        Parallel.For(0, input.Count, context.ParallelOptions, n => PoolSample(input, output, winners, n));
    }

    private void PoolSample(Tensor4 input, Tensor4 output, int[]? winners, int n)
    {
        var inShape = InputShape;
        var outShape = OutputShape;
        var x = input.Sample(n);
        var y = output.Sample(n);
        int inPlane = inShape.Height * inShape.Width, w = inShape.Width;
        int o = 0;
        for (int c = 0; c < outShape.Channels; c++)
        {
            for (int oy = 0; oy < outShape.Height; oy++)
            {
                for (int ox = 0; ox < outShape.Width; ox++, o++)
                {
                    int best = (c * inPlane) + (oy * PoolSize * w) + (ox * PoolSize);
                    float bestValue = x[best];
                    for (int dy = 0; dy < PoolSize; dy++)
                    {
                        int rowStart = (c * inPlane) + (((oy * PoolSize) + dy) * w) + (ox * PoolSize);
                        for (int dx = 0; dx < PoolSize; dx++)
                        {
                            if (x[rowStart + dx] > bestValue)
                            {
                                bestValue = x[rowStart + dx];
                                best = rowStart + dx;
                            }
                        }
                    }
                    y[o] = bestValue;
                    if (winners is not null)
                        winners[(n * outShape.Size) + o] = best;
                }
            }
        }
    }

    internal override void Backward(Tensor4 input, Tensor4 output, Tensor4 outputGradient, Tensor4? inputGradient, PassContext context)
    {
        if (inputGradient is null)
            return;
        int outSize = OutputShape.Size;
        Parallel.For(0, input.Count, context.ParallelOptions, n =>
        {
            var dx = inputGradient.Sample(n);
            var dy = outputGradient.Sample(n);
            dx.Clear();
            for (int o = 0; o < outSize; o++)
                dx[_winners[(n * outSize) + o]] += dy[o];
        });
    }
}
