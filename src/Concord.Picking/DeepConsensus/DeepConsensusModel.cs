using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Core.Learning;

namespace Concord.Picking.DeepConsensus;

/// <summary>A candidate the classifier kept, with its score.</summary>
public sealed record ScoredPick(Pick Pick, double Score);

/// <summary>A candidate the classifier rejected, with its score and the reason a user reads.</summary>
public sealed record RejectedPick(Pick Pick, double Score, string Reason);

/// <summary>Summary of one <see cref="DeepConsensusModel.Apply"/>: the training figures (null for a loaded model) and the counts.</summary>
public sealed record DeepConsensusReport(DeepConsensusTrainingReport? Training, double Threshold, int Candidates, int Kept, int Rejected);

/// <summary>Candidates split by the threshold, in input order within each list.</summary>
public sealed record DeepConsensusResult(IReadOnlyList<ScoredPick> Kept, IReadOnlyList<RejectedPick> Rejected, DeepConsensusReport Report);

/// <summary>
/// A trained deep-consensus classifier with what it needs to cut patches (particle diameter, box and patch size):
/// <see cref="Score"/> gives every candidate a probability of being a particle, <see cref="Apply"/> keeps those at or
/// above the threshold. <see cref="Save(string)"/> writes it next to the picks (<see cref="DefaultFileName"/>).
/// </summary>
public sealed class DeepConsensusModel
{
    /// <summary>File name the pick verb writes the model under, in the picks folder.</summary>
    public const string DefaultFileName = "deep_consensus.model";

    private const uint Magic = 0x43444343; // "CCDC" little-endian: Concord deep consensus
    private const int FormatVersion = 1;

    internal DeepConsensusModel(DeepConsensusClassifier classifier, double diameterA, DeepConsensusOptions options, DeepConsensusTrainingReport? training)
    {
        Classifier = classifier;
        DiameterA = diameterA;
        Options = options;
        Training = training;
    }

    public DeepConsensusClassifier Classifier { get; }

    /// <summary>Particle diameter the patches are boxed for, in Å.</summary>
    public double DiameterA { get; }

    public DeepConsensusOptions Options { get; }

    /// <summary>Training figures; null for a model read from a file.</summary>
    public DeepConsensusTrainingReport? Training { get; }

    /// <summary>Probability in [0, 1] that each candidate of <paramref name="micrograph"/> is a particle, in input order.</summary>
    public double[] Score(Image2D micrograph, IReadOnlyList<Pick> candidates, IFftBackend fft)
    {
        ArgumentNullException.ThrowIfNull(micrograph);
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0)
            return [];
        int box = DeepConsensusPatches.BoxSizePx(DiameterA, micrograph.PixelSizeA, Options.BoxDiameters);
        var patches = DeepConsensusPatches.Extract(micrograph, candidates.Select(c => (c.XPx, c.YPx)).ToList(), box, Options.PatchSize, fft, Options.MaxDegreeOfParallelism);
        return Classifier.Score(patches);
    }

    /// <summary>Scores the candidates and splits them at <paramref name="threshold"/> (default: the options' threshold, 0.95).</summary>
    public DeepConsensusResult Apply(Image2D micrograph, IReadOnlyList<Pick> candidates, IFftBackend fft, double? threshold = null)
    {
        double t = threshold ?? Options.Threshold;
        if (!(t >= 0 && t <= 1))
            throw new InvalidParameterException("threshold", $"must be in [0, 1], got {t}.");
        var scores = Score(micrograph, candidates, fft);
        var kept = new List<ScoredPick>();
        var rejected = new List<RejectedPick>();
        for (int i = 0; i < scores.Length; i++)
        {
            if (scores[i] >= t)
                kept.Add(new ScoredPick(candidates[i], scores[i]));
            else
                rejected.Add(new RejectedPick(candidates[i], scores[i], FormattableString.Invariant($"deep-consensus score {scores[i]:0.00} < {t:0.00}")));
        }
        return new DeepConsensusResult(kept, rejected, new DeepConsensusReport(Training, t, scores.Length, kept.Count, rejected.Count));
    }

    /// <summary>Writes the model (header with diameter, box and patch settings, then the network) to <paramref name="path"/>.</summary>
    public void Save(string path)
    {
        using var stream = File.Create(path);
        Save(stream);
    }

    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(DiameterA);
            writer.Write(Options.PatchSize);
            writer.Write(Options.BoxDiameters);
            writer.Write(Options.Threshold);
        }
        Classifier.Save(stream);
    }

    /// <summary>Reads a model written by <see cref="Save(string)"/>; <paramref name="options"/> supplies run settings (threads, threshold; default: the saved threshold), the file the geometry.</summary>
    public static DeepConsensusModel Load(string path, IFftBackend fft, DeepConsensusOptions? options = null)
    {
        using var stream = File.OpenRead(path);
        return Load(stream, fft, options);
    }

    public static DeepConsensusModel Load(Stream stream, IFftBackend fft, DeepConsensusOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        DeepConsensusOptions fromFile;
        double diameterA;
        using (var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            try
            {
                if (reader.ReadUInt32() != Magic)
                    throw new ModelFormatException("not a Concord deep-consensus model (bad magic number).");
                int version = reader.ReadInt32();
                if (version != FormatVersion)
                    throw new ModelFormatException($"deep-consensus model format version {version} is not supported (expected {FormatVersion}).");
                diameterA = reader.ReadDouble();
                int patchSize = reader.ReadInt32();
                double boxDiameters = reader.ReadDouble(), threshold = reader.ReadDouble();
                fromFile = (options ?? new DeepConsensusOptions { Threshold = threshold }) with { PatchSize = patchSize, BoxDiameters = boxDiameters };
            }
            catch (EndOfStreamException e)
            {
                throw new ModelFormatException("deep-consensus model file is truncated.", e);
            }
        }
        var classifier = new DeepConsensusClassifier(fromFile, fft);
        classifier.Load(stream);
        return new DeepConsensusModel(classifier, diameterA, fromFile, null);
    }
}
