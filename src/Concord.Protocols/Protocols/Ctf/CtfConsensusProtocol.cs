using System.Globalization;
using Concord.Core;
using Concord.Core.Ctf;
using Concord.Ctf;
using Concord.Ctf.Consensus;
using Concord.Protocols.Sets;
using Concord.Workflow.Protocols;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Protocols.Ctf;

/// <summary>Parameters of <see cref="CtfConsensusProtocol"/>: the thresholds of <see cref="CtfConsensusSettings"/>.</summary>
public sealed record CtfConsensusParameters : ProtocolParameters
{
    [Param("Max resolution", "Reject when the first set's fit holds only to a resolution worse than this (raised to 2.1 px where the pixels cannot reach it).",
        Unit = "Å", Min = 0.1, Max = 1000)]
    public double MaxResolutionLimitA { get; init; } = 5;

    [Param("Min fit score", "Reject when the first set's fit score (CTFFIND4's cross-correlation for the periodogram method) is below this.", Min = -1, Max = 1)]
    public double MinFitScore { get; init; } = 0.1;

    [Param("Agreement", "Reject when two sets' CTFs stay within 90° of phase only to a resolution worse than this (Marabini et al. 2015; raised to Nyquist where needed).",
        Unit = "Å", Min = 0.1, Max = 1000)]
    public double AgreementLimitA { get; init; } = 4;

    [Param("Max astigmatism", "Reject when |U − V| of the combined CTF exceeds this.", Unit = "Å", Min = 1, Max = 1e6)]
    public double MaxAstigmatismA { get; init; } = 2000;

    [Param("Defocus min", "Reject when the combined mean defocus is below this.", Unit = "Å", Min = 0, Max = 1e6)]
    public double MinDefocusA { get; init; } = 3000;

    [Param("Defocus max", "Reject when the combined mean defocus is above this.", Unit = "Å", Min = 0, Max = 1e6)]
    public double MaxDefocusA { get; init; } = 40000;

    [Param("Max ice ring", "Reject when the ice-ring band (3.7 Å) amplitude over its flanks exceeds this (vitreous ice gives about 1; " +
        "thick or crystalline ice more). Rows without the ratio (estimators that do not measure it, projects made before it was stored) pass this rule.",
        Min = 0.01, Max = 1000)]
    public double MaxIceRing { get; init; } = 1.5;

    [Param("Agreement box", "Side of the Fourier box on which the agreement resolution is scanned (its sampling).", Unit = "px", Min = 16, Max = 8192)]
    public int AgreementBoxPx { get; init; } = 512;

    /// <summary>The selection thresholds of the algorithm.</summary>
    public CtfConsensusSettings Settings() => new()
    {
        MaxResolutionLimitA = MaxResolutionLimitA,
        MinFitScore = MinFitScore,
        AgreementLimitA = AgreementLimitA,
        MaxAstigmatismA = MaxAstigmatismA,
        MinDefocusA = MinDefocusA,
        MaxDefocusA = MaxDefocusA,
        MaxIceRingRatio = MaxIceRing,
    };

    public override IEnumerable<ParameterError> Validate()
    {
        foreach (var e in base.Validate())
            yield return e;
        if (SettingsError() is { } error)
            yield return error;
    }

    private ParameterError? SettingsError()
    {
        try
        {
            Settings().Validate();
            return null;
        }
        catch (InvalidParameterException e)
        {
            // The settings' name of the ice-ring threshold differs from the parameter's (max_ice_ring, as the verb's flag).
            string parameter = e.Parameter == nameof(CtfConsensusSettings.MaxIceRingRatio) ? SetKind.ToSnakeCase(nameof(MaxIceRing)) : SetKind.ToSnakeCase(e.Parameter);
            return new ParameterError(parameter, e.Message);
        }
    }
}

/// <summary>
/// CTF consensus and micrograph selection (after Scipion's CTF consensus and Sorzano et al.'s workflow chapter, typed):
/// the CTF sets of N estimators of the same micrographs (the first is the primary, whose fit score and maximum
/// resolution are judged), matched by item key, go through <see cref="CtfConsensus"/>. Accepted micrographs carry the
/// combined CTF (mean U, V, axis where the estimates agree to the agreement limit); rejected ones the primary CTF and
/// every failed rule as the reason ("agreement: estimates agree only to 9.4 Å, worse than 4 Å"; "ice_ring: ice ring ratio
/// 2.32 above 1.5" from the rows' <see cref="CtfRow.IceRingRatio"/>, a rule that rows without a ratio pass); a micrograph missing
/// from a set is rejected as absent. The micrographs set gives each one's pixel size and microscope. Writes
/// accepted_micrographs.star and rejected_micrographs.star (RELION CTF columns), and the report <c>ctf_consensus</c>
/// with the count per reason and, with the simulation's files on <c>truth</c>, the accepted defocus error.
/// </summary>
public sealed class CtfConsensusProtocol : Protocol<CtfConsensusParameters>
{
    public const string ReportName = "ctf_consensus";
    public const string AbsentCategory = "absent";

    public static InputPort<CtfRow> Ctfs { get; } = new("ctfs", EmKinds.Ctf, "CTF sets of the same micrographs, one per estimator; the first is the primary", minSets: 1, maxSets: 8);
    public static InputPort<CorrectedMicrographRow> Micrographs { get; } = new("micrographs", EmKinds.CorrectedMicrograph, "the micrographs estimated (pixel size, microscope)");
    public static InputPort<FileRow> Truth { get; } = CtfTruth.Port();
    public static OutputPort<CtfRow> Accepted { get; } = new("accepted", EmKinds.Ctf, "micrographs that pass every rule, with the combined CTF");
    public static OutputPort<CtfRow> Rejected { get; } = new("rejected", EmKinds.Ctf, "micrographs that fail a rule or lack an estimate, each with its reasons");
    public static OutputPort<FileRow> Star { get; } = new("star", BuiltInKinds.File, "accepted_micrographs.star and rejected_micrographs.star");

    public override string Name => "ctf.consensus";
    public override string Summary => "Combine CTF estimates of N methods, keep micrographs where they agree and the fit is good; reject the rest with reasons.";
    public override IReadOnlyList<InputPort> Inputs => [Ctfs, Micrographs, Truth];
    public override IReadOnlyList<OutputPort> Outputs => [Accepted, Rejected, Star];

    protected override IReadOnlyList<Step> Steps(CtfConsensusParameters parameters) =>
    [
        new SetStep("consensus", context => Run(parameters, context)),
    ];

    private static void Run(CtfConsensusParameters p, StepContext context)
    {
        var settings = p.Settings().Validate();
        var sets = context.ReadAll(Ctfs);
        var sources = context.SourceNames(Ctfs);
        var micrographs = context.Read(Micrographs);
        var byKey = micrographs.ToDictionary(m => m.Key, m => m.Row, StringComparer.Ordinal);
        var lookups = sets.Select(s => s.Where(r => r.Reason is null).ToDictionary(r => r.Key, r => r.Row, StringComparer.Ordinal)).ToList();
        var keys = lookups.SelectMany(l => l.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var rejectedBy = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var accepted = new List<(CtfConsensusItem Item, SetRow<CtfRow> Row)>();
        var rejected = new List<(CtfConsensusItem? Item, SetRow<CtfRow> Row)>();
        foreach (string key in keys)
        {
            var missing = Enumerable.Range(0, sets.Count).Where(i => !lookups[i].ContainsKey(key)).Select(i => sources[i]).ToList();
            if (!byKey.ContainsKey(key))
                missing.Add(context.SourceNames(Micrographs)[0]);
            if (missing.Count > 0)
            {
                var present = lookups.First(l => l.ContainsKey(key))[key];
                rejected.Add((null, new SetRow<CtfRow>(key, present, $"{AbsentCategory}: not in {string.Join(", ", missing)}")));
                rejectedBy[AbsentCategory] = rejectedBy.GetValueOrDefault(AbsentCategory) + 1;
                continue;
            }
            var micrograph = byKey[key];
            var estimates = lookups.Select((l, i) => Estimate(sources[i], l[key], micrograph)).ToList();
            var item = CtfConsensus.Judge(new CtfConsensusInput(micrograph.Path, estimates, micrograph.PixelSizeA, p.AgreementBoxPx), settings);
            var primary = lookups[0][key];
            var row = primary with
            {
                DefocusUA = item.Combined.DefocusUA,
                DefocusVA = item.Combined.DefocusVA,
                DefocusAngleDeg = item.Combined.DefocusAngleDeg,
                PhaseShiftDeg = item.Combined.PhaseShiftDeg,
                IceRingRatio = CtfConsensus.IceRingRatio(estimates),
            };
            if (item.IsAccepted)
            {
                accepted.Add((item, new SetRow<CtfRow>(key, row)));
                continue;
            }
            rejected.Add((item, new SetRow<CtfRow>(key, row, string.Join("; ", item.Rejections.Select(r => $"{Category(r.Kind)}: {r.Reason}")))));
            foreach (var r in item.Rejections)
                rejectedBy[Category(r.Kind)] = rejectedBy.GetValueOrDefault(Category(r.Kind)) + 1;
        }
        foreach (var (_, row) in accepted)
            context.Emit(Accepted, row.Key, row.Row);
        foreach (var (_, row) in rejected)
            context.Emit(Rejected, row.Key, row.Row, row.Reason);
        WriteStars(context, accepted.Select(a => a.Item).ToList(), rejected.Where(r => r.Item is not null).Select(r => r.Item!).ToList(), micrographs);
        Report(p, context, micrographs, sources, keys.Count, accepted, rejected, rejectedBy);
    }

    private static void Report(CtfConsensusParameters p, StepContext context, IReadOnlyList<SetRow<CorrectedMicrographRow>> micrographs, IReadOnlyList<string> sources,
        int items, List<(CtfConsensusItem Item, SetRow<CtfRow> Row)> accepted, List<(CtfConsensusItem? Item, SetRow<CtfRow> Row)> rejected,
        SortedDictionary<string, int> rejectedBy)
    {
        var warnings = new List<string>();
        foreach (double pixel in micrographs.Select(m => m.Row.PixelSizeA).Distinct())
        {
            var (resolution, agreement) = CtfConsensus.ReachableLimits(p.Settings(), pixel);
            if (resolution > p.MaxResolutionLimitA || agreement > p.AgreementLimitA)
                warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"at {pixel:0.###} Å/px no fit reaches {p.MaxResolutionLimitA:0.##} Å nor agreement {p.AgreementLimitA:0.##} Å; the limits used are {resolution:0.##} Å and {agreement:0.##} Å."));
        }
        var truth = CtfTruth.Read(context, Truth, micrographs, warnings);
        var score = CtfTruth.Score(truth, accepted.Select(a => a.Row));
        var agreements = accepted.Concat(rejected.Where(r => r.Item is not null).Select(r => (Item: r.Item!, r.Row)))
            .Select(x => x.Item.AgreementResolutionA).Where(double.IsFinite).ToList();
        foreach (var w in warnings)
            context.Log("warning: " + w);
        context.Report(ReportName, new CtfConsensusReport(sources, items, accepted.Count, rejected.Count, rejectedBy,
            agreements.Count > 0 ? agreements.Average() : null, score, rejected.Select(r => new CtfRejectedMicrograph(r.Row.Key, r.Row.Reason ?? "")).ToList(), warnings));
        context.Log($"ctf consensus: {accepted.Count} accepted, {rejected.Count} rejected of {items}");
    }

    private static void WriteStars(StepContext context, IReadOnlyList<CtfConsensusItem> accepted, IReadOnlyList<CtfConsensusItem> rejected,
        IReadOnlyList<SetRow<CorrectedMicrographRow>> micrographs)
    {
        if (micrographs.Count == 0)
            return;
        var first = micrographs[0].Row;
        var optics = new CtfOptics(first.PixelSizeA, first.VoltageKv, first.SphericalAberrationMm, first.AmplitudeContrast);
        foreach (var (name, items) in new[] { ("accepted_micrographs.star", accepted), ("rejected_micrographs.star", rejected) })
        {
            var file = context.NewFile(name);
            CtfFiles.WriteSelection(file.TempPath, items, optics);
            context.Emit(Star, name, new FileRow(file.RelativePath, new FileInfo(file.TempPath).Length));
        }
    }

    /// <summary>A stored CTF row as an estimate of <paramref name="source"/>, with the micrograph's microscope.</summary>
    private static CtfEstimate Estimate(string source, CtfRow row, CorrectedMicrographRow micrograph) => new(
        source,
        new CtfParameters
        {
            VoltageKv = micrograph.VoltageKv,
            SphericalAberrationMm = micrograph.SphericalAberrationMm,
            AmplitudeContrast = micrograph.AmplitudeContrast,
            DefocusUA = row.DefocusUA,
            DefocusVA = row.DefocusVA,
            DefocusAngleDeg = row.DefocusAngleDeg,
            PhaseShiftDeg = row.PhaseShiftDeg,
        },
        row.FitScore,
        row.MaxResolutionA,
        row.IceRingRatio is double ice ? new Dictionary<string, double> { [CtfFigures.IceRingRatio] = ice } : new Dictionary<string, double>());

    /// <summary>MaxResolution → max_resolution, the category written before each reason and counted in the report.</summary>
    public static string Category(CtfRejectionKind kind) => SetKind.ToSnakeCase(kind.ToString());
}

/// <summary>A rejected micrograph and why.</summary>
public sealed record CtfRejectedMicrograph(string Micrograph, string Reason);

/// <summary>
/// The <c>ctf_consensus</c> report: the compared sets, counts, the number of rejected micrographs failing each rule
/// (a micrograph may fail several), the mean agreement resolution, the accepted defocus error against the truth when
/// known, every rejection and warnings.
/// </summary>
public sealed record CtfConsensusReport(IReadOnlyList<string> Sources, int Micrographs, int Accepted, int Rejected, IReadOnlyDictionary<string, int> RejectedBy,
    double? MeanAgreementResolutionA, CtfTruthScore? Truth, IReadOnlyList<CtfRejectedMicrograph> Rejections, IReadOnlyList<string> Warnings);
