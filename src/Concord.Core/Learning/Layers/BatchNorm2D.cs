namespace Concord.Core.Learning.Layers;

/// <summary>
/// Batch normalisation per channel (Ioffe &amp; Szegedy 2015): in training each channel is standardised with the mean and
/// variance over the batch and all pixels, then scaled by γ and shifted by β; running averages (momentum 0.1) replace the
/// batch statistics at inference and are saved with the weights. Channel sums run in double, one channel per task, in a
/// fixed order. After a <see cref="Dense"/> layer it normalises each output feature.
/// </summary>
public sealed class BatchNorm2D : Layer
{
    private const double Epsilon = 1e-5;
    private const double Momentum = 0.1;
    private Parameter? _scale;
    private Parameter? _shift;
    private float[] _runningMean = [];
    private float[] _runningVariance = [];
    private float[] _normalized = [];
    private double[] _inverseStd = [];

    public override IReadOnlyList<Parameter> Parameters => _scale is null ? [] : [_scale, _shift!];

    internal override IReadOnlyList<float[]> State => [_runningMean, _runningVariance];

    public override string Describe() => "BatchNorm2D";

    internal override TensorShape Initialize(TensorShape input, ulong layerSeed)
    {
        _scale = new Parameter("scale", input.Channels, decays: false);
        _shift = new Parameter("shift", input.Channels, decays: false);
        Array.Fill(_scale.Value, 1f);
        _runningMean = new float[input.Channels];
        _runningVariance = new float[input.Channels];
        Array.Fill(_runningVariance, 1f);
        _inverseStd = new double[input.Channels];
        return input;
    }

    internal override void Forward(Tensor4 input, Tensor4 output, PassContext context)
    {
        if (context.Training && _normalized.Length < input.Length)
            _normalized = new float[input.Length];
        int plane = InputShape.Height * InputShape.Width, size = InputShape.Size, count = input.Count;
        Parallel.For(0, InputShape.Channels, context.ParallelOptions, c =>
        {
            double mean = _runningMean[c], variance = _runningVariance[c];
            if (context.Training)
            {
                (mean, variance) = ChannelMoments(input, c, plane, size);
                long m = (long)count * plane;
                _runningMean[c] = (float)(((1 - Momentum) * _runningMean[c]) + (Momentum * mean));
                double unbiased = m > 1 ? variance * m / (m - 1) : variance;
                _runningVariance[c] = (float)(((1 - Momentum) * _runningVariance[c]) + (Momentum * unbiased));
            }
            double inverseStd = 1 / Math.Sqrt(variance + Epsilon);
            if (context.Training)
                _inverseStd[c] = inverseStd;
            float gamma = _scale!.Value[c], beta = _shift!.Value[c];
            for (int n = 0; n < count; n++)
            {
                int offset = (n * size) + (c * plane);
                for (int i = 0; i < plane; i++)
                {
                    float xhat = (float)((input.Data[offset + i] - mean) * inverseStd);
                    if (context.Training)
                        _normalized[offset + i] = xhat;
                    output.Data[offset + i] = (gamma * xhat) + beta;
                }
            }
        });
    }

    private static (double Mean, double Variance) ChannelMoments(Tensor4 input, int c, int plane, int size)
    {
        double sum = 0, sumSquares = 0;
        for (int n = 0; n < input.Count; n++)
        {
            var values = input.Data.AsSpan((n * size) + (c * plane), plane);
            foreach (float v in values)
                sum += v;
        }
        long m = (long)input.Count * plane;
        double mean = sum / m;
        for (int n = 0; n < input.Count; n++)
        {
            var values = input.Data.AsSpan((n * size) + (c * plane), plane);
            foreach (float v in values)
                sumSquares += (v - mean) * (v - mean);
        }
        return (mean, sumSquares / m);
    }

    internal override void Backward(Tensor4 input, Tensor4 output, Tensor4 outputGradient, Tensor4? inputGradient, PassContext context)
    {
        int plane = InputShape.Height * InputShape.Width, size = InputShape.Size, count = input.Count;
        long m = (long)count * plane;
        Parallel.For(0, InputShape.Channels, context.ParallelOptions, c =>
        {
            double sumDy = 0, sumDyXhat = 0;
            for (int n = 0; n < count; n++)
            {
                int offset = (n * size) + (c * plane);
                for (int i = 0; i < plane; i++)
                {
                    double dy = outputGradient.Data[offset + i];
                    sumDy += dy;
                    sumDyXhat += dy * _normalized[offset + i];
                }
            }
            _scale!.Gradient[c] = (float)sumDyXhat;
            _shift!.Gradient[c] = (float)sumDy;
            if (inputGradient is null)
                return;
            double factor = _scale.Value[c] * _inverseStd[c] / m;
            for (int n = 0; n < count; n++)
            {
                int offset = (n * size) + (c * plane);
                for (int i = 0; i < plane; i++)
                {
                    double dy = outputGradient.Data[offset + i];
                    inputGradient.Data[offset + i] = (float)(factor * ((m * dy) - sumDy - (_normalized[offset + i] * sumDyXhat)));
                }
            }
        });
    }
}
