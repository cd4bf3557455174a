namespace Concord.Core.Learning;

/// <summary>
/// Sigmoid output with binary cross-entropy, computed from the logit z for stability:
/// loss = max(z, 0) − z·y + log(1 + e^−|z|), whose gradient is σ(z) − y. Labels are probabilities in [0, 1].
/// </summary>
public static class SigmoidBinaryCrossEntropy
{
    /// <summary>Mean loss over the batch; writes dLoss/dz (already divided by N) into <paramref name="gradient"/> when it is not empty.</summary>
    public static double Evaluate(ReadOnlySpan<float> logits, ReadOnlySpan<float> labels, Span<float> gradient)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(labels.Length, logits.Length, "binary cross-entropy labels");
        if (!gradient.IsEmpty)
            ShapeMismatchException.ThrowIfLengthDiffers(gradient.Length, logits.Length, "binary cross-entropy gradient");
        if (logits.IsEmpty)
            return 0;
        double total = 0;
        double invN = 1.0 / logits.Length;
        for (int i = 0; i < logits.Length; i++)
        {
            double z = logits[i], y = labels[i];
            total += Math.Max(z, 0) - (z * y) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
            if (!gradient.IsEmpty)
                gradient[i] = (float)((Sigmoid(z) - y) * invN);
        }
        return total * invN;
    }

    /// <summary>The logistic function, evaluated without overflow for large |z|.</summary>
    public static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}

/// <summary>Softmax output with categorical cross-entropy for K ≥ 2 classes; labels are class indices 0..K−1 stored as floats.</summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>Mean loss over the batch of [N, K] logits; writes (softmax − one-hot)/N into <paramref name="gradient"/> when it is not empty.</summary>
    public static double Evaluate(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<float> labels, Span<float> gradient)
    {
        if (classes < 2)
            throw new InvalidParameterException(nameof(classes), $"softmax needs at least 2 classes, got {classes}.");
        ShapeMismatchException.ThrowIfLengthDiffers(logits.Length, (long)labels.Length * classes, "softmax logits");
        if (!gradient.IsEmpty)
            ShapeMismatchException.ThrowIfLengthDiffers(gradient.Length, logits.Length, "softmax gradient");
        if (labels.IsEmpty)
            return 0;
        double total = 0, invN = 1.0 / labels.Length;
        Span<float> probabilities = classes <= 64 ? stackalloc float[classes] : new float[classes];
        for (int n = 0; n < labels.Length; n++)
        {
            int label = (int)labels[n];
            if (label < 0 || label >= classes || label != labels[n])
                throw new InvalidParameterException(nameof(labels), $"label {labels[n]} of sample {n} is not a class index in 0..{classes - 1}.");
            var row = logits.Slice(n * classes, classes);
            double logSum = Softmax(row, probabilities);
            total += logSum - row[label];
            if (gradient.IsEmpty)
                continue;
            for (int k = 0; k < classes; k++)
                gradient[(n * classes) + k] = (float)((probabilities[k] - (k == label ? 1.0 : 0.0)) * invN);
        }
        return total * invN;
    }

    /// <summary>Softmax of one row (shifted by its maximum); returns log Σ e^z for the loss.</summary>
    public static double Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(probabilities.Length, logits.Length, "softmax probabilities");
        double max = double.NegativeInfinity;
        foreach (float z in logits)
            max = Math.Max(max, z);
        double sum = 0;
        for (int k = 0; k < logits.Length; k++)
            sum += Math.Exp(logits[k] - max);
        for (int k = 0; k < logits.Length; k++)
            probabilities[k] = (float)(Math.Exp(logits[k] - max) / sum);
        return max + Math.Log(sum);
    }
}
