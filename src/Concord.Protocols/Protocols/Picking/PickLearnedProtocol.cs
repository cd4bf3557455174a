using System.Text.Json;
using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Picking.Methods.Learned;
using Concord.Protocols.Sets;
using Concord.Workflow.Protocols;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Protocols.Picking;

/// <summary>Parameters of <see cref="PickLearnedProtocol"/>.</summary>
public sealed record PickLearnedParameters : PickingParameters
{
    [Param("Candidate threshold", "Candidates are blob peaks above median + k·σ̂; permissive, the classifier decides.", Unit = "σ", Min = -10, Max = 100)]
    public double CandidateThresholdSigmas { get; init; } = 1;

    [Param("Score threshold", "Minimum particle probability of a pick.", Min = 0, Max = 1)]
    public double ScoreThreshold { get; init; } = 0.5;

    [Param("Min distance", "Non-maximum suppression distance, in particle diameters.", Min = 0, Max = 4)]
    public double MinDistanceFraction { get; init; } = 0.8;

    [Param("Random negatives", "Random background positions per positive in training.", Min = 0, Max = 100)]
    public double RandomNegativesPerPositive { get; init; } = 1;

    [Param("Candidate negatives", "Also train on blob candidates at least a radius from every positive (hard negatives).")]
    public bool CandidateNegatives { get; init; } = true;

    [Param("L2", "Ridge penalty of the logistic regression.", Min = 1e-6, Max = 1e6)]
    public double L2 { get; init; } = 1;

    [Param("Seed", "Seeds the random negatives.", Min = 0, Max = int.MaxValue)]
    public int Seed { get; init; } = 1;

    public LearnedPickerOptions Options(int threads) => new()
    {
        DiameterA = DiameterA,
        CandidateThresholdSigmas = CandidateThresholdSigmas,
        ScoreThreshold = ScoreThreshold,
        MinDistanceFraction = MinDistanceFraction,
        RandomNegativesPerPositive = RandomNegativesPerPositive,
        CandidateNegatives = CandidateNegatives,
        L2 = L2,
        MaxDegreeOfParallelism = threads,
    };
}

/// <summary>The <c>training</c> report of <see cref="PickLearnedProtocol"/>.</summary>
public sealed record LearnedTrainingReport(int Micrographs, int Positives, int Negatives, string Model);

/// <summary>
/// The learned picker (<see cref="LearnedPicker"/>, after Xmipp's automatic picker, Abrishami et al. 2013) trained on
/// an input coordinate set as positives, as the picking chapter trains it on the consensus of the other pickers:
/// step <c>train</c> fits the classifier on the micrographs that have positives and saves it to
/// <c>extra/learned_picker.json</c> (output <c>model</c>); step <c>pick</c> picks every micrograph with it (parallel,
/// atomic). Training is deterministic for a seed, so a resumed run that lost the in-memory model retrains the same one.
/// </summary>
public sealed class PickLearnedProtocol : Protocol<PickLearnedParameters>
{
    public const string ModelFile = "learned_picker.json";

    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    public static InputPort<CorrectedMicrographRow> Micrographs { get; } = new("micrographs", EmKinds.CorrectedMicrograph, "micrographs to train on and pick");
    public static InputPort<CoordinateRow> Positives { get; } = new("positives", EmKinds.Coordinate, "particle centres to learn from (e.g. the consensus of other pickers)");
    public static OutputPort<CoordinateRow> Coordinates { get; } = new("coordinates", EmKinds.Coordinate, "picked centres (score: particle probability)");
    public static OutputPort<FileRow> Model { get; } = new("model", BuiltInKinds.File, "the trained classifier (JSON: feature standardisation, weights, options)");

    public override string Name => "pick.learned";
    public override string Summary => "Train a patch classifier on given particle centres (e.g. a consensus) and pick every micrograph with it.";
    public override IReadOnlyList<InputPort> Inputs => [Micrographs, Positives];
    public override IReadOnlyList<OutputPort> Outputs => [Coordinates, Model];

    protected override IReadOnlyList<Step> Steps(PickLearnedParameters parameters)
    {
        var model = new RunMemo<LearnedPickerModel>();
        return
        [
            new SetStep("train", context => Save(model.Get(() => Train(parameters, context)), context)),
            new ItemStep<CorrectedMicrographRow>("pick", Micrographs, item =>
            {
                var trained = model.Get(() =>
                {
                    item.Log("pick.learned: the trained model is not in memory (resumed run); retraining it (deterministic)");
                    return Train(parameters, item);
                });
                using var micrograph = PickingSets.ReadMicrograph(item, item.Row);
                using var fft = FftBackends.CreateDeterministic(1);
                var picks = new LearnedPicker(fft).Pick(micrograph, trained, item.Cancellation);
                PickingSets.EmitPicks(item, Coordinates, item.Key, picks);
            }),
            PickingReport.Step(Name, Coordinates, null, Micrographs, parameters.DiameterA),
        ];
    }

    /// <summary>Trains on every micrograph with at least one positive; the model then picks with one thread per micrograph.</summary>
    public static LearnedPickerModel Train(PickLearnedParameters p, OutputBuffer context)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(context);
        var positives = PickingSets.ByMicrograph(context.Read(Positives));
        var micrographs = context.Read(Micrographs).Where(m => m.Reason is null && positives.ContainsKey(m.Key)).ToList();
        if (micrographs.Count == 0)
            throw new InvalidParameterException("positives", "no micrograph of the input has a positive coordinate to learn from.");
        var images = new List<Image2D>();
        try
        {
            var training = micrographs.Select(m =>
            {
                var image = PickingSets.ReadMicrograph(context, m.Row);
                images.Add(image);
                return new LearnedTrainingMicrograph(image, positives[m.Key].Select(r => (r.Row.XPx, r.Row.YPx)).ToList());
            }).ToList();
            using var fft = FftBackends.CreateDeterministic(1);
            var model = new LearnedPicker(fft).Train(training, p.Options(context.Threads), p.Seed, context.Cancellation);
            return model with { Options = model.Options with { MaxDegreeOfParallelism = 1 } };
        }
        finally
        {
            foreach (var image in images)
                image.Dispose();
        }
    }

    private static void Save(LearnedPickerModel model, StepContext context)
    {
        var file = context.NewFile(ModelFile);
        var c = model.Classifier;
        var document = new
        {
            kind = "concord.learned_picker",
            diameter_a = model.Options.DiameterA,
            candidate_threshold_sigmas = model.Options.CandidateThresholdSigmas,
            score_threshold = model.Options.ScoreThreshold,
            min_distance_fraction = model.Options.MinDistanceFraction,
            dark_particles = model.Options.DarkParticles,
            positives = model.Positives,
            negatives = model.Negatives,
            feature_mean = c.Mean,
            feature_scale = c.Scale,
            weights = c.Weights,
            bias = c.Bias,
        };
        File.WriteAllText(file.TempPath, JsonSerializer.Serialize(document, IndentedJson));
        context.Emit(Model, "model", new FileRow(file.RelativePath, new FileInfo(file.TempPath).Length));
        var withPositives = PickingSets.ByMicrograph(context.Read(Positives));
        int micrographs = context.Read(Micrographs).Count(m => m.Reason is null && withPositives.ContainsKey(m.Key));
        context.Report("training", new LearnedTrainingReport(micrographs, model.Positives, model.Negatives, file.RelativePath));
        context.Log($"pick.learned: trained on {model.Positives} positives and {model.Negatives} negatives");
    }
}
