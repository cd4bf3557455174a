using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Picking;
using Concord.Picking.Chain;
using Concord.Picking.Consensus;
using Concord.Picking.DeepConsensus;
using Concord.Protocols.Sets;
using Concord.Workflow.Protocols;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Protocols.Picking;

/// <summary>Parameters of <see cref="PickDeepConsensusProtocol"/>.</summary>
public sealed record PickDeepConsensusParameters : PickingParameters
{
    [Param("Radius", "Coordinates of different pickers closer than this fraction of the diameter are the same candidate.", Min = 0.01, Max = 2)]
    public double RadiusFraction { get; init; } = 0.25;

    [Param("Threshold", "Candidates the network scores at least this are kept (0.95 as in the chapter and Xmipp).", Min = 0, Max = 1)]
    public double Threshold { get; init; } = 0.95;

    [Param("Epochs", "Training epochs.", Min = 1, Max = 10_000)]
    public int Epochs { get; init; } = PickingChainOptions.DefaultDeepOptions.Epochs;

    [Param("Patch size", "Network input edge after Fourier cropping (a multiple of 8).", Unit = "px", Min = 8, Max = 256)]
    public int PatchSize { get; init; } = 32;

    [Param("Batch size", "Training mini-batch size.", Min = 1, Max = 4096)]
    public int BatchSize { get; init; } = 32;

    [Param("Random negatives", "Background positions per micrograph, a diameter from every candidate, trained as negatives.", Min = 0, Max = 100_000)]
    public int RandomNegativesPerMicrograph { get; init; } = PickingChainOptions.DefaultDeepOptions.RandomNegativesPerMicrograph;

    [Param("Single-picker negatives", "Also train on the candidates only one picker found as negatives (the paper's set; at low SNR most are particles a weaker picker missed).")]
    public bool SingleVoteNegatives { get; init; } = PickingChainOptions.DefaultDeepOptions.SingleVoteNegatives;

    [Param("Self-training rounds", "Retrain this many times with the candidates the last network scored at least the threshold added to the positives.", Min = 0, Max = 10)]
    public int SelfTrainingRounds { get; init; } = PickingChainOptions.DefaultDeepOptions.SelfTrainingRounds;

    [Param("Min positives", "Fewest all-agree candidates training accepts.", Min = 1, Max = 1_000_000)]
    public int MinPositives { get; init; } = 20;

    [Param("Min negatives", "Fewest only-one (plus random) candidates training accepts.", Min = 1, Max = 1_000_000)]
    public int MinNegatives { get; init; } = 20;

    [Param("Seed", "Seeds the weights, the validation split, shuffles, augmentation and random negatives.", Min = 0, Max = int.MaxValue)]
    public int Seed { get; init; } = 1;

    public DeepConsensusOptions Options(int threads) => new()
    {
        PatchSize = PatchSize,
        Threshold = Threshold,
        Epochs = Epochs,
        BatchSize = BatchSize,
        Seed = (ulong)Seed,
        RandomNegativesPerMicrograph = RandomNegativesPerMicrograph,
        SingleVoteNegatives = SingleVoteNegatives,
        SelfTrainingRounds = SelfTrainingRounds,
        MinPositives = MinPositives,
        MinNegatives = MinNegatives,
        MaxTrainingExamples = Math.Max(20_000, MinPositives + MinNegatives),
        MaxDegreeOfParallelism = threads,
    };

    public override IEnumerable<ParameterError> Validate()
    {
        foreach (var e in base.Validate())
            yield return e;
        if (PatchSize % 8 != 0)
            yield return new ParameterError("patch_size", $"must be a multiple of 8, got {PatchSize}.");
        if (!SingleVoteNegatives && RandomNegativesPerMicrograph == 0)
            yield return new ParameterError("random_negatives_per_micrograph", "is 0 and single_vote_negatives is off: there would be no negatives to train on.");
    }
}

/// <summary>
/// The trained network with the FFT backend it crops patches with (managed, so nothing native to release); a null
/// model when there were too few all-agree candidates to train one (the vote decides instead).
/// </summary>
public sealed record DeepConsensusState(DeepConsensusModel? Model, IFftBackend Fft, int Positives = 0);

/// <summary>The <c>training</c> report when no network was trained: how many all-agree candidates there were and why that is too few.</summary>
public sealed record DeepConsensusSkippedReport(bool Skipped, int Positives, int MinPositives, string Reason);

/// <summary>
/// Deep consensus (Sanchez-Garcia et al. 2018, IUCrJ 5:854; <see cref="DeepConsensusTraining"/>): the pickers'
/// coordinates are matched per micrograph (<see cref="CoordinateConsensus"/>, ¼ diameter); step <c>train</c> trains the
/// CNN on the candidates every picker found (positives) against random background (and, with
/// <c>single_vote_negatives</c>, those one picker found), retrains <c>self_training_rounds</c> times with its own
/// confident candidates added to the positives (<see cref="DeepConsensusOptions.SelfTrainingRounds"/>) and saves it to <c>extra/deep_consensus.model</c> (output <c>model</c>); step <c>score</c> scores every
/// candidate of each micrograph (parallel, atomic): at least <c>threshold</c> goes to <c>kept</c>, the rest to
/// <c>rejected</c> with its score and who found it. Reports <c>training</c> and <c>picking</c> (survivors, truth).
/// With fewer than <c>min_positives</c> all-agree candidates no network can be trained (a CNN fitted to a handful of
/// examples rejects everything): the run then says so in its log and <c>training</c> report, writes no model, and
/// keeps the candidates every picker found (the plain consensus), rejecting the rest with that reason.
/// </summary>
public sealed class PickDeepConsensusProtocol : Protocol<PickDeepConsensusParameters>
{
    public static InputPort<CoordinateRow> Sets { get; } = new("sets", EmKinds.Coordinate, "the coordinate sets of the pickers (2 to 16)", 2, 16);
    public static InputPort<CorrectedMicrographRow> Micrographs { get; } = new("micrographs", EmKinds.CorrectedMicrograph, "the picked micrographs");
    public static OutputPort<CoordinateRow> Kept { get; } = new("kept", EmKinds.Coordinate, "candidates scored at least the threshold (score: network probability)");
    public static OutputPort<CoordinateRow> Rejected { get; } = new("rejected", EmKinds.Coordinate, "candidates below the threshold, with score and finders");
    public static OutputPort<FileRow> Model { get; } = new("model", BuiltInKinds.File, "the trained network (Concord deep-consensus model)");

    public override string Name => "pick.deep_consensus";
    public override string Summary => "Train a CNN on all-agree picks vs background (self-trained twice), score every candidate and keep those scoring ≥ 0.95.";
    public override IReadOnlyList<InputPort> Inputs => [Sets, Micrographs];
    public override IReadOnlyList<OutputPort> Outputs => [Kept, Rejected, Model];

    protected override IReadOnlyList<Step> Steps(PickDeepConsensusParameters parameters)
    {
        var state = new RunMemo<DeepConsensusState>();
        var sets = new RunMemo<PickerSets>();
        return
        [
            new SetStep("train", context =>
            {
                var pickers = sets.Get(() => PickerSets.Read(context, Sets));
                Save(parameters, state.Get(() => Train(parameters, context, pickers)), context, pickers);
            }),
            new ItemStep<CorrectedMicrographRow>("score", Micrographs, item => Score(parameters, item,
                state.Get(() => Load(parameters, item)), sets.Get(() => PickerSets.Read(item, Sets)))),
            PickingReport.Step(Name, Kept, Rejected, Micrographs, parameters.DiameterA),
        ];
    }

    private static double RadiusPx(PickDeepConsensusParameters p, CorrectedMicrographRow m) => p.RadiusFraction * p.DiameterA / m.PixelSizeA;

    private static DeepConsensusState Train(PickDeepConsensusParameters p, StepContext context, PickerSets sets)
    {
        var micrographs = context.Read(Micrographs).Where(m => m.Reason is null).ToList();
        var consensus = micrographs.Select(m => sets.Consensus(m.Key, RadiusPx(p, m.Row), 1)).ToList();
        var fft = FftBackends.CreateDeterministic(1);
        // Count the positives before reading any micrograph: with too few there is nothing to train.
        int positives = consensus.Sum(c => c.All.Count(x => x.Votes == sets.Count));
        if (positives < p.MinPositives)
            return new DeepConsensusState(null, fft, positives);
        var images = new List<Image2D>();
        try
        {
            var training = micrographs.Select((m, i) =>
            {
                var image = PickingSets.ReadMicrograph(context, m.Row);
                images.Add(image);
                return new DeepConsensusMicrograph(image, consensus[i]);
            }).ToList();
            var model = DeepConsensusTraining.Train(training, p.DiameterA, p.Options(context.Threads), fft, context.Cancellation);
            return new DeepConsensusState(model, fft, positives);
        }
        finally
        {
            foreach (var image in images)
                image.Dispose();
        }
    }

    private static void Save(PickDeepConsensusParameters p, DeepConsensusState state, StepContext context, PickerSets sets)
    {
        if (state.Model is null)
        {
            var skipped = new DeepConsensusSkippedReport(true, state.Positives, p.MinPositives, FormattableString.Invariant(
                $"not trained: {state.Positives} candidates found by all {sets.Count} pickers, fewer than min_positives {p.MinPositives}; kept the plain consensus instead"));
            context.Report("training", skipped);
            context.Log($"pick.deep_consensus: {skipped.Reason}");
            return;
        }
        var file = context.NewFile(DeepConsensusModel.DefaultFileName);
        state.Model.Save(file.TempPath);
        context.Emit(Model, "model", new FileRow(file.RelativePath, new FileInfo(file.TempPath).Length));
        var training = state.Model.Training!;
        context.Report("training", training);
        context.Log($"pick.deep_consensus: trained on {training.Positives} positives, {training.Negatives} only-one and {training.RandomNegatives} random negatives "
            + $"in {training.TrainingSeconds:F1} s; validation accuracy {training.ValidationAccuracy:F3}");
    }

    /// <summary>The model the train step saved (a resumed run no longer holds it in memory); none when training was skipped.</summary>
    private static DeepConsensusState Load(PickDeepConsensusParameters p, OutputBuffer context)
    {
        var fft = FftBackends.CreateDeterministic(1);
        if (context.ReadOutput(Model).SingleOrDefault(r => r.Key == "model") is not { } saved)
            return new DeepConsensusState(null, fft);
        var file = saved.Row;
        return new DeepConsensusState(DeepConsensusModel.Load(context.Resolve(file.Path), fft, p.Options(1)), fft);
    }

    private static void Score(PickDeepConsensusParameters p, ItemContext<CorrectedMicrographRow> item, DeepConsensusState state, PickerSets sets)
    {
        var consensus = sets.Consensus(item.Key, RadiusPx(p, item.Row), 1);
        if (consensus.All.Count == 0)
            return;
        if (state.Model is null)
        {
            Vote(item, consensus, sets, p.MinPositives);
            return;
        }
        using var micrograph = PickingSets.ReadMicrograph(item, item.Row);
        using var fft = FftBackends.CreateDeterministic(1);
        var candidates = consensus.All.Select(c => new Pick(c.XPx, c.YPx, c.Members.Average(m => m.Score))).ToList();
        var scores = state.Model.Score(micrograph, candidates, fft);
        for (int i = 0; i < scores.Length; i++)
        {
            var c = consensus.All[i];
            var row = PickerSets.Row(item.Key, c, scores[i]);
            string key = PickingSets.CoordinateKey(item.Key, i);
            if (scores[i] >= p.Threshold)
                item.Emit(Kept, key, row);
            else
                item.Emit(Rejected, key, row, FormattableString.Invariant(
                    $"deep consensus: score {scores[i]:0.000} < {p.Threshold:0.00} ({c.Votes} of {sets.Count} pickers: {string.Join(", ", c.Methods)})"));
        }
    }

    /// <summary>Without a network: the candidates every picker found are kept (score 1), the others rejected with why.</summary>
    private static void Vote(ItemContext<CorrectedMicrographRow> item, ConsensusResult consensus, PickerSets sets, int minPositives)
    {
        for (int i = 0; i < consensus.All.Count; i++)
        {
            var c = consensus.All[i];
            bool all = c.Votes == sets.Count;
            var row = PickerSets.Row(item.Key, c, all ? 1 : 0);
            string key = PickingSets.CoordinateKey(item.Key, i);
            if (all)
                item.Emit(Kept, key, row);
            else
                item.Emit(Rejected, key, row, FormattableString.Invariant(
                    $"deep consensus: network not trained (fewer than {minPositives} agreed picks), and only {c.Votes} of {sets.Count} pickers found it ({string.Join(", ", c.Methods)})"));
        }
    }
}
