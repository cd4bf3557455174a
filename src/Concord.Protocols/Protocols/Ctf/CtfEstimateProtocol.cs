using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Ctf;
using Concord.Ctf.Consensus;
using Concord.IO.Mrc;
using Concord.Protocols.Sets;
using Concord.Workflow.Protocols;
using Concord.Workflow.Sets;

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

    [Param("Plots", "Write each micrograph's diagnostic PNGs: spectrum beside the fitted model, and the 1D radial fit.")]
    public bool Plots { get; init; } = true;

    public override IEnumerable<ParameterError> Validate()
    {
        foreach (var e in base.Validate())
            yield return e;
        if (!CtfEstimators.IsAvailable(Method))
            yield return new ParameterError("method", $"CTF estimator '{Method}' is not available; choose one of {string.Join(", ", CtfEstimators.Names)}.");
        if (MinResolutionA <= MaxResolutionA)
            yield return new ParameterError("min_resolution_a", $"the fit band must run from low to high resolution, got {MinResolutionA}–{MaxResolutionA} Å.");
        if (MaxDefocusA <= MinDefocusA)
            yield return new ParameterError("max_defocus_a", $"the defocus range must be ordered, got {MinDefocusA}–{MaxDefocusA} Å.");
    }
}

/// <summary>
/// Micrographs to CTFs: per micrograph (in parallel, each committed on its own) one estimator of
/// <see cref="CtfEstimators"/> fits defocus U/V, angle and the fit figures (with the ice-ring ratio where the method
/// measures it), emitted as a <see cref="CtfRow"/> with its
/// diagnostic PNG (spectrum | model; the 1D fit goes to <c>plots</c>). An optional <c>start</c> set (another run's
/// CTFs of the same micrographs) seeds estimators that refine rather than search: the parametric method then starts
/// from the periodogram estimate, as Sorzano et al.'s workflow chapter chains CTFFIND4 and Xmipp. The report
/// <c>ctf</c> gives counts, fit figures, warnings and, with the simulation's files on <c>truth</c>, the defocus error.
/// </summary>
public sealed class CtfEstimateProtocol : Protocol<CtfEstimateParameters>
{
    /// <summary>
    /// Micrographs with fewer pixels than this give spectra too noisy for a reliable estimate at usual doses (the
    /// tiny preset's 256² estimates miss by up to 3×, the small preset's 1024² ones are within a few percent).
    /// </summary>
    public const long ReliablePixels = 1024 * 1024;

    public static InputPort<CorrectedMicrographRow> Micrographs { get; } = new("micrographs", EmKinds.CorrectedMicrograph, "motion-corrected micrographs");
    public static InputPort<CtfRow> Start { get; } = new("start", EmKinds.Ctf, "optional: CTFs of the same micrographs to start from (parametric method)", minSets: 0);
    public static InputPort<FileRow> Truth { get; } = CtfTruth.Port();
    public static OutputPort<CtfRow> Ctfs { get; } = new("ctfs", EmKinds.Ctf, "one CTF estimate per micrograph");
    public static OutputPort<FileRow> Plots { get; } = new("plots", BuiltInKinds.File, "the 1D radial fit PNG of each micrograph (the 2D one is the ctf row's diagnostic)");

    public override string Name => "ctf.estimate";
    public override int Version => 2;
    public override string Summary => "Estimate the CTF (defocus U/V, angle) of each micrograph with the periodogram or parametric method.";
    public override IReadOnlyList<InputPort> Inputs => [Micrographs, Start, Truth];
    public override IReadOnlyList<OutputPort> Outputs => [Ctfs, Plots];

    protected override IReadOnlyList<Step> Steps(CtfEstimateParameters parameters)
    {
        var starts = new StartLookup();
        return
        [
            new ItemStep<CorrectedMicrographRow>("estimate", Micrographs, item => Estimate(parameters, item, starts.For(item))),
            new SetStep("summary", context => Summarise(parameters, context)),
        ];
    }

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

    /// <summary>A CTF row as the starting estimate, with the microscope of <paramref name="settings"/>.</summary>
    public static CtfParameters StartOf(CtfRow start, CtfEstimationSettings settings) => new()
    {
        VoltageKv = settings.VoltageKv,
        SphericalAberrationMm = settings.SphericalAberrationMm,
        AmplitudeContrast = settings.AmplitudeContrast,
        DefocusUA = start.DefocusUA,
        DefocusVA = start.DefocusVA,
        DefocusAngleDeg = start.DefocusAngleDeg,
        PhaseShiftDeg = start.PhaseShiftDeg,
    };

    private static void Estimate(CtfEstimateParameters p, ItemContext<CorrectedMicrographRow> item, CtfRow? start)
    {
        var row = item.Row;
        using var reader = MrcReader.Open(item.Resolve(row.Path));
        using var micrograph = reader.ReadImage(0);
        // Estimate-planned FFTW (or the managed fallback): cheap per micrograph and identical from run to run.
        using var fft = FftBackends.CreateDeterministic(1);
        var settings = Settings(p, row);
        if (start is not null)
            settings = settings with { Start = StartOf(start, settings) };
        var estimate = CtfEstimators.Create(p.Method, fft).Estimate(micrograph, settings, item.Cancellation);
        string? diagnostic = null;
        if (p.Plots)
        {
            var spectrum = item.NewFile($"{item.Key}_spectrum.png");
            var fit = item.NewFile($"{item.Key}_fit.png");
            CtfFiles.WritePlots(spectrum.TempPath, fit.TempPath, item.Key, micrograph, estimate, settings, fft);
            diagnostic = spectrum.RelativePath;
            item.Emit(Plots, new FileRow(fit.RelativePath, new FileInfo(fit.TempPath).Length));
        }
        var ctf = estimate.Ctf;
        item.Emit(Ctfs, new CtfRow(row.Path, ctf.DefocusUA, ctf.DefocusVA, ctf.DefocusAngleDeg, ctf.PhaseShiftDeg,
            estimate.FitScore, estimate.MaxResolutionA, diagnostic, CtfConsensus.IceRingRatio(estimate)));
    }

    private static void Summarise(CtfEstimateParameters p, StepContext context)
    {
        var micrographs = context.Read(Micrographs);
        var ctfs = context.ReadOutput(Ctfs);
        var warnings = new List<string>();
        var small = micrographs.Select(m => Size(context.Resolve(m.Row.Path))).Where(s => (long)s.Width * s.Height < ReliablePixels).Distinct().ToList();
        foreach (var (w, h) in small)
            warnings.Add($"micrographs of {w}×{h} px are too small for a reliable CTF estimate (their spectra average too little signal; " +
                $"{ReliablePixels / 1024}×1024 px or more is reliable): expect defocus errors and rejections.");
        var startSets = context.ReadAll(Start);
        string? startSource = startSets.Count == 0 ? null : context.SourceNames(Start)[0];
        if (startSource is not null && !p.Method.Equals("parametric", StringComparison.OrdinalIgnoreCase))
            warnings.Add($"the {p.Method} method searches on its own; the start set {startSource} is not used.");
        var truth = CtfTruth.Read(context, Truth, micrographs, warnings);
        var score = CtfTruth.Score(truth, ctfs);
        foreach (var w in warnings)
            context.Log("warning: " + w);
        context.Report(ReportName, new CtfEstimateReport(p.Method, micrographs.Count, ctfs.Count, micrographs.Count - ctfs.Count, startSource,
            Median(ctfs.Select(c => c.Row.FitScore)), Median(ctfs.Select(c => c.Row.MaxResolutionA)), score, warnings));
    }

    /// <summary>Name of the run report.</summary>
    public const string ReportName = "ctf";

    private static (int Width, int Height) Size(string path)
    {
        using var reader = MrcReader.Open(path);
        return (reader.Width, reader.Height);
    }

    private static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        return sorted.Length == 0 ? null
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }

    /// <summary>The start set of one run, read once by the first item that asks (items run in parallel).</summary>
    private sealed class StartLookup
    {
        private readonly Lock _gate = new();
        private Dictionary<string, CtfRow>? _rows;

        public CtfRow? For(ItemContext<CorrectedMicrographRow> item)
        {
            lock (_gate)
                _rows ??= item.ReadAll(Start).SelectMany(set => set).Where(r => r.Reason is null).ToDictionary(r => r.Key, r => r.Row, StringComparer.Ordinal);
            return _rows.GetValueOrDefault(item.Key);
        }
    }
}

/// <summary>
/// The <c>ctf</c> report of a ctf.estimate run: counts, the median fit score and maximum resolution, the start set
/// (if any), the defocus error against the simulation's truth when it was given, and warnings a user should read.
/// </summary>
public sealed record CtfEstimateReport(string Method, int Micrographs, int Estimated, int Failed, string? StartFrom,
    double? MedianFitScore, double? MedianMaxResolutionA, CtfTruthScore? Truth, IReadOnlyList<string> Warnings);
