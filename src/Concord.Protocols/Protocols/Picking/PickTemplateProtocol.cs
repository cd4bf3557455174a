using Concord.Core.Fourier;
using Concord.Core.Geometry;
using Concord.Core.Imaging;
using Concord.Core.Projection;
using Concord.IO.Mrc;
using Concord.Picking.Methods.Template;
using Concord.Protocols.Sets;
using Concord.Workflow.Protocols;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Protocols.Picking;

/// <summary>Parameters of <see cref="PickTemplateProtocol"/>.</summary>
public sealed record PickTemplateParameters : PickingParameters
{
    [Param("Templates", "Re-projections of the reference map used as templates (ignored without a reference).", Min = 1, Max = 1000)]
    public int TemplateCount { get; init; } = 6;

    [Param("Seed", "Seeds the orientations of the re-projections.", Min = 0, Max = int.MaxValue)]
    public int Seed { get; init; } = 1;

    [Param("Angular step", "In-plane rotation step of the templates.", Unit = "°", Min = 0.5, Max = 360)]
    public double AngularStepDeg { get; init; } = 15;

    [Param("Threshold", "Picks need a correlation above median + k·σ̂ of the correlation map.", Unit = "σ", Min = -10, Max = 100)]
    public double ThresholdSigmas { get; init; } = 4;

    [Param("Min correlation", "Absolute floor on the normalised correlation (−1…1).", Min = -1, Max = 1)]
    public double MinCorrelation { get; init; } = 0.05;

    [Param("Min distance", "Non-maximum suppression distance, in particle diameters.", Min = 0, Max = 4)]
    public double MinDistanceFraction { get; init; } = 0.8;

    [Param("Max picks", "At most this many picks per micrograph (0: no limit).", Min = 0, Max = 1_000_000)]
    public int MaxCount { get; init; }

    public TemplatePickerOptions Options(Concord.Core.Ctf.CtfParameters? ctf) => new()
    {
        DiameterA = DiameterA,
        AngularStepDeg = AngularStepDeg,
        ThresholdSigmas = ThresholdSigmas,
        MinCorrelation = MinCorrelation,
        MinDistanceFraction = MinDistanceFraction,
        MaxCount = MaxCount,
        Ctf = ctf,
        MaxDegreeOfParallelism = 1,
    };
}

/// <summary>Templates kept as plain pixels so every item makes (and disposes) its own images.</summary>
/// <param name="Source">Where they came from, for the report: "reference RUN.PORT (N re-projections)" or "disc of the diameter".</param>
public sealed record TemplateSet(IReadOnlyList<float[]> Pixels, int BoxPx, double PixelSizeA, string Source)
{
    public List<Image2D> ToImages() => Pixels.Select(p => Image2D.FromPixels(BoxPx, BoxPx, p, PixelSizeA)).ToList();
}

/// <summary>
/// Template matching by fast local correlation (<see cref="TemplatePicker"/>, Roseman 2003) per micrograph (in parallel,
/// atomic). Templates: with a <c>reference</c> map (a prior map, or the simulation's true map), re-projections at
/// seeded random orientations; without one, the projection of a uniform ball of the particle diameter (a featureless
/// blob, the template-free start every picking chapter begins with). With <c>ctfs</c>, each micrograph's CTF is
/// multiplied into the templates. Report <c>picking</c> as <c>pick.log</c>'s, and <c>templates</c> (their source).
/// </summary>
public sealed class PickTemplateProtocol : Protocol<PickTemplateParameters>
{
    public static InputPort<CorrectedMicrographRow> Micrographs { get; } = new("micrographs", EmKinds.CorrectedMicrograph, "micrographs to pick");
    public static InputPort<VolumeRow> Reference { get; } = new("reference", EmKinds.Volume, "map re-projected into templates (optional; without it a ball of the diameter)", 0, 1);
    public static InputPort<CtfRow> Ctfs { get; } = new("ctfs", EmKinds.Ctf, "CTF per micrograph (same item keys), multiplied into the templates (optional)", 0, 1);
    public static OutputPort<CoordinateRow> Coordinates { get; } = new("coordinates", EmKinds.Coordinate, "picked centres (score: normalised correlation)");

    public override string Name => "pick.template";
    public override string Summary => "Pick particles by fast local correlation with re-projections of a reference (or a ball of the diameter).";
    public override IReadOnlyList<InputPort> Inputs => [Micrographs, Reference, Ctfs];
    public override IReadOnlyList<OutputPort> Outputs => [Coordinates];

    protected override IReadOnlyList<Step> Steps(PickTemplateParameters parameters)
    {
        var templates = new RunMemo<TemplateSet>();
        var ctfs = new RunMemo<Dictionary<string, CtfRow>>();
        return
        [
            new SetStep("templates", context => context.Report("templates", new
            {
                source = templates.Get(() => Templates(parameters, context, context.Read(Micrographs) is { Count: > 0 } mics ? mics[0].Row.PixelSizeA : 1)).Source,
            })),
            new ItemStep<CorrectedMicrographRow>("pick", Micrographs, item => Pick(parameters, item,
                templates.Get(() => Templates(parameters, item, item.Row.PixelSizeA)),
                ctfs.Get(() => PickingSets.Optional(item, Ctfs) ?? new Dictionary<string, CtfRow>(StringComparer.Ordinal)))),
            PickingReport.Step(Name, Coordinates, null, Micrographs, parameters.DiameterA),
        ];
    }

    private static void Pick(PickTemplateParameters p, ItemContext<CorrectedMicrographRow> item, TemplateSet templates, Dictionary<string, CtfRow> ctfs)
    {
        var ctf = ctfs.TryGetValue(item.Key, out var row) ? PickingSets.Ctf(row, item.Row) : null;
        using var micrograph = PickingSets.ReadMicrograph(item, item.Row);
        using var fft = FftBackends.CreateDeterministic(1);
        var images = templates.ToImages();
        try
        {
            var picks = new TemplatePicker(fft).Pick(micrograph, images, p.Options(ctf));
            PickingSets.EmitPicks(item, Coordinates, item.Key, picks);
        }
        finally
        {
            foreach (var image in images)
                image.Dispose();
        }
    }

    /// <summary>Re-projections of the reference when one is connected, else the projection of a ball of the diameter.</summary>
    public static TemplateSet Templates(PickTemplateParameters p, OutputBuffer context, double micrographPixelSizeA)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(context);
        var reference = context.ReadAll(Reference).SingleOrDefault()?.FirstOrDefault(r => r.Reason is null);
        return reference is null ? Ball(p.DiameterA, micrographPixelSizeA) : Projections(context.Resolve(reference.Row.Path), reference.Row.PixelSizeA, p.TemplateCount, p.Seed);
    }

    private static TemplateSet Projections(string path, double pixelSizeA, int count, int seed)
    {
        using var reader = MrcReader.Open(path);
        using var map = reader.ReadVolume(0);
        if (pixelSizeA > 0)
            map.PixelSizeA = pixelSizeA;
        using var fft = FftBackends.CreateDeterministic(1);
        var projector = new FourierProjector(map, fft);
        var random = new Random(seed);
        var pixels = new List<float[]>();
        for (int i = 0; i < count; i++)
        {
            var image = new float[map.NX * map.NX];
            projector.Project(Rotation3f.FromMatrix(RandomRotations.NextEulerAngles(random).ToMatrix()), image);
            pixels.Add(image);
        }
        return new TemplateSet(pixels, map.NX, map.PixelSizeA, $"{count} re-projections of {Path.GetFileName(path)} (seed {seed})");
    }

    /// <summary>
    /// The projection of a uniform ball of diameter d (protein bright): thickness 2·√(R² − ρ²) inside radius R, in a
    /// box of 1.5 d; rotation-invariant, so one template is enough.
    /// </summary>
    public static TemplateSet Ball(double diameterA, double pixelSizeA)
    {
        double radiusPx = diameterA / 2 / pixelSizeA;
        int box = Math.Max(8, 2 * (int)Math.Ceiling(0.75 * diameterA / pixelSizeA));
        var image = new float[box * box];
        for (int y = 0; y < box; y++)
            for (int x = 0; x < box; x++)
            {
                double dx = x - box / 2, dy = y - box / 2, r2 = radiusPx * radiusPx - (dx * dx + dy * dy);
                image[y * box + x] = r2 > 0 ? (float)(2 * Math.Sqrt(r2)) : 0;
            }
        return new TemplateSet([image], box, pixelSizeA, $"projection of a ball of {diameterA:0.#} Å");
    }
}
