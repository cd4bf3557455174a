using Concord.Core.Learning.Layers;

namespace Concord.Core.Learning;

/// <summary>
/// A feed-forward network: layers applied in order to [N, C, H, W] batches, ending in <see cref="OutputCount"/> logits
/// per sample. One output is read through a sigmoid and trained with binary cross-entropy; K ≥ 2 outputs through a
/// softmax with categorical cross-entropy. Building the model initialises every layer from <c>seed</c>.
/// <see cref="Predict"/> may run on several threads at once; <see cref="Train"/> must not overlap anything else.
/// </summary>
public sealed class SequentialModel
{
    private readonly Layer[] _layers;

    public SequentialModel(TensorShape inputShape, IEnumerable<Layer> layers, ulong seed = 0)
    {
        inputShape.Validate("SequentialModel input shape");
        _layers = [.. layers];
        if (_layers.Length == 0)
            throw new InvalidParameterException(nameof(layers), "a model needs at least one layer.");
        var shape = inputShape;
        for (int i = 0; i < _layers.Length; i++)
        {
            if (_layers.Take(i).Contains(_layers[i]))
                throw new InvalidParameterException(nameof(layers), $"layer {i} ({_layers[i].Describe()}) appears twice; each layer instance holds its own weights.");
            _layers[i].Build(shape, SplitMix64.Derive(seed, (ulong)i));
            shape = _layers[i].OutputShape;
        }
        InputShape = inputShape;
        OutputCount = shape.Size;
        Parameters = [.. _layers.SelectMany(l => l.Parameters)];
        Architecture = $"Input({inputShape})|" + string.Join('|', _layers.Select(l => l.Describe()));
    }

    public TensorShape InputShape { get; }

    /// <summary>Logits per sample: 1 for a sigmoid (binary) model, K for a K-class softmax model.</summary>
    public int OutputCount { get; }

    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>All trainable arrays, in layer order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    public int ParameterCount => Parameters.Sum(p => p.Value.Length);

    /// <summary>"Input(1x32x32)|Conv2D(8,3)|ReLU|…": what a saved file must match to be loaded into this model.</summary>
    public string Architecture { get; }

    /// <summary>
    /// Class probabilities for every sample, in [0, 1]: N values (P(positive)) for a one-output model, N·K values
    /// (softmax rows) otherwise. Runs in inference mode (no dropout, running batch-norm statistics).
    /// </summary>
    public float[] Predict(Tensor4 patches, int maxDegreeOfParallelism = -1)
    {
        var logits = PredictLogits(patches, maxDegreeOfParallelism);
        var probabilities = new float[logits.Length];
        if (OutputCount == 1)
        {
            for (int i = 0; i < logits.Length; i++)
                probabilities[i] = (float)SigmoidBinaryCrossEntropy.Sigmoid(logits[i]);
        }
        else
        {
            for (int n = 0; n < patches.Count; n++)
                SoftmaxCrossEntropy.Softmax(logits.AsSpan(n * OutputCount, OutputCount), probabilities.AsSpan(n * OutputCount, OutputCount));
        }
        return probabilities;
    }

    /// <summary>The raw outputs of the last layer, evaluated in chunks of 256 samples in inference mode.</summary>
    public float[] PredictLogits(Tensor4 patches, int maxDegreeOfParallelism = -1)
    {
        RequireInputShape(patches);
        const int Chunk = 256;
        var logits = new float[patches.Count * OutputCount];
        var buffers = new Activations(_layers.Length);
        var chunk = new Tensor4(Math.Min(Chunk, Math.Max(1, patches.Count)), InputShape);
        var context = new PassContext(false, maxDegreeOfParallelism, 0);
        for (int start = 0; start < patches.Count; start += Chunk)
        {
            int count = Math.Min(Chunk, patches.Count - start);
            chunk.Resize(count);
            patches.Data.AsSpan(start * InputShape.Size, count * InputShape.Size).CopyTo(chunk.Span);
            var output = Forward(chunk, buffers, context);
            output.Span.CopyTo(logits.AsSpan(start * OutputCount));
        }
        return logits;
    }

    /// <summary>
    /// Trains the model in place with Adam on <paramref name="patches"/> (shape [N, InputShape]) and
    /// <paramref name="labels"/> (0/1 for a one-output model, class indices otherwise); see <see cref="TrainingOptions"/>.
    /// </summary>
    public TrainingHistory Train(Tensor4 patches, ReadOnlySpan<float> labels, TrainingOptions options, IProgress<EpochMetrics>? progress = null, CancellationToken cancellationToken = default) =>
        ModelTrainer.Train(this, patches, labels.ToArray(), options, progress, cancellationToken);

    /// <summary>Writes the architecture and all weights (and batch-norm statistics) in the versioned binary format of <see cref="ModelSerializer"/>.</summary>
    public void Save(Stream stream) => ModelSerializer.Save(this, stream);

    /// <summary>Reads weights saved from a model of the same <see cref="Architecture"/>; throws <see cref="ModelFormatException"/> otherwise.</summary>
    public void LoadWeights(Stream stream) => ModelSerializer.LoadWeights(this, stream);

    /// <summary>Rebuilds a model (architecture and weights) from a stream written by <see cref="Save"/>.</summary>
    public static SequentialModel Load(Stream stream) => ModelSerializer.Load(stream);

    internal void RequireInputShape(Tensor4 patches)
    {
        if (patches.Shape != InputShape)
            throw new ShapeMismatchException($"model input: expected samples of {InputShape}, got {patches.Shape}.");
    }

    /// <summary>Runs every layer; the returned tensor is the last activation (owned by <paramref name="buffers"/>).</summary>
    internal Tensor4 Forward(Tensor4 input, Activations buffers, PassContext context)
    {
        var x = input;
        for (int i = 0; i < _layers.Length; i++)
        {
            var y = buffers.Output(i, input.Count, _layers[i].OutputShape);
            _layers[i].Forward(x, y, context);
            x = y;
        }
        return x;
    }

    /// <summary>Back-propagates dLoss/dOutput through the activations of the last training <see cref="Forward"/>.</summary>
    internal void Backward(Tensor4 input, Activations buffers, Tensor4 outputGradient, PassContext context)
    {
        var gradient = outputGradient;
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            var layerInput = i == 0 ? input : buffers.Outputs[i - 1]!;
            var inputGradient = i == 0 ? null : buffers.Gradient(i - 1, input.Count, _layers[i].InputShape);
            _layers[i].Backward(layerInput, buffers.Outputs[i]!, gradient, inputGradient, context);
            if (inputGradient is not null)
                gradient = inputGradient;
        }
    }

    /// <summary>Mean loss of a batch of logits; writes dLoss/dLogits when <paramref name="gradient"/> is not empty.</summary>
    internal double Loss(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels, Span<float> gradient) =>
        OutputCount == 1
            ? SigmoidBinaryCrossEntropy.Evaluate(logits, labels, gradient)
            : SoftmaxCrossEntropy.Evaluate(logits, OutputCount, labels, gradient);

    /// <summary>How many samples the logits classify correctly (threshold 0.5 on the sigmoid, or arg-max).</summary>
    internal int CountCorrect(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels)
    {
        int correct = 0;
        for (int n = 0; n < labels.Length; n++)
        {
            if (OutputCount == 1)
            {
                if ((logits[n] >= 0) == (labels[n] >= 0.5f))
                    correct++;
                continue;
            }
            var row = logits.Slice(n * OutputCount, OutputCount);
            int best = 0;
            for (int k = 1; k < OutputCount; k++)
            {
                if (row[k] > row[best])
                    best = k;
            }
            if (best == (int)labels[n])
                correct++;
        }
        return correct;
    }

    /// <summary>Per-layer output and gradient tensors, reused across batches of the same or smaller size.</summary>
    internal sealed class Activations(int layers)
    {
        public Tensor4?[] Outputs { get; } = new Tensor4?[layers];

        public Tensor4?[] Gradients { get; } = new Tensor4?[layers];

        public Tensor4 Output(int layer, int count, TensorShape shape) => Outputs[layer] = Tensor4.Ensure(Outputs[layer], count, shape);

        public Tensor4 Gradient(int layer, int count, TensorShape shape) => Gradients[layer] = Tensor4.Ensure(Gradients[layer], count, shape);
    }
}
