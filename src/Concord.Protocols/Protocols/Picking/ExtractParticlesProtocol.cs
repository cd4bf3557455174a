using System.Globalization;
using Concord.Core;
using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.IO.Mrc;
using Concord.Picking;
using Concord.Picking.Extraction;
using Concord.Protocols.Protocols.Relion;
using Concord.Protocols.Sets;
using Concord.Workflow.Protocols;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Protocols.Picking;

/// <summary>Parameters of <see cref="ExtractParticlesProtocol"/>.</summary>
public sealed record ExtractParticlesParameters : PickingParameters
{
    [Param("Box", "Box edge in micrograph pixels, even (0: the smallest even size ≥ 1.5 diameters).", Unit = "px", Min = 0, Max = 8192)]
    public int BoxPx { get; init; }

    [Param("Rescale to", "Box edge after Fourier binning, even and ≤ the box (0: no binning).", Unit = "px", Min = 0, Max = 8192)]
    public int RescaledBoxPx { get; init; }

    [Param("Invert contrast", "Make protein bright, as 2D/3D refinement expects (RELION's --invert_contrast).")]
    public bool InvertContrast { get; init; } = true;

    [Param("Phase flip", "Flip phases where each micrograph's CTF is negative (needs the ctfs input).")]
    public bool PhaseFlip { get; init; }

    [Param("Duplicates", "Of coordinates closer than this fraction of the diameter only the best-scoring is extracted (0: keep all).", Min = 0, Max = 4)]
    public double DuplicateDistanceFraction { get; init; }

    public override IEnumerable<ParameterError> Validate()
    {
        foreach (var e in base.Validate())
            yield return e;
        if (BoxPx % 2 != 0 || RescaledBoxPx % 2 != 0)
            yield return new ParameterError(BoxPx % 2 != 0 ? "box_px" : "rescaled_box_px", "must be even.");
        if (BoxPx > 0 && RescaledBoxPx > BoxPx)
            yield return new ParameterError("rescaled_box_px", $"must be at most the box ({BoxPx} px), got {RescaledBoxPx}.");
    }

    /// <summary>The box for a micrograph of <paramref name="pixelSizeA"/> Å/px.</summary>
    public int Box(double pixelSizeA) => BoxPx > 0 ? BoxPx : 2 * (int)Math.Ceiling(0.75 * DiameterA / pixelSizeA);
}

/// <summary>The <c>extraction</c> report of <see cref="ExtractParticlesProtocol"/>.</summary>
/// <param name="NotExtracted">Coordinates too close to an edge for the box, or duplicates.</param>
/// <param name="Truth">Extracted particles scored against the true centres (null without simulated truth).</param>
public sealed record ExtractionReport(int Micrographs, int Coordinates, int Particles, int NotExtracted, int BoxPx, double PixelSizeA,
    bool PhaseFlipped, string Star, PickingTruthScore? Truth);

/// <summary>
/// Particle extraction (<see cref="ParticleExtractor"/>, as relion_preprocess): per micrograph (parallel, atomic) the
/// boxes around its coordinates, optionally phase-flipped with its CTF (input <c>ctfs</c>, same item keys as the
/// micrographs; optional), Fourier-binned, contrast-inverted and background-normalised, written as
/// <c>extra/MIC_particles.mrcs</c>; then a RELION 3.1 <c>extra/particles.star</c> (paths relative to the project, CTF
/// columns when known). Outputs <c>particles</c> and <c>star</c>; report <c>extraction</c>.
/// </summary>
public sealed class ExtractParticlesProtocol : Protocol<ExtractParticlesParameters>
{
    public static InputPort<CorrectedMicrographRow> Micrographs { get; } = new("micrographs", EmKinds.CorrectedMicrograph, "the micrographs to cut particles from");
    public static InputPort<CoordinateRow> Coordinates { get; } = new("coordinates", EmKinds.Coordinate, "particle centres");
    public static InputPort<CtfRow> Ctfs { get; } = new("ctfs", EmKinds.Ctf, "CTF per micrograph (same item keys), for the particle rows and phase flipping (optional)", 0, 1);
    public static OutputPort<ParticleRow> Particles { get; } = new("particles", EmKinds.Particle, "extracted particles (no pose yet; CTF when known)");
    public static OutputPort<FileRow> Star { get; } = new("star", BuiltInKinds.File, "particles.star (RELION 3.1)");

    public override string Name => "particles.extract";
    public override string Summary => "Cut particle boxes out of the micrographs (bin, invert, normalise, optional phase flip) into stacks and a RELION particles.star.";
    public override IReadOnlyList<InputPort> Inputs => [Micrographs, Coordinates, Ctfs];
    public override IReadOnlyList<OutputPort> Outputs => [Particles, Star];

    protected override IReadOnlyList<Step> Steps(ExtractParticlesParameters parameters)
    {
        var inputs = new RunMemo<Tuple<Dictionary<string, List<Pick>>, Dictionary<string, CtfRow>?>>();
        return
        [
            new ItemStep<CorrectedMicrographRow>("extract", Micrographs, item =>
            {
                var (coordinates, ctfs) = inputs.Get(() => Tuple.Create(PickingSets.Picks(item.Read(Coordinates)), PickingSets.Optional(item, Ctfs)));
                Extract(parameters, item, coordinates, ctfs);
            }),
            new SetStep("star", context => WriteStar(parameters, context)),
        ];
    }

    private static void Extract(ExtractParticlesParameters p, ItemContext<CorrectedMicrographRow> item, Dictionary<string, List<Pick>> coordinates,
        Dictionary<string, CtfRow>? ctfs)
    {
        var picks = coordinates.GetValueOrDefault(item.Key) ?? [];
        if (picks.Count == 0)
            return;
        if (p.PhaseFlip && ctfs is null)
            throw new InvalidParameterException("phase_flip", "needs the micrographs' CTFs: connect the ctfs input.");
        CtfParameters? ctf = null;
        if (ctfs is not null)
        {
            // The chapter's rule: a micrograph the CTF consensus did not accept gives no particles.
            if (!ctfs.TryGetValue(item.Key, out var c))
            {
                item.Log($"particles.extract: {item.Key}: no CTF in the ctfs set (not accepted by the CTF step); {picks.Count} coordinates not extracted");
                return;
            }
            ctf = PickingSets.Ctf(c, item.Row);
        }
        using var micrograph = PickingSets.ReadMicrograph(item, item.Row);
        int box = p.Box(micrograph.PixelSizeA), half = box / 2;
        // The extractor refuses a micrograph whose every box leaves it; such a micrograph simply gives no particles.
        if (!picks.Any(q => Math.Round(q.XPx) - half >= 0 && Math.Round(q.YPx) - half >= 0
            && Math.Round(q.XPx) - half + box <= micrograph.Width && Math.Round(q.YPx) - half + box <= micrograph.Height))
        {
            item.Log($"particles.extract: {item.Key}: all {picks.Count} coordinates closer than half a box to the edge; none extracted");
            return;
        }
        using var fft = FftBackends.CreateDeterministic(1);
        var options = new ExtractionOptions
        {
            BoxSizePx = box,
            RescaledBoxSizePx = p.RescaledBoxPx > 0 ? p.RescaledBoxPx : null,
            InvertContrast = p.InvertContrast,
            PhaseFlipCtf = p.PhaseFlip ? ctf : null,
            DuplicateDistancePx = p.DuplicateDistanceFraction * p.DiameterA / micrograph.PixelSizeA,
            MaxDegreeOfParallelism = 1,
        };
        using var result = new ParticleExtractor(fft).Extract(micrograph, picks, options);
        var stack = item.NewFile($"{item.Key}_particles.mrcs");
        MrcWriter.Write(stack.TempPath, result.Particles);
        var m = item.Row;
        int outBox = result.Particles.Width;
        // Gold-standard halves, balanced within each micrograph (the whole set within one per micrograph) and seeded by
        // the micrograph's key, so a rerun or a resumed run splits alike.
        var halves = HalfSets.Assign(result.Kept.Count, StableHash(item.Key));
        for (int i = 0; i < result.Kept.Count; i++)
        {
            var q = result.Kept[i];
            item.Emit(Particles, $"{item.Key}_p{(i + 1).ToString("D5", CultureInfo.InvariantCulture)}", new ParticleRow(stack.RelativePath, i + 1,
                PickingSets.ImagePath(m), q.XPx, q.YPx, 0, 0, 0, 0, 0, ctf?.DefocusUA, ctf?.DefocusVA, ctf?.DefocusAngleDeg, ctf?.PhaseShiftDeg ?? 0, 0,
                halves[i], m.OpticsGroup, $"opticsGroup{m.OpticsGroup}", result.Particles.PixelSizeA, outBox, m.VoltageKv, m.SphericalAberrationMm, m.AmplitudeContrast));
        }
    }

    /// <summary>FNV-1a of the key: string.GetHashCode differs between processes, and halves must not.</summary>
    private static int StableHash(string key)
    {
        uint h = 2166136261;
        foreach (char c in key)
            h = (h ^ c) * 16777619;
        return (int)(h >> 1);
    }

    private static void WriteStar(ExtractParticlesParameters p, StepContext context)
    {
        var particles = context.ReadOutput(Particles).Where(r => r.Reason is null).ToList();
        var micrographs = context.Read(Micrographs).Where(m => m.Reason is null).ToList();
        var coordinates = PickingSets.Picks(context.Read(Coordinates));
        int inputs = micrographs.Sum(m => coordinates.GetValueOrDefault(m.Key)?.Count ?? 0);
        var file = context.NewFile("particles.star");
        ExportRelionProtocol.WriteParticles(file.TempPath, particles.Select(r => r.Row).ToList(), path => path);
        context.Emit(Star, "particles.star", new FileRow(file.RelativePath, new FileInfo(file.TempPath).Length));
        var keyOf = micrographs.ToDictionary(m => PickingSets.ImagePath(m.Row), m => m.Key, StringComparer.Ordinal);
        var extracted = particles.Where(r => r.Row.MicrographName is not null && keyOf.ContainsKey(r.Row.MicrographName))
            .GroupBy(r => keyOf[r.Row.MicrographName!], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => new Pick(r.Row.XPx ?? 0, r.Row.YPx ?? 0, 0)).ToList(), StringComparer.Ordinal);
        var truth = new PickingTruth(context.Resolve).Score(micrographs, extracted, p.DiameterA);
        var first = particles.FirstOrDefault()?.Row;
        var report = new ExtractionReport(extracted.Count, inputs, particles.Count, inputs - particles.Count, first?.BoxPx ?? 0, first?.PixelSizeA ?? 0,
            p.PhaseFlip, file.RelativePath, truth);
        context.Report("extraction", report);
        context.Log($"particles.extract: {report.Particles} particles from {report.Micrographs} micrographs ({report.NotExtracted} coordinates not extracted)");
    }
}
