using System.Globalization;
using Concord.Core;
using Concord.Picking;
using Concord.Picking.Consensus;
using Concord.Protocols.Sets;
using Concord.Workflow.Protocols;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Protocols.Picking;

/// <summary>Parameters of <see cref="PickConsensusProtocol"/>.</summary>
public sealed record PickConsensusParameters : PickingParameters
{
    [Param("Radius", "Coordinates of different pickers closer than this fraction of the diameter are the same particle.", Min = 0.01, Max = 2)]
    public double RadiusFraction { get; init; } = 0.25;

    [Param("Min votes", "Pickers that must find a coordinate for it to be kept (0: all of them).", Min = 0, Max = 16)]
    public int MinVotes { get; init; }
}

/// <summary>The coordinate sets of N pickers on the micrographs, read once, and the consensus of one micrograph.</summary>
public sealed class PickerSets
{
    private PickerSets(IReadOnlyList<string> names, IReadOnlyList<Dictionary<string, List<Pick>>> picks)
    {
        Names = names;
        PicksByMicrograph = picks;
    }

    /// <summary>The pickers' names: the producing RUN.PORT of each set (distinct, so a vote names who voted).</summary>
    public IReadOnlyList<string> Names { get; }

    public IReadOnlyList<Dictionary<string, List<Pick>>> PicksByMicrograph { get; }

    public int Count => Names.Count;

    public static PickerSets Read(OutputBuffer context, InputPort<CoordinateRow> port)
    {
        ArgumentNullException.ThrowIfNull(context);
        var names = context.SourceNames(port);
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            throw new InvalidParameterException(port.Name, $"the same set is connected twice ({string.Join(", ", names)}); connect each picker once.");
        return new PickerSets(names, context.ReadAll(port).Select(PickingSets.Picks).ToList());
    }

    /// <summary>
    /// The votes on one micrograph (<see cref="CoordinateConsensus"/>, after Xmipp's picking consensus): picks of
    /// different pickers within <paramref name="radiusPx"/> are matched one-to-one; fewer than
    /// <paramref name="minVotes"/> pickers: rejected with the reason.
    /// </summary>
    public ConsensusResult Consensus(string micrographKey, double radiusPx, int minVotes) =>
        CoordinateConsensus.Run(Names.Select((n, i) => new PickSet(n, PicksByMicrograph[i].GetValueOrDefault(micrographKey) ?? [])).ToList(), radiusPx, minVotes);

    /// <summary>The row of a consensus coordinate: the mean position, the mean of its members' scores and its votes.</summary>
    public static CoordinateRow Row(string micrographKey, ConsensusCoordinate c, double? score = null) =>
        new(micrographKey, c.XPx, c.YPx, score ?? c.Members.Average(m => m.Score), c.Votes);
}

/// <summary>The <c>consensus</c> report: per-picker counts, votes histogram and Jaccard index of every pair of pickers.</summary>
public sealed record PickConsensusReport(IReadOnlyList<string> Pickers, IReadOnlyDictionary<string, int> PicksPerPicker, int MinVotes,
    IReadOnlyDictionary<string, int> CoordinatesByVotes, IReadOnlyList<PairAgreement> Pairs);

/// <summary>
/// Consensus of N pickers (Sorzano et al. 2020, Xmipp's picking consensus): per micrograph, coordinates of different
/// pickers within a radius (¼ diameter by default) are matched one-to-one, each match becomes one coordinate at the
/// members' mean with its votes; those found by at least <c>min_votes</c> pickers go to <c>consensus</c>, the others to
/// <c>rejected</c> with the reason, and those only one picker found also to <c>only_one</c> (the negatives of deep
/// consensus). Reports <c>picking</c> (on <c>consensus</c>, with truth) and <c>consensus</c> (votes, pair Jaccard).
/// </summary>
public sealed class PickConsensusProtocol : Protocol<PickConsensusParameters>
{
    public static InputPort<CoordinateRow> Sets { get; } = new("sets", EmKinds.Coordinate, "the coordinate sets of the pickers (2 to 16)", 2, 16);
    public static InputPort<CorrectedMicrographRow> Micrographs { get; } = new("micrographs", EmKinds.CorrectedMicrograph, "the picked micrographs (pixel size; truth)");
    public static OutputPort<CoordinateRow> Consensus { get; } = new("consensus", EmKinds.Coordinate, "coordinates found by at least min_votes pickers (votes, mean position)");
    public static OutputPort<CoordinateRow> Rejected { get; } = new("rejected", EmKinds.Coordinate, "coordinates below min_votes, with who found them");
    public static OutputPort<CoordinateRow> OnlyOne { get; } = new("only_one", EmKinds.Coordinate, "coordinates exactly one picker found");

    public override string Name => "pick.consensus";
    public override string Summary => "Vote N pickers' coordinates (one-to-one within a radius); keep those min_votes pickers found.";
    public override IReadOnlyList<InputPort> Inputs => [Sets, Micrographs];
    public override IReadOnlyList<OutputPort> Outputs => [Consensus, Rejected, OnlyOne];

    protected override IReadOnlyList<Step> Steps(PickConsensusParameters parameters) =>
    [
        new SetStep("consensus", context => Vote(parameters, context)),
        PickingReport.Step(Name, Consensus, Rejected, Micrographs, parameters.DiameterA),
    ];

    private static void Vote(PickConsensusParameters p, StepContext context)
    {
        var sets = PickerSets.Read(context, Sets);
        int minVotes = p.MinVotes == 0 ? sets.Count : p.MinVotes;
        if (minVotes > sets.Count)
            throw new InvalidParameterException("min_votes", $"must be at most the {sets.Count} connected sets, got {minVotes}.");
        var byVotes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var pairs = new Dictionary<(string, string), (int Both, int Either)>();
        foreach (var m in context.Read(Micrographs).Where(m => m.Reason is null))
        {
            var result = sets.Consensus(m.Key, p.RadiusFraction * p.DiameterA / m.Row.PixelSizeA, minVotes);
            var reasons = result.Rejected.ToDictionary(r => r.Coordinate, r => r.Reason);
            for (int i = 0; i < result.All.Count; i++)
            {
                var c = result.All[i];
                string key = PickingSets.CoordinateKey(m.Key, i);
                var row = PickerSets.Row(m.Key, c);
                if (reasons.TryGetValue(c, out var reason))
                    context.Emit(Rejected, key, row, "votes: " + reason);
                else
                    context.Emit(Consensus, key, row);
                if (c.Votes == 1)
                    context.Emit(OnlyOne, key, row);
                string votes = c.Votes.ToString(CultureInfo.InvariantCulture);
                byVotes[votes] = byVotes.GetValueOrDefault(votes) + 1;
            }
            foreach (var pair in result.Pairs)
            {
                var (both, either) = pairs.GetValueOrDefault((pair.MethodA, pair.MethodB));
                pairs[(pair.MethodA, pair.MethodB)] = (both + pair.Both, either + pair.Either);
            }
        }
        var perPicker = sets.Names.Select((n, i) => (n, sets.PicksByMicrograph[i].Values.Sum(l => l.Count))).ToDictionary(x => x.n, x => x.Item2, StringComparer.Ordinal);
        context.Report("consensus", new PickConsensusReport(sets.Names, perPicker, minVotes, byVotes,
            pairs.OrderBy(kv => kv.Key).Select(kv => new PairAgreement(kv.Key.Item1, kv.Key.Item2, kv.Value.Both, kv.Value.Either,
                kv.Value.Either == 0 ? 1 : (double)kv.Value.Both / kv.Value.Either)).ToList()));
    }
}
