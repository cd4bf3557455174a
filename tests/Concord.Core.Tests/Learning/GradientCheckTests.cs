using Concord.Core.Learning;
using Concord.Core.Learning.Layers;

namespace Concord.Core.Tests.Learning;

/// <summary>
/// Every layer's backward pass against central finite differences of the scalar L = Σ r·y (r fixed and random), for
/// the input and every parameter. Forward values are float32, so the differences use a step of 10⁻² and the actually
/// representable perturbation; inputs are kept away from the kinks of ReLU and max pooling so the function is smooth
/// within a step. The relative error ‖analytic − numeric‖ / ‖numeric‖ must stay below 10⁻³.
/// </summary>
public class GradientCheckTests
{
    private const double Step = 1e-2;
    private const double Tolerance = 1e-3;

    private static double Objective(Layer layer, Tensor4 input, float[] weights, PassContext context)
    {
        var output = new Tensor4(input.Count, layer.OutputShape);
        layer.Forward(input, output, context);
        double sum = 0;
        for (int i = 0; i < output.Length; i++)
            sum += weights[i] * (double)output.Data[i];
        return sum;
    }

    private static double[] Numeric(float[] values, Func<double> objective, double step = Step)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float saved = values[i];
            values[i] = (float)(saved + step);
            double plus = objective();
            float up = values[i];
            values[i] = (float)(saved - step);
            double minus = objective();
            float down = values[i];
            values[i] = saved;
            result[i] = (plus - minus) / ((double)up - down);
        }
        return result;
    }

    private static void CheckLayer(Layer layer, Tensor4 input, bool training = true, ulong stepSeed = 42)
    {
        var context = new PassContext(training, 2, stepSeed);
        var output = new Tensor4(input.Count, layer.OutputShape);
        layer.Forward(input, output, context);
        var weights = LearningTestData.Uniform(output.Length, 99);
        var inputGradient = new Tensor4(input.Count, layer.InputShape);
        layer.Backward(input, output, Tensor4.Wrap((float[])weights.Clone(), input.Count, layer.OutputShape), inputGradient, context);
        var analyticParameters = layer.Parameters.Select(p => p.Gradient.Select(g => (double)g).ToArray()).ToList();

        double Evaluate() => Objective(layer, input, weights, context);
        var numericInput = Numeric(input.Data, Evaluate);
        double inputError = LearningTestData.RelativeError([.. inputGradient.Span.ToArray().Select(g => (double)g)], numericInput);
        Assert.True(inputError < Tolerance, $"{layer.Describe()} input gradient relative error {inputError:E2}");
        for (int p = 0; p < layer.Parameters.Count; p++)
        {
            var numeric = Numeric(layer.Parameters[p].Value, Evaluate);
            double error = LearningTestData.RelativeError(analyticParameters[p], numeric);
            Assert.True(error < Tolerance, $"{layer.Describe()} {layer.Parameters[p].Name} gradient relative error {error:E2}");
        }
    }

    /// <summary>Random values whose magnitudes are at least 0.05, so no ReLU input crosses 0 within one step.</summary>
    private static Tensor4 AwayFromZero(int count, TensorShape shape, int seed)
    {
        var tensor = LearningTestData.RandomTensor(count, shape, seed);
        var span = tensor.Span;
        for (int i = 0; i < span.Length; i++)
            span[i] = span[i] >= 0 ? span[i] + 0.05f : span[i] - 0.05f;
        return tensor;
    }

    /// <summary>Distinct values 0.05 apart in random order, so every pooling window has a clear winner.</summary>
    private static Tensor4 DistinctValues(int count, TensorShape shape, int seed)
    {
        var rng = new Random(seed);
        var values = Enumerable.Range(0, count * shape.Size).Select(i => (float)((i * 0.05) - 1)).OrderBy(_ => rng.Next()).ToArray();
        return Tensor4.Wrap(values, count, shape);
    }

    [Theory]
    [InlineData(1, 6, 6, 3, 3)]
    [InlineData(2, 5, 7, 4, 3)]
    [InlineData(3, 4, 4, 2, 5)]
    public void Conv2D_GradientsMatchFiniteDifferences(int channels, int height, int width, int outChannels, int kernel)
    {
        var shape = new TensorShape(channels, height, width);
        var layer = new Conv2D(outChannels, kernel);
        layer.Build(shape, 1);
        layer.Parameters[1].Value.AsSpan().Fill(0.1f);
        CheckLayer(layer, LearningTestData.RandomTensor(3, shape, 2));
    }

    [Fact]
    public void Dense_GradientsMatchFiniteDifferences()
    {
        var shape = new TensorShape(3, 2, 2);
        var layer = new Dense(5);
        layer.Build(shape, 3);
        CheckLayer(layer, LearningTestData.RandomTensor(4, shape, 4));
    }

    [Fact]
    public void ReLU_GradientMatchesFiniteDifferences()
    {
        var shape = new TensorShape(2, 3, 3);
        var layer = new ReLU();
        layer.Build(shape, 0);
        CheckLayer(layer, AwayFromZero(3, shape, 5));
    }

    [Theory]
    [InlineData(2, 6, 6)]
    [InlineData(3, 7, 8)]
    public void MaxPool2D_GradientMatchesFiniteDifferences(int poolSize, int height, int width)
    {
        var shape = new TensorShape(2, height, width);
        var layer = new MaxPool2D(poolSize);
        layer.Build(shape, 0);
        CheckLayer(layer, DistinctValues(2, shape, 6));
    }

    [Fact]
    public void Dropout_GradientMatchesFiniteDifferences_WithAFixedMaskAndInEvaluation()
    {
        var shape = new TensorShape(2, 4, 4);
        var layer = new Dropout(0.4);
        layer.Build(shape, 8);
        CheckLayer(layer, LearningTestData.RandomTensor(3, shape, 7), training: true, stepSeed: 1234);
        CheckLayer(layer, LearningTestData.RandomTensor(3, shape, 9), training: false);
    }

    [Fact]
    public void BatchNorm2D_GradientsMatchFiniteDifferences_WithBatchStatistics()
    {
        var shape = new TensorShape(3, 3, 3);
        var layer = new BatchNorm2D();
        layer.Build(shape, 0);
        for (int c = 0; c < 3; c++)
        {
            layer.Parameters[0].Value[c] = 0.5f + (0.4f * c);
            layer.Parameters[1].Value[c] = 0.1f * c;
        }
        CheckLayer(layer, LearningTestData.RandomTensor(4, shape, 10));
    }

    [Fact]
    public void SigmoidBinaryCrossEntropy_GradientMatchesFiniteDifferences()
    {
        var logits = LearningTestData.Uniform(7, 11, 4f);
        float[] labels = [0, 1, 1, 0, 0.3f, 1, 0];
        var gradient = new float[7];
        SigmoidBinaryCrossEntropy.Evaluate(logits, labels, gradient);
        var numeric = Numeric(logits, () => SigmoidBinaryCrossEntropy.Evaluate(logits, labels, []));
        Assert.True(LearningTestData.RelativeError([.. gradient.Select(g => (double)g)], numeric) < Tolerance);
    }

    [Fact]
    public void SoftmaxCrossEntropy_GradientMatchesFiniteDifferences()
    {
        var logits = LearningTestData.Uniform(12, 12, 3f);
        float[] labels = [2, 0, 1, 2];
        var gradient = new float[12];
        SoftmaxCrossEntropy.Evaluate(logits, 3, labels, gradient);
        var numeric = Numeric(logits, () => SoftmaxCrossEntropy.Evaluate(logits, 3, labels, []));
        Assert.True(LearningTestData.RelativeError([.. gradient.Select(g => (double)g)], numeric) < Tolerance);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void WholeModel_LossGradientsMatchFiniteDifferences(int outputs)
    {
        // Conv → batch norm → ReLU → pool → conv → ReLU → dropout (fixed mask) → dense, through the loss: checks that
        // the model chains the layers' gradients. A smaller step keeps
        // most ReLU kinks out of reach, and the bound is looser for the few that are crossed.
        var shape = new TensorShape(1, 8, 8);
        var model = new SequentialModel(shape, [new Conv2D(3), new BatchNorm2D(), new ReLU(), new MaxPool2D(), new Conv2D(4), new ReLU(), new Dropout(0.25), new Dense(outputs)], seed: 5);
        var input = LearningTestData.RandomTensor(4, shape, 13);
        float[] labels = outputs == 1 ? [1, 0, 1, 0] : [0, 2, 1, 2];
        var context = new PassContext(true, 2, 77);
        var buffers = new SequentialModel.Activations(model.Layers.Count);
        double Loss() => model.Loss(model.Forward(input, buffers, context).Span, labels, []);
        var logits = model.Forward(input, buffers, context);
        var outputGradient = new Tensor4(4, new TensorShape(outputs, 1, 1));
        model.Loss(logits.Span, labels, outputGradient.Span);
        model.Backward(input, buffers, outputGradient, context);
        foreach (var parameter in model.Parameters)
        {
            var analytic = parameter.Gradient.Select(g => (double)g).ToArray();
            var numeric = Numeric(parameter.Value, Loss, 1e-3);
            double error = LearningTestData.RelativeError(analytic, numeric, 1e-2);
            Assert.True(error < 2e-2, $"{parameter.Name} ({parameter.Value.Length} values) relative error {error:E2}");
        }
    }
}
