using Concord.Core.Fourier;
using Concord.Ctf;
using Concord.IO.Mrc;
using Concord.Protocols.Sets;
using Concord.Workflow.Protocols;

namespace Concord.Protocols.Protocols.Ctf;

/// <summary>Parameters of <see cref="CtfEstimateProtocol"/>; microscope values of 0 are taken from each micrograph row.</summary>
public sealed record CtfEstimateParameters : ProtocolParameters
{
    [Param("Method", "CTF estimator: periodogram (after CTFFIND4) or parametric.")]
    public string Method { get; init; } = "periodogram";

    [Param("Voltage", "Accelerating voltage (0: from the micrograph rows).", Unit = "kV", Min = 0, Max = 5000)]
    public double VoltageKv { get; init; }

    [Param("Cs", "Spherical aberration (0: from the micrograph rows).", Unit = "mm", Min = 0, Max = 100)]
    public double SphericalAberrationMm { get; init; }

    [Param("Amplitude contrast", "Amplitude contrast fraction (0: from the micrograph rows).", Min = 0, Max = 1)]
    public double AmplitudeContrast { get; init; }

    [Param("Tile size", "Side of the tiles averaged into the spectrum.", Unit = "px", Min = 64, Max = 4096)]
    public int TileSizePx { get; init; } = 512;

    [Param("Fit low", "Lowest resolution of the fit.", Unit = "Å", Min = 1, Max = 1000)]
    public double MinResolutionA { get; init; } = 30;

    [Param("Fit high", "Highest resolution of the fit.", Unit = "Å", Min = 1, Max = 1000)]
    public double MaxResolutionA { get; init; } = 5;

    [Param("Defocus min", "Smallest defocus searched.", Unit = "Å", Min = 0, Max = 1e6)]
    public double MinDefocusA { get; init; } = 3000;

    [Param("Defocus max", "Largest defocus searched.", Unit = "Å", Min = 0, Max = 1e6)]
    public double MaxDefocusA { get; init; } = 50000;
}

/// <summary>
/// Micrographs to CTFs: per micrograph (in parallel, each committed on its own) one estimator of
/// <see cref="CtfEstimators"/> fits defocus U/V, angle and the fit figures, emitted as a <see cref="CtfRow"/>.
/// </summary>
public sealed class CtfEstimateProtocol : Protocol<CtfEstimateParameters>
{
    public static InputPort<CorrectedMicrographRow> Micrographs { get; } = new("micrographs", EmKinds.CorrectedMicrograph, "motion-corrected micrographs");
    public static OutputPort<CtfRow> Ctfs { get; } = new("ctfs", EmKinds.Ctf, "one CTF estimate per micrograph");

    public override string Name => "ctf.estimate";
    public override string Summary => "Estimate the CTF (defocus U/V, angle) of each micrograph with the periodogram or parametric method.";
    public override IReadOnlyList<InputPort> Inputs => [Micrographs];
    public override IReadOnlyList<OutputPort> Outputs => [Ctfs];

    protected override IReadOnlyList<Step> Steps(CtfEstimateParameters parameters) =>
    [
        new ItemStep<CorrectedMicrographRow>("estimate", Micrographs, item => Estimate(parameters, item)),
    ];

    /// <summary>The estimation settings for one micrograph: explicit parameters win over the row's microscope values.</summary>
    public static CtfEstimationSettings Settings(CtfEstimateParameters p, CorrectedMicrographRow row) => new()
    {
        VoltageKv = p.VoltageKv > 0 ? p.VoltageKv : row.VoltageKv,
        SphericalAberrationMm = p.SphericalAberrationMm > 0 ? p.SphericalAberrationMm : row.SphericalAberrationMm,
        AmplitudeContrast = p.AmplitudeContrast > 0 ? p.AmplitudeContrast : row.AmplitudeContrast,
        TileSizePx = p.TileSizePx,
        MinResolutionA = p.MinResolutionA,
        MaxResolutionA = p.MaxResolutionA,
        MinDefocusA = p.MinDefocusA,
        MaxDefocusA = p.MaxDefocusA,
        MaxDegreeOfParallelism = 1,
    };

    private static void Estimate(CtfEstimateParameters p, ItemContext<CorrectedMicrographRow> item)
    {
        var row = item.Row;
        using var reader = MrcReader.Open(item.Resolve(row.Path));
        using var micrograph = reader.ReadImage(0);
        // Estimate-planned FFTW (or the managed fallback): cheap per micrograph and identical from run to run.
        using var fft = FftBackends.CreateDeterministic(1);
        var estimate = CtfEstimators.Create(p.Method, fft).Estimate(micrograph, Settings(p, row), item.Cancellation);
        var ctf = estimate.Ctf;
        item.Emit(Ctfs, new CtfRow(row.Path, ctf.DefocusUA, ctf.DefocusVA, ctf.DefocusAngleDeg, ctf.PhaseShiftDeg,
            estimate.FitScore, estimate.MaxResolutionA, null));
    }
}
