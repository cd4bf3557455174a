using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

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
        ReadOnlySpan<float> y = output.Span, dy = outputGradient.Span;
        var dx = inputGradient.Span;
        int i = 0;
        for (; i + Vector256<float>.Count <= dx.Length; i += Vector256<float>.Count)
        {
            var positive = Vector256.GreaterThan(Vector256.Create(y.Slice(i, Vector256<float>.Count)), Vector256<float>.Zero);
            Vector256.ConditionalSelect(positive, Vector256.Create(dy.Slice(i, Vector256<float>.Count)), Vector256<float>.Zero).CopyTo(dx.Slice(i, Vector256<float>.Count));
        }
        for (; i < dx.Length; i++)
            dx[i] = y[i] > 0f ? dy[i] : 0f;
    }
}
