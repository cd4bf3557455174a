using Concord.Core;
using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Picking.Cleaning;
using Concord.Picking.Consensus;
using Concord.Picking.DeepConsensus;
using Concord.Picking.Methods.Learned;
using Concord.Picking.Methods.Log;
using Concord.Picking.Methods.Template;

namespace Concord.Picking.Chain;

/// <summary>One micrograph for the chain: the image and, for the template picker, its CTF (null: templates used as given).</summary>
public sealed record ChainMicrograph(string Name, Image2D Image, CtfParameters? Ctf = null);

/// <summary>What the single pickers and the cleaner found on one micrograph, before the learned picker and the votes.</summary>
/// <param name="Picks">Picks per picker name ("log", "template"), micrograph pixels.</param>
/// <param name="Mask">The cleaner's bad-region mask (null when cleaning is off).</param>
public sealed record SinglePicks(IReadOnlyDictionary<string, IReadOnlyList<Pick>> Picks, CleaningResult? Mask);

/// <summary>The chain's outcome on one micrograph.</summary>
/// <param name="Picks">Every picker's picks (micrograph pixels), including the learned picker's.</param>
/// <param name="Mask">The cleaner's mask, or null.</param>
/// <param name="Consensus">The vote over every picker (<see cref="ConsensusResult.All"/> is the candidate list).</param>
/// <param name="DeepScores">Deep-consensus probability of each <see cref="ConsensusResult.All"/> entry, or null without deep consensus.</param>
/// <param name="Kept">Indices into <see cref="ConsensusResult.All"/> that pass the votes, the deep score and the cleaner.</param>
public sealed record ChainMicrographResult(string Name, IReadOnlyDictionary<string, IReadOnlyList<Pick>> Picks, CleaningResult? Mask,
    ConsensusResult Consensus, double[]? DeepScores, IReadOnlyList<int> Kept)
{
    /// <summary>The kept coordinates as picks (score: deep score, else the number of votes).</summary>
    public IReadOnlyList<Pick> KeptPicks => Kept.Select(i => new Pick(Consensus.All[i].XPx, Consensus.All[i].YPx, DeepScores?[i] ?? Consensus.All[i].Votes)).ToList();
}

/// <summary>The chain's outcome: per micrograph, and the models it trained (null when not trained here).</summary>
public sealed record PickingChainResult(IReadOnlyList<ChainMicrographResult> Micrographs, LearnedPickerModel? LearnedModel, DeepConsensusModel? DeepModel);

/// <summary>
/// The picking workflow of the chapter (Sorzano et al., "Image processing in cryo-EM", picking; Scipion's picking
/// consensus): several pickers of different principle (blob filter, template matching, a classifier trained on this
/// data set), a vote that keeps coordinates found by at least k of them, deep consensus (a CNN trained on the
/// coordinates every picker found versus those a single one found) and the micrograph cleaner. The learned picker is
/// self-trained: positives are where LoG and template agree, negatives where only one of them picked plus random
/// background (<see cref="LearnedPicker.FromConsensus"/>), so it needs no manual picks; a saved model can be given instead.
/// The cleaner runs last, as a filter on the kept coordinates, so the stages can be scored one by one.
/// </summary>
public static class PickingChain
{
    public const string Log = "log";
    public const string Template = "template";
    public const string Learned = "learned";

    /// <summary>Runs every stage on <paramref name="micrographs"/>.</summary>
    public static PickingChainResult Run(IReadOnlyList<ChainMicrograph> micrographs, PickingChainOptions options, IFftBackend fft,
        IProgress<WorkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(micrographs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var singles = new SinglePicks[micrographs.Count];
        int done = 0;
        Parallel.For(0, micrographs.Count, new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken }, i =>
        {
            singles[i] = PickSingle(micrographs[i], options, fft);
            progress?.Report(new WorkProgress(Interlocked.Increment(ref done), micrographs.Count, micrographs[i].Name));
        });
        return Combine(micrographs, singles, options, fft, cancellationToken);
    }

    /// <summary>Stage 1 on one micrograph: LoG, template matching (when templates are given) and the cleaner's mask; single-threaded.</summary>
    public static SinglePicks PickSingle(ChainMicrograph micrograph, PickingChainOptions options, IFftBackend fft)
    {
        ArgumentNullException.ThrowIfNull(micrograph);
        ArgumentNullException.ThrowIfNull(options);
        using var work = WorkingMicrograph.Create(micrograph.Image, options.DiameterA, fft);
        var picks = new Dictionary<string, IReadOnlyList<Pick>>(StringComparer.Ordinal);
        if (options.UseLog)
            picks[Log] = new LogPicker(fft).Pick(work, options.LogOptions());
        if (options.Templates is { Count: > 0 } templates)
            picks[Template] = new TemplatePicker(fft).Pick(work, templates, options.TemplateOptions(micrograph.Ctf));
        var mask = options.Clean ? new MicrographCleaner(fft).Clean(micrograph.Image, new CleanerOptions { DiameterA = options.DiameterA }) : null;
        return new SinglePicks(picks, mask);
    }

    /// <summary>Stages 2–5: the learned picker (trained from LoG and template agreement, or the given model), the vote, deep consensus and the cleaner.</summary>
    public static PickingChainResult Combine(IReadOnlyList<ChainMicrograph> micrographs, IReadOnlyList<SinglePicks> singles, PickingChainOptions options,
        IFftBackend fft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(micrographs);
        ArgumentNullException.ThrowIfNull(singles);
        ArgumentNullException.ThrowIfNull(options);
        if (singles.Count != micrographs.Count)
            throw new ShapeMismatchException($"{micrographs.Count} micrographs but {singles.Count} sets of picks.");
        var picks = singles.Select(s => new Dictionary<string, IReadOnlyList<Pick>>(s.Picks, StringComparer.Ordinal)).ToList();
        LearnedPickerModel? trained = null;
        if (options.UseLearned)
        {
            var model = options.LearnedModel ?? (trained = TrainLearned(micrographs, picks, singles, options, fft, cancellationToken));
            var picker = new LearnedPicker(fft);
            var learned = new IReadOnlyList<Pick>[micrographs.Count];
            Parallel.For(0, micrographs.Count, new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken },
                i => learned[i] = picker.Pick(micrographs[i].Image, model, cancellationToken));
            for (int i = 0; i < micrographs.Count; i++)
                picks[i][Learned] = learned[i];
        }
        double radiusPx(int i) => options.MatchRadiusFraction * options.DiameterA / micrographs[i].Image.PixelSizeA;
        var consensus = picks.Select((p, i) => CoordinateConsensus.Run(p.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new PickSet(kv.Key, kv.Value)).ToList(),
            radiusPx(i), Math.Min(options.Votes, p.Count))).ToList();
        DeepConsensusModel? deep = null;
        double[]?[] scores = new double[]?[micrographs.Count];
        if (options.Deep)
        {
            if (picks.Count > 0 && picks[0].Count < 2)
                throw new InvalidParameterException("deep-consensus", "needs at least two pickers.");
            deep = DeepConsensusTraining.Train(micrographs.Select((m, i) => new DeepConsensusMicrograph(m.Image, OutsideMask(consensus[i], singles[i].Mask))).ToList(),
                options.DiameterA, options.DeepOptions, fft, cancellationToken);
            for (int i = 0; i < micrographs.Count; i++)
                scores[i] = deep.Score(micrographs[i].Image, consensus[i].All.Select(c => new Pick(c.XPx, c.YPx, c.Votes)).ToList(), fft);
        }
        var results = micrographs.Select((m, i) => new ChainMicrographResult(m.Name, picks[i], singles[i].Mask, consensus[i], scores[i],
            Keep(consensus[i], scores[i], singles[i].Mask, options))).ToList();
        return new PickingChainResult(results, trained, deep);
    }

    /// <summary>
    /// Self-training of the learned picker over all micrographs from the LoG/template consensus. Picks inside the
    /// cleaner's mask are left out of training, so contamination both pickers liked is not taught as a particle.
    /// </summary>
    private static LearnedPickerModel TrainLearned(IReadOnlyList<ChainMicrograph> micrographs, List<Dictionary<string, IReadOnlyList<Pick>>> picks,
        IReadOnlyList<SinglePicks> singles, PickingChainOptions options, IFftBackend fft, CancellationToken cancellationToken)
    {
        var training = new List<LearnedTrainingMicrograph>();
        for (int i = 0; i < micrographs.Count; i++)
        {
            if (picks[i].Count < 2)
                throw new InvalidParameterException("learned", "self-training the learned picker needs LoG and template picks (give templates) or a saved model.");
            double radiusPx = options.MatchRadiusFraction * options.DiameterA / micrographs[i].Image.PixelSizeA;
            var sets = picks[i].OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new PickSet(kv.Key, singles[i].Mask?.Keep(kv.Value) ?? kv.Value)).ToList();
            training.Add(LearnedPicker.FromConsensus(micrographs[i].Image, CoordinateConsensus.Run(sets, radiusPx, 1)));
        }
        int positives = training.Sum(t => t.Particles.Count), negatives = training.Sum(t => t.Negatives!.Count);
        if (positives == 0 || positives + negatives == 0)
            throw new InvalidParameterException("learned", $"LoG and template agree on {positives} coordinates; too few to train the learned picker.");
        return new LearnedPicker(fft).Train(training, options.LearnedOptions(), options.Seed, cancellationToken);
    }

    /// <summary>
    /// The consensus without coordinates on contamination, for training: particles on carbon agreed by every picker
    /// would otherwise teach deep consensus that carbon-backed patches are particles (on the preset's carbon-covered
    /// micrograph that cost a fifth of the recall).
    /// </summary>
    private static ConsensusResult OutsideMask(ConsensusResult consensus, CleaningResult? mask)
    {
        if (mask is null)
            return consensus;
        bool Clean(ConsensusCoordinate c) => !mask.IsBad(c.XPx, c.YPx);
        return consensus with
        {
            All = consensus.All.Where(Clean).ToList(),
            Agreed = consensus.Agreed.Where(Clean).ToList(),
            Rejected = consensus.Rejected.Where(r => Clean(r.Coordinate)).ToList(),
        };
    }

    private static List<int> Keep(ConsensusResult consensus, double[]? scores, CleaningResult? mask, PickingChainOptions options)
    {
        int minVotes = Math.Min(options.Votes, consensus.Methods);
        var kept = new List<int>();
        for (int i = 0; i < consensus.All.Count; i++)
        {
            var c = consensus.All[i];
            if (c.Votes >= minVotes && (scores is null || scores[i] >= options.DeepOptions.Threshold) && mask?.IsBad(c.XPx, c.YPx) != true)
                kept.Add(i);
        }
        return kept;
    }
}
