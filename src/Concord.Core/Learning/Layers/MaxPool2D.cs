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
        var sampleWinners = winners is null ? [] : winners.AsSpan(n * outShape.Size, outShape.Size);
        int inPlane = inShape.Height * inShape.Width, w = inShape.Width;
        int o = 0;
        for (int c = 0; c < outShape.Channels; c++)
        {
            for (int oy = 0; oy < outShape.Height; oy++)
            {
                int windowRow = (c * inPlane) + (oy * PoolSize * w);
                for (int ox = 0; ox < outShape.Width; ox++, o++)
                {
                    int best = PoolSize == 2 ? Winner2x2(x, windowRow + (2 * ox), w) : Winner(x, windowRow + (ox * PoolSize), w);
                    y[o] = x[best];
                    if (winners is not null)
                        sampleWinners[o] = best;
                }
            }
        }
    }

    /// <summary>Index of the largest value of the window whose top-left corner is <paramref name="corner"/>; the first in row order wins ties.</summary>
    private int Winner(ReadOnlySpan<float> x, int corner, int width)
    {
        int best = corner;
        for (int dy = 0; dy < PoolSize; dy++)
        {
            var row = x.Slice(corner + (dy * width), PoolSize);
            for (int dx = 0; dx < PoolSize; dx++)
            {
                if (row[dx] > x[best])
                    best = corner + (dy * width) + dx;
            }
        }
        return best;
    }

    /// <summary>The 2×2 case of <see cref="Winner"/> unrolled (the default network pools only 2×2), with the same tie rule.</summary>
    private static int Winner2x2(ReadOnlySpan<float> x, int corner, int width)
    {
        int best = corner;
        if (x[corner + 1] > x[best])
            best = corner + 1;
        if (x[corner + width] > x[best])
            best = corner + width;
        if (x[corner + width + 1] > x[best])
            best = corner + width + 1;
        return best;
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
