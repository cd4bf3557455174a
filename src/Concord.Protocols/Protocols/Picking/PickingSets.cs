using System.Globalization;
using Concord.Core.Ctf;
using Concord.Core.Imaging;
using Concord.IO.Mrc;
using Concord.Picking;
using Concord.Protocols.Sets;
using Concord.Workflow.Protocols;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Protocols.Picking;

/// <summary>
/// What the picking protocols share: coordinate rows to and from <see cref="Pick"/>s per micrograph, the micrograph
/// image a picker reads, and the conversion of a CTF row to the stage's CTF parameters.
/// </summary>
public static class PickingSets
{
    /// <summary>The item key of the <paramref name="index"/>-th (0-based) coordinate of a micrograph: MIC_c00001, sortable.</summary>
    public static string CoordinateKey(string micrographKey, int index) =>
        micrographKey + "_c" + (index + 1).ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>Accepted coordinate rows grouped by micrograph key, in key order within each micrograph.</summary>
    public static Dictionary<string, List<SetRow<CoordinateRow>>> ByMicrograph(IEnumerable<SetRow<CoordinateRow>> rows) =>
        rows.Where(r => r.Reason is null)
            .GroupBy(r => r.Row.MicrographKey, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.Key, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

    /// <summary>Accepted picks per micrograph key.</summary>
    public static Dictionary<string, List<Pick>> Picks(IEnumerable<SetRow<CoordinateRow>> rows) =>
        ByMicrograph(rows).ToDictionary(kv => kv.Key, kv => kv.Value.Select(r => ToPick(r.Row)).ToList(), StringComparer.Ordinal);

    public static Pick ToPick(CoordinateRow row) => new(row.XPx, row.YPx, row.Score);

    /// <summary>
    /// The image pickers and extraction read: the dose-weighted sum when there is one (RELION picks and extracts from
    /// rlnMicrographName, the dose-weighted sum), else the plain sum; its pixel size from the row.
    /// </summary>
    public static string ImagePath(CorrectedMicrographRow row) => row.DoseWeightedPath ?? row.Path;

    public static Image2D ReadMicrograph(OutputBuffer context, CorrectedMicrographRow row)
    {
        using var reader = MrcReader.Open(context.Resolve(ImagePath(row)));
        var image = reader.ReadImage(0);
        image.PixelSizeA = row.PixelSizeA;
        return image;
    }

    /// <summary>The CTF of a micrograph from a CTF row and the micrograph's optics.</summary>
    public static CtfParameters Ctf(CtfRow ctf, CorrectedMicrographRow micrograph) => new CtfParameters
    {
        VoltageKv = micrograph.VoltageKv,
        SphericalAberrationMm = micrograph.SphericalAberrationMm,
        AmplitudeContrast = micrograph.AmplitudeContrast,
        DefocusUA = ctf.DefocusUA,
        DefocusVA = ctf.DefocusVA,
        DefocusAngleDeg = ctf.DefocusAngleDeg,
        PhaseShiftDeg = ctf.PhaseShiftDeg,
    }.Validate();

    /// <summary>Accepted rows of the optional set on <paramref name="port"/> by item key, or null when the port is not connected.</summary>
    public static Dictionary<string, T>? Optional<T>(OutputBuffer context, InputPort<T> port) where T : notnull =>
        context.ReadAll(port).SingleOrDefault() is { } rows
            ? rows.Where(r => r.Reason is null).ToDictionary(r => r.Key, r => r.Row, StringComparer.Ordinal)
            : null;

    /// <summary>Emits <paramref name="picks"/> of one micrograph to <paramref name="port"/>, keyed in order.</summary>
    public static void EmitPicks(OutputBuffer context, OutputPort<CoordinateRow> port, string micrographKey, IReadOnlyList<Pick> picks)
    {
        for (int i = 0; i < picks.Count; i++)
            context.Emit(port, CoordinateKey(micrographKey, i), new CoordinateRow(micrographKey, picks[i].XPx, picks[i].YPx, picks[i].Score, 1));
    }
}

/// <summary>
/// A value computed once per run execution and shared by its items (templates, a trained model, grouped side inputs).
/// It lives in the closure of one <c>Steps</c> call, so a resumed run recomputes it from the committed inputs and outputs.
/// </summary>
public sealed class RunMemo<T> where T : class
{
    private readonly Lock _gate = new();
    private T? _value;

    public T Get(Func<T> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        lock (_gate)
            return _value ??= create();
    }

    /// <summary>The value if one was computed, else null.</summary>
    public T? Peek()
    {
        lock (_gate)
            return _value;
    }
}
