using System.Globalization;
using Concord.Core;

namespace Concord.Picking.Methods.Learned;

/// <summary>
/// The learned picker's model file: UTF-8 text, one "key value…" line each (invariant culture, round-trip doubles), so
/// a user can read which diameter and thresholds a model was trained for. Keys: a format line, the picking options,
/// the training counts, then the logistic model's feature means, scales, weights and bias.
/// </summary>
public static class LearnedPickerModelFile
{
    private const string Format = "concord-learned-picker 1";

    public static void Write(string path, LearnedPickerModel model)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        var o = model.Options;
        var c = model.Classifier;
        var lines = new List<string>
        {
            Format,
            Line("diameter_a", o.DiameterA),
            Line("candidate_threshold_sigmas", o.CandidateThresholdSigmas),
            Line("score_threshold", o.ScoreThreshold),
            Line("min_distance_fraction", o.MinDistanceFraction),
            Line("random_negatives_per_positive", o.RandomNegativesPerPositive),
            Line("candidate_negatives", o.CandidateNegatives ? 1 : 0),
            Line("l2", o.L2),
            Line("dark_particles", o.DarkParticles ? 1 : 0),
            Line("positives", model.Positives),
            Line("negatives", model.Negatives),
            Line("mean", [.. c.Mean]),
            Line("scale", [.. c.Scale]),
            Line("weights", [.. c.Weights]),
            Line("bias", c.Bias),
        };
        File.WriteAllLines(path, lines);
    }

    /// <exception cref="Core.Learning.ModelFormatException">Not a learned-picker model, or a value missing or malformed.</exception>
    public static LearnedPickerModel Read(string path, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such file.", path);
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0].Trim() != Format)
            throw new Core.Learning.ModelFormatException($"{path}: not a Concord learned-picker model (first line should be '{Format}').");
        var values = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (string line in lines.Skip(1).Where(l => l.Trim().Length > 0))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var numbers = new double[parts.Length - 1];
            for (int i = 1; i < parts.Length; i++)
                if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i - 1]))
                    throw new Core.Learning.ModelFormatException($"{path}: '{parts[0]}' has a value that is not a number: '{parts[i]}'.");
            values[parts[0]] = numbers;
        }
        double One(string key) => Get(values, key, path) is [var v] ? v : throw new Core.Learning.ModelFormatException($"{path}: '{key}' must have one value.");
        var options = new LearnedPickerOptions
        {
            DiameterA = One("diameter_a"),
            CandidateThresholdSigmas = One("candidate_threshold_sigmas"),
            ScoreThreshold = One("score_threshold"),
            MinDistanceFraction = One("min_distance_fraction"),
            RandomNegativesPerPositive = One("random_negatives_per_positive"),
            CandidateNegatives = One("candidate_negatives") != 0,
            L2 = One("l2"),
            DarkParticles = One("dark_particles") != 0,
            MaxDegreeOfParallelism = maxDegreeOfParallelism,
        };
        try
        {
            options.Validate();
            var classifier = LogisticModel.FromParameters(Get(values, "mean", path), Get(values, "scale", path), Get(values, "weights", path), One("bias"));
            return new LearnedPickerModel(classifier, options, (int)One("positives"), (int)One("negatives"));
        }
        catch (Exception e) when (e is InvalidParameterException or ShapeMismatchException)
        {
            throw new Core.Learning.ModelFormatException($"{path}: {e.Message}", e);
        }
    }

    private static double[] Get(Dictionary<string, double[]> values, string key, string path) =>
        values.TryGetValue(key, out var v) ? v : throw new Core.Learning.ModelFormatException($"{path}: '{key}' is missing.");

    private static string Line(string key, params double[] values) =>
        key + " " + string.Join(" ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}
