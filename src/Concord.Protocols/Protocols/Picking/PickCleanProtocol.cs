using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.IO.Mrc;
using Concord.Picking.Cleaning;
using Concord.Plots;
using Concord.Protocols.Sets;
using Concord.Workflow.Protocols;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Protocols.Picking;

/// <summary>Parameters of <see cref="PickCleanProtocol"/>.</summary>
public sealed record PickCleanParameters : PickingParameters
{
    [Param("Density outlier", "A coarse pixel is bad when its smoothed density departs from the median by more than this.", Unit = "σ", Min = 0.1, Max = 1000)]
    public double MeanSigmas { get; init; } = 6;

    [Param("Variance outlier", "… or when its local variance exceeds the median by more than this.", Unit = "σ", Min = 0.1, Max = 1000)]
    public double VarianceSigmas { get; init; } = 12;

    [Param("Grow", "Bad regions grow by this fraction of the particle radius.", Min = 0, Max = 10)]
    public double GrowFraction { get; init; } = 1;

    [Param("Plots", "Write a PNG per micrograph with the picks drawn on it.")]
    public bool Plots { get; init; } = true;

    public CleanerOptions Options() => new() { DiameterA = DiameterA, MeanSigmas = MeanSigmas, VarianceSigmas = VarianceSigmas, GrowFraction = GrowFraction };
}

/// <summary>
/// Micrograph cleaning (<see cref="MicrographCleaner"/>, in the spirit of MicrographCleaner, Sanchez-Garcia et al.
/// 2020): per micrograph (parallel, atomic) the regions of carbon, ice crystals and aggregates are found from local
/// statistics, written as a mask (<c>extra/MIC_mask.mrc</c>, 1 = bad; output <c>masks</c>), and the micrograph's
/// coordinates inside them go to <c>rejected</c> with the reason, the others to <c>coordinates</c> (same keys).
/// </summary>
public sealed class PickCleanProtocol : Protocol<PickCleanParameters>
{
    public const string Reason = "cleaner: in a contaminated region (carbon, ice or aggregate)";

    public static InputPort<CorrectedMicrographRow> Micrographs { get; } = new("micrographs", EmKinds.CorrectedMicrograph, "the micrographs the coordinates are on");
    public static InputPort<CoordinateRow> Input { get; } = new("coordinates", EmKinds.Coordinate, "coordinates to clean");
    public static OutputPort<CoordinateRow> Coordinates { get; } = new("coordinates", EmKinds.Coordinate, "coordinates outside the bad regions");
    public static OutputPort<CoordinateRow> Rejected { get; } = new("rejected", EmKinds.Coordinate, "coordinates inside bad regions, with the reason");
    public static OutputPort<FileRow> Masks { get; } = new("masks", BuiltInKinds.File, "bad-region mask per micrograph (MRC, 1 = bad), keyed by micrograph");
    public static OutputPort<FileRow> Plots { get; } = new("plots", BuiltInKinds.File, "picks on each micrograph (PNG): kept coloured by how many pickers agree, removed in blue");

    public override string Name => "pick.clean";
    public override string Summary => "Find carbon, ice and aggregates on each micrograph and drop the coordinates inside them.";
    public override IReadOnlyList<InputPort> Inputs => [Micrographs, Input];
    public override IReadOnlyList<OutputPort> Outputs => [Coordinates, Rejected, Masks, Plots];

    protected override IReadOnlyList<Step> Steps(PickCleanParameters parameters)
    {
        var coordinates = new RunMemo<Dictionary<string, List<SetRow<CoordinateRow>>>>();
        return
        [
            new ItemStep<CorrectedMicrographRow>("clean", Micrographs, item =>
                Clean(parameters, item, coordinates.Get(() => PickingSets.ByMicrograph(item.Read(Input))))),
            PickingReport.Step(Name, Coordinates, Rejected, Micrographs, parameters.DiameterA),
        ];
    }

    private static void Clean(PickCleanParameters p, ItemContext<CorrectedMicrographRow> item, Dictionary<string, List<SetRow<CoordinateRow>>> coordinates)
    {
        using var micrograph = PickingSets.ReadMicrograph(item, item.Row);
        using var fft = FftBackends.CreateDeterministic(1);
        var mask = new MicrographCleaner(fft).Clean(micrograph, p.Options());
        var file = item.NewFile($"{item.Key}_mask.mrc");
        using (var image = Image2D.FromPixels(mask.Width, mask.Height, mask.Mask, micrograph.PixelSizeA))
            MrcWriter.Write(file.TempPath, image);
        item.Emit(Masks, new FileRow(file.RelativePath, new FileInfo(file.TempPath).Length));
        var picks = coordinates.GetValueOrDefault(item.Key) ?? [];
        var kept = new List<OverlayPick>();
        var removed = new List<OverlayPick>();
        foreach (var c in picks)
        {
            bool bad = mask.IsBad(c.Row.XPx, c.Row.YPx);
            if (bad)
                item.Emit(Rejected, c.Key, c.Row, Reason);
            else
                item.Emit(Coordinates, c.Key, c.Row);
            (bad ? removed : kept).Add(new OverlayPick(c.Row.XPx, c.Row.YPx, c.Row.Votes));
        }
        if (p.Plots)
        {
            var png = item.NewFile($"{item.Key}_picks.png");
            int pickers = picks.Count == 0 ? 1 : picks.Max(c => c.Row.Votes);
            PickOverlay.Save(png.TempPath, micrograph.Span, micrograph.Width, micrograph.Height, kept, removed, p.DiameterA / 2 / micrograph.PixelSizeA,
                pickers, $"{item.Key}: {kept.Count} kept (red 1, orange 2, green {pickers} pickers), {removed.Count} on bad regions (blue), {mask.BadFraction:P0} bad");
            item.Emit(Plots, new FileRow(png.RelativePath, new FileInfo(png.TempPath).Length));
        }
        item.Log($"pick.clean: {item.Key}: {mask.BadFraction:P1} of the micrograph is bad");
    }
}
