using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Core.Learning;
using Concord.Picking.Consensus;
using Concord.Picking.Methods.Log;

namespace Concord.Picking.Methods.Learned;

/// <summary>Settings of the learned picker.</summary>
public sealed record LearnedPickerOptions
{
    /// <summary>Particle diameter in Å.</summary>
    public required double DiameterA { get; init; }

    /// <summary>Candidates are blob-filter peaks above median + k·σ̂; permissive so the classifier, not the filter, decides.</summary>
    public double CandidateThresholdSigmas { get; init; } = 1;

    /// <summary>Minimum classifier probability of a pick.</summary>
    public double ScoreThreshold { get; init; } = 0.5;

    /// <summary>Final non-maximum suppression distance as a fraction of the diameter.</summary>
    public double MinDistanceFraction { get; init; } = 0.8;

    /// <summary>Random background positions per positive (each at least one diameter from every positive).</summary>
    public double RandomNegativesPerPositive { get; init; } = 1;

    /// <summary>Also use blob-filter candidates at least one radius from every positive as (hard) negatives.</summary>
    public bool CandidateNegatives { get; init; } = true;

    /// <summary>Ridge penalty of the logistic regression.</summary>
    public double L2 { get; init; } = 1;

    public bool DarkParticles { get; init; } = true;

    public int MaxDegreeOfParallelism { get; init; } = -1;

    public void Validate()
    {
        if (!(DiameterA > 0) || !double.IsFinite(DiameterA))
            throw new InvalidParameterException("diameter", $"must be a positive number of Å, got {DiameterA}.");
        if (!double.IsFinite(CandidateThresholdSigmas))
            throw new InvalidParameterException("candidate-threshold", $"must be finite, got {CandidateThresholdSigmas}.");
        if (!(ScoreThreshold >= 0 && ScoreThreshold <= 1))
            throw new InvalidParameterException("threshold", $"must be a probability 0–1, got {ScoreThreshold}.");
        if (!(MinDistanceFraction >= 0 && MinDistanceFraction <= 4))
            throw new InvalidParameterException("min-distance", $"must be 0–4 diameters, got {MinDistanceFraction}.");
        if (!(RandomNegativesPerPositive >= 0 && RandomNegativesPerPositive <= 100))
            throw new InvalidParameterException("negatives", $"must be 0–100 per positive, got {RandomNegativesPerPositive}.");
        if (!(L2 > 0))
            throw new InvalidParameterException("l2", $"must be positive, got {L2}.");
    }
}

/// <summary>A training micrograph and the particle centres (micrograph pixels) a user picked on it.</summary>
/// <remarks>
/// Without <see cref="Negatives"/> every position away from <see cref="Particles"/> is background (a user picked every
/// particle). With <see cref="Negatives"/> (self-training from other pickers, <see cref="LearnedPicker.FromConsensus"/>)
/// the labels are partial: the given negatives replace the blob-filter candidate negatives, and random background is
/// drawn at least one diameter from every position in <see cref="Particles"/>, <see cref="Negatives"/> and
/// <see cref="Unlabelled"/>, so an unconfirmed particle is never taught as background.
/// </remarks>
public sealed record LearnedTrainingMicrograph(Image2D Micrograph, IReadOnlyList<(double X, double Y)> Particles)
{
    /// <summary>Explicit non-particle centres (micrograph pixels), e.g. picks a single picker made; null: a fully labelled micrograph.</summary>
    public IReadOnlyList<(double X, double Y)>? Negatives { get; init; }

    /// <summary>Candidates that are neither label (found by some pickers but not enough); random negatives keep away from them.</summary>
    public IReadOnlyList<(double X, double Y)> Unlabelled { get; init; } = [];
}

/// <summary>A trained learned picker: the classifier and the options it was trained with.</summary>
public sealed record LearnedPickerModel(LogisticModel Classifier, LearnedPickerOptions Options, int Positives, int Negatives)
{
    /// <summary>File name the pick verb writes the model under, in the picks folder.</summary>
    public const string DefaultFileName = "learned_picker.model";

    /// <summary>Writes the model as text (see <see cref="LearnedPickerModelFile"/>).</summary>
    public void Save(string path) => LearnedPickerModelFile.Write(path, this);

    /// <summary>Reads a model written by <see cref="Save(string)"/>; <paramref name="maxDegreeOfParallelism"/> is a run setting, not stored.</summary>
    public static LearnedPickerModel Load(string path, int maxDegreeOfParallelism = -1) => LearnedPickerModelFile.Read(path, maxDegreeOfParallelism);
}

/// <summary>
/// Learned picker after Xmipp's automatic picker (Abrishami et al. 2013): from a few hundred user-picked centres it
/// learns a classifier on rotation-invariant patch features (<see cref="PatchFeatures"/>); negatives are random
/// positions away from every particle plus blob-filter candidates that are not particles (junk, ice, noise peaks),
/// which teach it what the blob filter confuses with particles. Picking scores permissive blob-filter candidates
/// with the classifier, then suppresses neighbours and thresholds the probability.
/// </summary>
public sealed class LearnedPicker
{
    private readonly IFftBackend _fft;

    public LearnedPicker(IFftBackend fft) => _fft = fft ?? throw new ArgumentNullException(nameof(fft));

    /// <summary>Trains on <paramref name="micrographs"/>; deterministic for a given <paramref name="seed"/>.</summary>
    public LearnedPickerModel Train(IReadOnlyList<LearnedTrainingMicrograph> micrographs, LearnedPickerOptions options, int seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(micrographs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var rows = new List<double[]>();
        var labels = new List<bool>();
        for (int m = 0; m < micrographs.Count; m++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rng = new SplitMix64(SplitMix64.Derive((ulong)seed, (ulong)m));
            using var work = WorkingMicrograph.Create(micrographs[m].Micrograph, options.DiameterA, _fft);
            var features = new PatchFeatures(work, options.DarkParticles, _fft);
            var positives = micrographs[m].Particles.Select(p => work.ToWorking(p.X, p.Y)).ToList();
            var negatives = Negatives(work, micrographs[m], positives, options, ref rng);
            rows.AddRange(features.Compute(positives, options.MaxDegreeOfParallelism));
            rows.AddRange(features.Compute(negatives, options.MaxDegreeOfParallelism));
            labels.AddRange(positives.Select(_ => true));
            labels.AddRange(negatives.Select(_ => false));
        }
        var model = LogisticModel.Fit([.. rows], labels, options.L2);
        int count = labels.Count(l => l);
        return new LearnedPickerModel(model, options, count, labels.Count - count);
    }

    /// <summary>
    /// Training data from the other pickers' consensus on one micrograph, as Xmipp's automatic picker is trained inside
    /// a Scipion consensus workflow (Abrishami et al. 2013; Sorzano et al. 2020): positives are coordinates every picker
    /// found (almost all particles), negatives those a single picker found (mostly junk, ice and noise peaks), and the
    /// rest are left unlabelled. Random background negatives are added by <see cref="Train"/>.
    /// </summary>
    public static LearnedTrainingMicrograph FromConsensus(Image2D micrograph, ConsensusResult consensus)
    {
        ArgumentNullException.ThrowIfNull(micrograph);
        ArgumentNullException.ThrowIfNull(consensus);
        if (consensus.Methods < 2)
            throw new InvalidParameterException("pickers", $"self-training needs at least two pickers to agree, got {consensus.Methods}.");
        return new LearnedTrainingMicrograph(micrograph, consensus.All.Where(c => c.Votes == consensus.Methods).Select(c => (c.XPx, c.YPx)).ToList())
        {
            Negatives = consensus.All.Where(c => c.Votes == 1).Select(c => (c.XPx, c.YPx)).ToList(),
            Unlabelled = consensus.All.Where(c => c.Votes > 1 && c.Votes < consensus.Methods).Select(c => (c.XPx, c.YPx)).ToList(),
        };
    }

    /// <summary>Picks on <paramref name="micrograph"/>: micrograph pixels, scores are particle probabilities (0…1), best first.</summary>
    public IReadOnlyList<Pick> Pick(Image2D micrograph, LearnedPickerModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var options = model.Options;
        using var work = WorkingMicrograph.Create(micrograph, options.DiameterA, _fft);
        cancellationToken.ThrowIfCancellationRequested();
        var candidates = Candidates(work, options);
        var rows = new PatchFeatures(work, options.DarkParticles, _fft).Compute(candidates, options.MaxDegreeOfParallelism);
        var scored = candidates.Select((c, i) => new Pick(c.X, c.Y, model.Classifier.Probability(rows[i])))
            .Where(p => p.Score >= options.ScoreThreshold)
            .OrderByDescending(p => p.Score).ThenBy(p => p.YPx).ThenBy(p => p.XPx);
        var grid = new SpatialGrid(Math.Max(1, options.MinDistanceFraction * 2 * work.RadiusPx));
        double min = options.MinDistanceFraction * 2 * work.RadiusPx;
        var picks = new List<Pick>();
        foreach (var p in scored)
        {
            if (grid.AnyWithin(p.XPx, p.YPx, min * min))
                continue;
            grid.Add(p.XPx, p.YPx);
            var (x, y) = work.ToMicrograph(p.XPx, p.YPx);
            picks.Add(new Pick(x, y, p.Score));
        }
        return picks;
    }

    /// <summary>Permissive blob-filter peaks (working pixels), suppressed at half a diameter so close particles both survive.</summary>
    private List<(double X, double Y)> Candidates(WorkingMicrograph work, LearnedPickerOptions options)
    {
        var response = LogPicker.Response(work.Image, work.RadiusPx, BlobFilter.LaplacianOfGaussian, options.DarkParticles, _fft);
        var interior = LogPicker.Interior(response, work.Width, work.Height, (int)Math.Ceiling(work.RadiusPx));
        var (median, sigma) = PeakFinder.RobustLocationScale(interior);
        var peaks = PeakFinder.Find(response, work.Width, work.Height,
            new PeakOptions(work.RadiusPx, work.RadiusPx, (float)(median + options.CandidateThresholdSigmas * Math.Max(sigma, 1e-12))));
        return peaks.Select(p => (p.XPx, p.YPx)).ToList();
    }

    private List<(double X, double Y)> Negatives(WorkingMicrograph work, LearnedTrainingMicrograph micrograph, List<(double X, double Y)> positives,
        LearnedPickerOptions options, ref SplitMix64 rng)
    {
        double diameter = 2 * work.RadiusPx;
        var near = new SpatialGrid(diameter);
        foreach (var (x, y) in positives)
            near.Add(x, y);
        var negatives = new List<(double X, double Y)>();
        if (micrograph.Negatives is { } given)
        {
            negatives.AddRange(given.Select(p => work.ToWorking(p.X, p.Y)).Where(c => !near.AnyWithin(c.X, c.Y, work.RadiusPx * work.RadiusPx)));
            foreach (var (x, y) in given.Concat(micrograph.Unlabelled))
            {
                var (wx, wy) = work.ToWorking(x, y);
                near.Add(wx, wy);
            }
        }
        else if (options.CandidateNegatives)
            negatives.AddRange(Candidates(work, options).Where(c => !near.AnyWithin(c.X, c.Y, work.RadiusPx * work.RadiusPx)));
        int wanted = (int)Math.Round(options.RandomNegativesPerPositive * positives.Count);
        double border = work.RadiusPx;
        for (int attempt = 0, added = 0; added < wanted && attempt < 50 * wanted; attempt++)
        {
            double x = border + rng.NextDouble() * (work.Width - 2 * border), y = border + rng.NextDouble() * (work.Height - 2 * border);
            if (near.AnyWithin(x, y, diameter * diameter))
                continue;
            negatives.Add((x, y));
            added++;
        }
        return negatives;
    }
}
