using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Core.Learning;
using Concord.Picking.Consensus;

namespace Concord.Picking.DeepConsensus;

/// <summary>One micrograph for deep-consensus training: the image and the coordinate consensus of its pickers.</summary>
public sealed record DeepConsensusMicrograph(Image2D Image, ConsensusResult Consensus);

/// <summary>What training used and measured.</summary>
/// <param name="Positives">Examples trained as particles: found by every picker, plus those promoted by self-training.</param>
/// <param name="Negatives">Examples found by one picker only.</param>
/// <param name="RandomNegatives">Background examples drawn away from every candidate.</param>
/// <param name="ValidationAccuracy">Accuracy on the held-out fraction at the kept epoch (NaN without one).</param>
/// <param name="SelfTrainingRound">The round this network was trained in (0: on the pickers' agreement alone).</param>
/// <param name="Promoted">Candidates the previous round's network scored at or above the threshold, trained as positives in this round.</param>
public sealed record DeepConsensusTrainingReport(int Micrographs, int Positives, int Negatives, int RandomNegatives,
    int Epochs, double ValidationAccuracy, double TrainingSeconds, int SelfTrainingRound = 0, int Promoted = 0);

/// <summary>
/// Deep consensus (Sanchez-Garcia, Segura, Maluenda, Carazo &amp; Sorzano 2018, IUCrJ 5:854; Xmipp deep_consensus):
/// the picks every picker agrees on are almost all particles and the picks a single picker found are mostly not, so a
/// network trained on those two sets learns what this data set's particles look like and can then score every
/// candidate. Positives: consensus coordinates with a vote from every picker. Negatives: coordinates with exactly one
/// vote, plus optionally <see cref="DeepConsensusOptions.RandomNegativesPerMicrograph"/> positions drawn uniformly at
/// least one particle diameter away from every candidate (background, carbon and ice that no picker chose; the paper's
/// "random" negative set). Coordinates found by some but not all pickers are left out of training: they are the
/// ambiguous cases the classifier is meant to decide.
/// </summary>
public static class DeepConsensusTraining
{
    /// <summary>Trains a classifier for particles of <paramref name="diameterA"/> Å on <paramref name="micrographs"/>.</summary>
    /// <exception cref="InvalidParameterException">Fewer than two pickers, or too few positives or negatives.</exception>
    public static DeepConsensusModel Train(IReadOnlyList<DeepConsensusMicrograph> micrographs, double diameterA, DeepConsensusOptions options,
        IFftBackend fft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(micrographs);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fft);
        options.Validate();
        if (micrographs.Count == 0)
            throw new InvalidParameterException("micrographs", "deep consensus needs at least one micrograph to train on.");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var all = Collect(micrographs, diameterA, options);
        HashSet<int> promoted = [];
        DeepConsensusModel? model = null;
        for (int round = 0; round <= options.SelfTrainingRounds; round++)
        {
            if (round > 0)
                promoted = Confident(micrographs, all, model!, fft);
            var examples = Subsample(all.Select((e, i) => promoted.Contains(i) ? e with { Label = true, Unlabelled = false } : e).Where(e => !e.Unlabelled).ToList(), options);
            var tensor = Patches(micrographs, examples, diameterA, options, fft, cancellationToken);
            var classifier = new DeepConsensusClassifier(options, fft);
            classifier.Train(tensor, examples.Select(e => e.Label).ToList(), unchecked((int)options.Seed), cancellationToken);
            int usedPositives = examples.Count(e => e.Label), usedRandom = examples.Count(e => e.Random);
            var report = new DeepConsensusTrainingReport(micrographs.Count, usedPositives, examples.Count - usedPositives - usedRandom,
                usedRandom, classifier.History!.Epochs.Count, classifier.ValidationAccuracy, clock.Elapsed.TotalSeconds, round, promoted.Count);
            model = new DeepConsensusModel(classifier, diameterA, options, report);
        }
        return model!;
    }

    /// <summary>
    /// Self-training: the indices of the candidate examples that are neither positive nor random background — the
    /// coordinates some but not all pickers found, and with single-picker negatives on those too — that
    /// <paramref name="model"/> scores at or above the threshold. They become positives for the next round.
    /// </summary>
    private static HashSet<int> Confident(IReadOnlyList<DeepConsensusMicrograph> micrographs, List<Example> all, DeepConsensusModel model, IFftBackend fft)
    {
        var confident = new HashSet<int>();
        foreach (var group in Enumerable.Range(0, all.Count).Where(i => !all[i].Label && !all[i].Random).GroupBy(i => all[i].Micrograph))
        {
            var open = group.ToList();
            var scores = model.Score(micrographs[group.Key].Image, open.Select(i => new Pick(all[i].X, all[i].Y, 0)).ToList(), fft);
            for (int k = 0; k < open.Count; k++)
                if (scores[k] >= model.Options.Threshold)
                    confident.Add(open[k]);
        }
        return confident;
    }

    /// <param name="Unlabelled">A candidate some but not all pickers found (or a single pick when those are not negatives):
    /// not trained on unless self-training promotes it to a positive.</param>
    internal readonly record struct Example(int Micrograph, double X, double Y, bool Label, bool Random, bool Unlabelled = false);

    /// <summary>Every candidate example of every micrograph, in micrograph then consensus order (deterministic).</summary>
    internal static List<Example> Collect(IReadOnlyList<DeepConsensusMicrograph> micrographs, double diameterA, DeepConsensusOptions options)
    {
        var examples = new List<Example>();
        for (int m = 0; m < micrographs.Count; m++)
        {
            var (image, consensus) = micrographs[m];
            ArgumentNullException.ThrowIfNull(image);
            ArgumentNullException.ThrowIfNull(consensus);
            if (consensus.Methods < 2)
                throw new InvalidParameterException("pickers", $"deep consensus needs at least two pickers to tell agreed from single picks; micrograph {m} has {consensus.Methods}.");
            foreach (var c in consensus.All)
            {
                if (c.Votes == consensus.Methods)
                    examples.Add(new Example(m, c.XPx, c.YPx, true, false));
                else if (c.Votes == 1 && options.SingleVoteNegatives)
                    examples.Add(new Example(m, c.XPx, c.YPx, false, false));
                else if (options.SelfTrainingRounds > 0)
                    examples.Add(new Example(m, c.XPx, c.YPx, false, false, Unlabelled: true));
            }
            double diameterPx = diameterA / image.PixelSizeA;
            foreach (var (x, y) in RandomBackground(image, consensus.All, diameterPx, options.RandomNegativesPerMicrograph, SplitMix64.Derive(options.Seed, (ulong)m)))
                examples.Add(new Example(m, x, y, false, true));
        }
        return examples;
    }

    /// <summary>
    /// Up to <paramref name="count"/> uniform positions at least <paramref name="diameterPx"/> from every candidate and
    /// half a diameter inside the edges; gives up after 50 tries per position so a crowded micrograph yields fewer.
    /// </summary>
    internal static List<(double X, double Y)> RandomBackground(Image2D image, IReadOnlyList<ConsensusCoordinate> candidates, double diameterPx, int count, ulong seed)
    {
        var result = new List<(double, double)>();
        var rng = new SplitMix64(seed);
        double margin = diameterPx / 2, d2 = diameterPx * diameterPx;
        double spanX = image.Width - 2 * margin, spanY = image.Height - 2 * margin;
        if (count == 0 || spanX <= 0 || spanY <= 0)
            return result;
        for (int tries = 0; result.Count < count && tries < 50 * count; tries++)
        {
            double x = margin + rng.NextDouble() * spanX, y = margin + rng.NextDouble() * spanY;
            bool clear = candidates.All(c => (c.XPx - x) * (c.XPx - x) + (c.YPx - y) * (c.YPx - y) >= d2)
                && result.All(p => (p.Item1 - x) * (p.Item1 - x) + (p.Item2 - y) * (p.Item2 - y) >= d2);
            if (clear)
                result.Add((x, y));
        }
        return result;
    }

    /// <summary>Caps the examples at MaxTrainingExamples: each class to half, the other class filling any slack; seeded.</summary>
    internal static List<Example> Subsample(List<Example> examples, DeepConsensusOptions options)
    {
        int max = options.MaxTrainingExamples;
        if (examples.Count <= max)
            return examples;
        var positives = Shuffled(examples.Where(e => e.Label).ToList(), SplitMix64.Derive(options.Seed, 0x5EED_0001));
        var negatives = Shuffled(examples.Where(e => !e.Label).ToList(), SplitMix64.Derive(options.Seed, 0x5EED_0002));
        int keepPositives = Math.Min(positives.Count, Math.Max(max / 2, max - negatives.Count));
        int keepNegatives = Math.Min(negatives.Count, max - keepPositives);
        return [.. positives.Take(keepPositives), .. negatives.Take(keepNegatives)];
    }

    private static List<Example> Shuffled(List<Example> list, ulong seed)
    {
        var rng = new SplitMix64(seed);
        for (int i = list.Count - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
        return list;
    }

    private static Tensor4 Patches(IReadOnlyList<DeepConsensusMicrograph> micrographs, List<Example> examples, double diameterA,
        DeepConsensusOptions options, IFftBackend fft, CancellationToken cancellationToken)
    {
        var tensor = new Tensor4(examples.Count, 1, options.PatchSize, options.PatchSize);
        foreach (var group in examples.Select((e, i) => (e, i)).GroupBy(t => t.e.Micrograph))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var image = micrographs[group.Key].Image;
            int box = DeepConsensusPatches.BoxSizePx(diameterA, image.PixelSizeA, options.BoxDiameters);
            var items = group.ToList();
            var patches = DeepConsensusPatches.Extract(image, items.Select(t => (t.e.X, t.e.Y)).ToList(), box, options.PatchSize, fft, options.MaxDegreeOfParallelism);
            for (int k = 0; k < items.Count; k++)
                patches.Sample(k).CopyTo(tensor.Sample(items[k].i));
        }
        return tensor;
    }
}
