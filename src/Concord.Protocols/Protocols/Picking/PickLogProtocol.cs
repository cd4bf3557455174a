using Concord.Core.Fourier;
using Concord.Picking.Methods.Log;
using Concord.Protocols.Sets;
using Concord.Workflow.Protocols;

namespace Concord.Protocols.Protocols.Picking;

/// <summary>The particle size every picking protocol needs.</summary>
public abstract record PickingParameters : ProtocolParameters
{
    [Param("Diameter", "Particle diameter: sets the filters, the suppression distance and the truth matching radius (¼ of it).", Unit = "Å", Min = 1, Max = 100_000)]
    public double DiameterA { get; init; } = 100;
}

/// <summary>Parameters of <see cref="PickLogProtocol"/>.</summary>
public sealed record PickLogParameters : PickingParameters
{
    [Param("Threshold", "Picks need a blob response above median + k·σ̂ of the micrograph's response.", Unit = "σ", Min = -10, Max = 100)]
    public double ThresholdSigmas { get; init; } = 3;

    [Param("Filter", "Blob filter: log (Laplacian of Gaussian) or dog (difference of Gaussians).")]
    public string Filter { get; init; } = "log";

    [Param("Min distance", "Non-maximum suppression distance, in particle diameters.", Min = 0, Max = 4)]
    public double MinDistanceFraction { get; init; } = 0.8;

    [Param("Max picks", "At most this many picks per micrograph, best first (0: no limit).", Min = 0, Max = 1_000_000)]
    public int MaxCount { get; init; }

    [Param("Dark particles", "Protein darker than the ice (cryo-EM at defocus); false for bright particles.")]
    public bool DarkParticles { get; init; } = true;

    public override IEnumerable<ParameterError> Validate()
    {
        foreach (var e in base.Validate())
            yield return e;
        if (Filter is not ("log" or "dog"))
            yield return new ParameterError("filter", $"must be log or dog, got '{Filter}'.");
    }

    public LogPickerOptions Options() => new()
    {
        DiameterA = DiameterA,
        Filter = Filter == "dog" ? BlobFilter.DifferenceOfGaussians : BlobFilter.LaplacianOfGaussian,
        ThresholdSigmas = ThresholdSigmas,
        MinDistanceFraction = MinDistanceFraction,
        MaxCount = MaxCount,
        DarkParticles = DarkParticles,
    };
}

/// <summary>
/// Size-only blob picking (<see cref="LogPicker"/>, as RELION's LoG picker): per micrograph (in parallel, each
/// committed on its own) the local maxima of the scale-normalised Laplacian of Gaussian above a robust threshold.
/// Report <c>picking</c>: counts and, for simulated micrographs, precision/recall/F1 against the true centres.
/// </summary>
public sealed class PickLogProtocol : Protocol<PickLogParameters>
{
    public static InputPort<CorrectedMicrographRow> Micrographs { get; } = new("micrographs", EmKinds.CorrectedMicrograph, "micrographs to pick");
    public static OutputPort<CoordinateRow> Coordinates { get; } = new("coordinates", EmKinds.Coordinate, "picked centres (score: σ above the median response)");

    public override string Name => "pick.log";
    public override string Summary => "Pick particles as blobs of the particle size (Laplacian of Gaussian), per micrograph.";
    public override IReadOnlyList<InputPort> Inputs => [Micrographs];
    public override IReadOnlyList<OutputPort> Outputs => [Coordinates];

    protected override IReadOnlyList<Step> Steps(PickLogParameters parameters) =>
    [
        new ItemStep<CorrectedMicrographRow>("pick", Micrographs, item => Pick(parameters, item)),
        PickingReport.Step(Name, Coordinates, null, Micrographs, parameters.DiameterA),
    ];

    private static void Pick(PickLogParameters p, ItemContext<CorrectedMicrographRow> item)
    {
        using var micrograph = PickingSets.ReadMicrograph(item, item.Row);
        using var fft = FftBackends.CreateDeterministic(1);
        var picks = new LogPicker(fft).Pick(micrograph, p.Options());
        PickingSets.EmitPicks(item, Coordinates, item.Key, picks);
    }
}
