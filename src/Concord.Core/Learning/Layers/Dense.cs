namespace Concord.Core.Learning.Layers;

/// <summary>
/// A fully connected layer over the flattened sample (C·H·W features) to <see cref="Outputs"/> values, shaped
/// [Outputs, 1, 1]. Forward is X·Wᵀ + b over the whole batch with the parallel <see cref="Gemm"/>; the weight gradient
/// dYᵀ·X sums over the batch inside one product, in a fixed order.
/// </summary>
public sealed class Dense : Layer
{
    private Parameter? _weights;
    private Parameter? _bias;

    public Dense(int outputs)
    {
        if (outputs <= 0)
            throw new InvalidParameterException(nameof(outputs), $"must be positive, got {outputs}.");
        Outputs = outputs;
    }

    public int Outputs { get; }

    /// <summary>Weights [Outputs, C·H·W] (row-major) then biases [Outputs].</summary>
    public override IReadOnlyList<Parameter> Parameters => _weights is null ? [] : [_weights, _bias!];

    public override string Describe() => $"Dense({Outputs})";

    internal override TensorShape Initialize(TensorShape input, ulong layerSeed)
    {
        _weights = new Parameter("weights", Outputs * input.Size, decays: true);
        _bias = new Parameter("bias", Outputs, decays: false);
        HeInitialize(_weights.Value, input.Size, layerSeed);
        return new TensorShape(Outputs, 1, 1);
    }

    internal override void Forward(Tensor4 input, Tensor4 output, PassContext context)
    {
        int n = input.Count, features = InputShape.Size;
        if (n == 0)
            return;
        Gemm.MultiplyParallel(GemmLayout.TransposedB, input.Data, _weights!.Value, output.Data, n, features, Outputs, false, context.MaxDegreeOfParallelism);
        var bias = _bias!.Value;
        for (int s = 0; s < n; s++)
            System.Numerics.Tensors.TensorPrimitives.Add(output.Sample(s), bias, output.Sample(s));
    }

    internal override void Backward(Tensor4 input, Tensor4 output, Tensor4 outputGradient, Tensor4? inputGradient, PassContext context)
    {
        int n = input.Count, features = InputShape.Size;
        var weights = _weights!;
        Gemm.MultiplyParallel(GemmLayout.TransposedA, outputGradient.Data, input.Data, weights.Gradient, Outputs, n, features, false, context.MaxDegreeOfParallelism);
        var biasGradient = _bias!.Gradient;
        Array.Clear(biasGradient);
        for (int s = 0; s < n; s++)
            System.Numerics.Tensors.TensorPrimitives.Add(biasGradient, outputGradient.Sample(s), biasGradient);
        if (inputGradient is not null)
            Gemm.MultiplyParallel(GemmLayout.Normal, outputGradient.Data, weights.Value, inputGradient.Data, n, Outputs, features, false, context.MaxDegreeOfParallelism);
    }
}
