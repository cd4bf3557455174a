using Concord.Core.Imaging;

namespace Concord.Picking;

/// <summary>
/// The seam for a learned second opinion on candidate picks (deep consensus, Sanchez-Garcia et al. 2018): trained on
/// particle patches labelled true (picked by every picker) or false (random background, or picked by one picker
/// only), it then scores candidates. Patches are extracted, normalised boxes (see Extraction); scores are the
/// probability of being a particle (0…1). Implemented by the classifier in Concord.Core.Learning, wired by the CLI.
/// </summary>
public interface IPickClassifier
{
    /// <summary>Learns from <paramref name="patches"/> with one label per image (true: particle).</summary>
    void Train(ImageStack patches, IReadOnlyList<bool> labels, int seed, CancellationToken cancellationToken = default);

    /// <summary>Probability that each patch is a particle, in stack order.</summary>
    IReadOnlyList<double> Score(ImageStack patches, CancellationToken cancellationToken = default);
}
