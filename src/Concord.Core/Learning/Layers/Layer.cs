namespace Concord.Core.Learning.Layers;

/// <summary>A trainable array of a layer: its values, the gradient of the loss with respect to them, and whether weight decay applies.</summary>
public sealed class Parameter
{
    internal Parameter(string name, int length, bool decays)
    {
        Name = name;
        Value = new float[length];
        Gradient = new float[length];
        Decays = decays;
    }

    public string Name { get; }

    public float[] Value { get; }

    public float[] Gradient { get; }

    /// <summary>True for weights (decayed by the optimiser), false for biases and normalisation offsets.</summary>
    public bool Decays { get; }
}

/// <summary>How a forward/backward pass runs: training or inference, the parallelism, and the seed of this step's randomness.</summary>
internal readonly record struct PassContext(bool Training, int MaxDegreeOfParallelism, ulong StepSeed)
{
    public ParallelOptions ParallelOptions => new() { MaxDegreeOfParallelism = MaxDegreeOfParallelism };
}

/// <summary>
/// One stage of a <see cref="SequentialModel"/>. A layer learns its input shape when the model is built, initialises its
/// parameters from the model's seed, and maps an [N, C, H, W] batch to the next. In inference (not training) a forward
/// pass writes nothing into the layer, so several threads may predict with one model at once; training passes cache
/// what the backward pass needs (pooling winners, dropout masks, batch statistics).
/// </summary>
public abstract class Layer
{
    private TensorShape? _input;
    private TensorShape? _output;

    /// <summary>The sample shape this layer reads (known once the model is built).</summary>
    public TensorShape InputShape => _input ?? throw new InvalidOperationException($"{Describe()} is not built yet.");

    /// <summary>The sample shape this layer writes.</summary>
    public TensorShape OutputShape => _output ?? throw new InvalidOperationException($"{Describe()} is not built yet.");

    /// <summary>The trainable arrays (empty for parameter-free layers).</summary>
    public virtual IReadOnlyList<Parameter> Parameters => [];

    /// <summary>Non-trainable state that is saved with the weights (running statistics of batch normalisation).</summary>
    internal virtual IReadOnlyList<float[]> State => [];

    /// <summary>A stable text description (type and hyper-parameters) used in saved files to check the architecture.</summary>
    public abstract string Describe();

    /// <summary>Binds the layer to its input shape and initialises parameters; <paramref name="layerSeed"/> is unique per layer.</summary>
    internal void Build(TensorShape input, ulong layerSeed)
    {
        if (_input is not null)
            throw new InvalidOperationException($"{Describe()} already belongs to a model; create a new layer for each model.");
        _output = Initialize(input, layerSeed);
        _input = input;
    }

    internal abstract TensorShape Initialize(TensorShape input, ulong layerSeed);

    internal abstract void Forward(Tensor4 input, Tensor4 output, PassContext context);

    /// <summary>
    /// Writes the parameter gradients (overwriting) and, when <paramref name="inputGradient"/> is not null, dLoss/dInput.
    /// <paramref name="input"/> and <paramref name="output"/> are the tensors of the last training forward pass.
    /// </summary>
    internal abstract void Backward(Tensor4 input, Tensor4 output, Tensor4 outputGradient, Tensor4? inputGradient, PassContext context);

    /// <summary>He et al. (2015) initialisation: zero-mean Gaussian weights with variance 2/fan-in, which keeps ReLU activations at a stable scale.</summary>
    internal static void HeInitialize(Span<float> weights, int fanIn, ulong seed)
    {
        var rng = new SplitMix64(seed);
        double sigma = Math.Sqrt(2.0 / fanIn);
        for (int i = 0; i < weights.Length; i++)
            weights[i] = (float)(sigma * rng.NextGaussian());
    }

    /// <summary>Sums per-sample partial gradients in sample order (parallel over parameter chunks, so the order is fixed).</summary>
    internal static void ReduceInOrder(float[] partials, int samples, float[] destination, PassContext context)
    {
        int length = destination.Length;
        const int Chunk = 1024;
        int chunks = (length + Chunk - 1) / Chunk;
        Parallel.For(0, chunks, context.ParallelOptions, chunk =>
        {
            int start = chunk * Chunk, count = Math.Min(Chunk, length - start);
            var target = destination.AsSpan(start, count);
            partials.AsSpan(start, count).CopyTo(target);
            for (int s = 1; s < samples; s++)
                System.Numerics.Tensors.TensorPrimitives.Add(target, partials.AsSpan((s * length) + start, count), target);
        });
    }
}
