using System.Buffers;
using System.Numerics.Tensors;

namespace Concord.Core.Learning.Layers;

/// <summary>
/// A 2-D convolution (cross-correlation, as in every deep-learning library) with stride 1 and zero "same" padding:
/// the output keeps H×W and has <see cref="OutputChannels"/> planes. Each sample is expanded by <see cref="Im2Col"/> and
/// multiplied by the weight matrix [M × C·K²] with <see cref="Gemm"/>; samples run in parallel. Weight gradients are
/// kept per sample and summed in sample order, so training is bit-identical whatever the thread count.
/// </summary>
public sealed class Conv2D : Layer
{
    private Parameter? _weights;
    private Parameter? _bias;
    private float[] _weightPartials = [];
    private float[] _biasPartials = [];

    public Conv2D(int outputChannels, int kernelSize = 3)
    {
        if (outputChannels <= 0)
            throw new InvalidParameterException(nameof(outputChannels), $"must be positive, got {outputChannels}.");
        if (kernelSize <= 0 || kernelSize % 2 == 0)
            throw new InvalidParameterException(nameof(kernelSize), $"must be a positive odd number, got {kernelSize}.");
        OutputChannels = outputChannels;
        KernelSize = kernelSize;
    }

    public int OutputChannels { get; }

    public int KernelSize { get; }

    /// <summary>Weights [M, C, K, K] (row-major) then biases [M].</summary>
    public override IReadOnlyList<Parameter> Parameters => _weights is null ? [] : [_weights, _bias!];

    public override string Describe() => $"Conv2D({OutputChannels},{KernelSize})";

    private int ColumnRows => InputShape.Channels * KernelSize * KernelSize;

    internal override TensorShape Initialize(TensorShape input, ulong layerSeed)
    {
        int fanIn = input.Channels * KernelSize * KernelSize;
        _weights = new Parameter("weights", OutputChannels * fanIn, decays: true);
        _bias = new Parameter("bias", OutputChannels, decays: false);
        HeInitialize(_weights.Value, fanIn, layerSeed);
        return input with { Channels = OutputChannels };
    }

    internal override void Forward(Tensor4 input, Tensor4 output, PassContext context)
    {
        var shape = InputShape;
        int plane = shape.Height * shape.Width, rows = ColumnRows, m = OutputChannels;
        var weights = _weights!.Value;
        var bias = _bias!.Value;
        Parallel.For(0, input.Count, context.ParallelOptions,
            () => ArrayPool<float>.Shared.Rent(rows * plane),
            (n, _, columns) =>
            {
                Im2Col.Expand(input.Sample(n), shape, KernelSize, columns);
                var y = output.Sample(n);
                Gemm.Multiply(GemmLayout.Normal, weights, columns, y, m, rows, plane);
                for (int o = 0; o < m; o++)
                    TensorPrimitives.Add(y.Slice(o * plane, plane), bias[o], y.Slice(o * plane, plane));
                return columns;
            },
            columns => ArrayPool<float>.Shared.Return(columns));
    }

    internal override void Backward(Tensor4 input, Tensor4 output, Tensor4 outputGradient, Tensor4? inputGradient, PassContext context)
    {
        var shape = InputShape;
        int plane = shape.Height * shape.Width, rows = ColumnRows, m = OutputChannels, count = input.Count;
        int weightCount = m * rows;
        if (_weightPartials.Length < count * weightCount)
        {
            _weightPartials = new float[count * weightCount];
            _biasPartials = new float[count * m];
        }
        var weights = _weights!.Value;
        Parallel.For(0, count, context.ParallelOptions,
            () => ArrayPool<float>.Shared.Rent(2 * rows * plane),
            (n, _, scratch) =>
            {
                var columns = scratch.AsSpan(0, rows * plane);
                var dy = outputGradient.Sample(n);
                Im2Col.Expand(input.Sample(n), shape, KernelSize, columns);
                // dW_n = dY_n · colᵀ: dot products of contiguous rows.
                Gemm.Multiply(GemmLayout.TransposedB, dy, columns, _weightPartials.AsSpan(n * weightCount, weightCount), m, plane, rows);
                for (int o = 0; o < m; o++)
                    _biasPartials[(n * m) + o] = TensorPrimitives.Sum(dy.Slice(o * plane, plane));
                if (inputGradient is not null)
                {
                    var columnGradient = scratch.AsSpan(rows * plane, rows * plane);
                    Gemm.Multiply(GemmLayout.TransposedA, weights, dy, columnGradient, rows, m, plane);
                    var dx = inputGradient.Sample(n);
                    dx.Clear();
                    Im2Col.Accumulate(columnGradient, shape, KernelSize, dx);
                }
                return scratch;
            },
            scratch => ArrayPool<float>.Shared.Return(scratch));
        ReduceInOrder(_weightPartials, count, _weights.Gradient, context);
        ReduceInOrder(_biasPartials, count, _bias!.Gradient, context);
    }
}
