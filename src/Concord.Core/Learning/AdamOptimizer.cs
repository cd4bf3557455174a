using Concord.Core.Learning.Layers;

namespace Concord.Core.Learning;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) with decoupled weight decay (AdamW, Loshchilov &amp; Hutter 2019): each step moves a
/// parameter by −lr·m̂/(√v̂ + ε) and, for weights only, shrinks it by lr·λ·θ. The update is element-wise and sequential,
/// so it is deterministic.
/// </summary>
public sealed class AdamOptimizer
{
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly float[][] _firstMoment;
    private readonly float[][] _secondMoment;
    private long _step;

    public AdamOptimizer(IReadOnlyList<Parameter> parameters, double learningRate, double weightDecay = 0, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        if (!(learningRate > 0))
            throw new InvalidParameterException(nameof(learningRate), $"must be positive, got {learningRate}.");
        if (!(weightDecay >= 0))
            throw new InvalidParameterException(nameof(weightDecay), $"must not be negative, got {weightDecay}.");
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1))
            throw new InvalidParameterException("beta", $"the moment decay rates must be in [0, 1), got {beta1} and {beta2}.");
        _parameters = parameters;
        LearningRate = learningRate;
        WeightDecay = weightDecay;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        _firstMoment = [.. parameters.Select(p => new float[p.Value.Length])];
        _secondMoment = [.. parameters.Select(p => new float[p.Value.Length])];
    }

    public double LearningRate { get; }

    public double WeightDecay { get; }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Epsilon { get; }

    /// <summary>Applies one update from the gradients currently stored in the parameters.</summary>
    public void Step()
    {
        _step++;
        double correction1 = 1 - Math.Pow(Beta1, _step), correction2 = 1 - Math.Pow(Beta2, _step);
        float stepSize = (float)(LearningRate / correction1);
        float b1 = (float)Beta1, b2 = (float)Beta2, eps = (float)Epsilon;
        float invSqrtCorrection2 = (float)(1 / Math.Sqrt(correction2));
        for (int p = 0; p < _parameters.Count; p++)
        {
            var parameter = _parameters[p];
            var value = parameter.Value;
            var gradient = parameter.Gradient;
            var m = _firstMoment[p];
            var v = _secondMoment[p];
            float decay = parameter.Decays ? (float)(LearningRate * WeightDecay) : 0f;
            for (int i = 0; i < value.Length; i++)
            {
                float g = gradient[i];
                m[i] = (b1 * m[i]) + ((1 - b1) * g);
                v[i] = (b2 * v[i]) + ((1 - b2) * g * g);
                float denominator = (MathF.Sqrt(v[i]) * invSqrtCorrection2) + eps;
                value[i] -= (stepSize * m[i] / denominator) + (decay * value[i]);
            }
        }
    }
}
