using System.Numerics.Tensors;

namespace Concord.Core.Learning.Layers;

/// <summary>Rectified linear unit max(0, x) (Nair &amp; Hinton 2010); the gradient passes where the output is positive.</summary>
public sealed class ReLU : Layer
{
    public override string Describe() => "ReLU";

    internal override TensorShape Initialize(TensorShape input, ulong layerSeed) => input;

    internal override void Forward(Tensor4 input, Tensor4 output, PassContext context) =>
        TensorPrimitives.Max(input.Span, 0f, output.Span);

    internal override void Backward(Tensor4 input, Tensor4 output, Tensor4 outputGradient, Tensor4? inputGradient, PassContext context)
    {
        if (inputGradient is null)
            return;
        var y = output.Span;
        var dy = outputGradient.Span;
        var dx = inputGradient.Span;
        for (int i = 0; i < dx.Length; i++)
            dx[i] = y[i] > 0f ? dy[i] : 0f;
    }
}
