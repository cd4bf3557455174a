using Concord.Core;

namespace Concord.Picking.Consensus;

/// <summary>One particle position agreed (or not) across pickers: the mean of its members and who found it.</summary>
/// <param name="XPx">Mean x of the members (micrograph pixels).</param>
/// <param name="YPx">Mean y of the members.</param>
/// <param name="Methods">Names of the pickers that found it, sorted ordinally.</param>
/// <param name="Members">Each member pick, in the order of <paramref name="Methods"/>.</param>
public sealed record ConsensusCoordinate(double XPx, double YPx, IReadOnlyList<string> Methods, IReadOnlyList<Pick> Members)
{
    public int Votes => Methods.Count;
}

/// <summary>A coordinate that did not reach the vote threshold, with the reason a user reads.</summary>
public sealed record RejectedCoordinate(ConsensusCoordinate Coordinate, string Reason);

/// <summary>Agreement of two pickers: |A ∩ B| / |A ∪ B| counted in matched coordinates.</summary>
public sealed record PairAgreement(string MethodA, string MethodB, int Both, int Either, double Jaccard);

/// <summary>What <see cref="CoordinateConsensus.Run"/> returns.</summary>
/// <param name="All">Every matched coordinate (the union), sorted by position.</param>
/// <param name="Agreed">Those found by at least the required number of pickers.</param>
/// <param name="Rejected">The others, each with a reason.</param>
/// <param name="Pairs">Jaccard index of every pair of pickers (names ordinal, A &lt; B).</param>
public sealed record ConsensusResult(IReadOnlyList<ConsensusCoordinate> All, IReadOnlyList<ConsensusCoordinate> Agreed,
    IReadOnlyList<RejectedCoordinate> Rejected, IReadOnlyList<PairAgreement> Pairs, int Methods)
{
    /// <summary>Coordinates every picker found.</summary>
    public IReadOnlyList<ConsensusCoordinate> Intersection => All.Where(c => c.Votes == Methods).ToList();

    /// <summary>Coordinates at least <paramref name="k"/> pickers found.</summary>
    public IReadOnlyList<ConsensusCoordinate> FoundByAtLeast(int k) => All.Where(c => c.Votes >= k).ToList();
}

/// <summary>
/// Consensus of N pickers on one micrograph (after Xmipp's picking consensus, Sorzano et al. 2020, done purely):
/// coordinates of different pickers within <c>radius</c> are matched one-to-one, each match becomes one coordinate
/// with the set of pickers that found it, and coordinates found by fewer than <c>minVotes</c> pickers are rejected
/// with a reason.
/// <para>
/// Matching is greedy by distance, which is what "optimal assignment" reduces to here: all cross-picker pairs within
/// the radius are taken shortest first, and a pair joins two groups only if the groups share no picker and every
/// member of the union stays within the radius of every other (complete linkage). For two pickers whose own picks are
/// more than 2·radius apart (their non-maximum suppression distance; the usual case, radius ≈ ¼–½ diameter), each
/// pick has at most one partner within the radius, the assignment is unique and greedy equals the Hungarian optimum.
/// For N ≥ 3 exact optimal grouping is multi-dimensional assignment (NP-hard); greedy-by-distance keeps the closest
/// agreements, is a 2-approximation of the minimum total distance for two lists, and is fully order independent
/// because ties are broken by picker name and position, never by input order (the permutation property test).
/// </para>
/// </summary>
public static class CoordinateConsensus
{
    /// <summary>Runs the consensus of <paramref name="sets"/> (distinct method names) with matching radius <paramref name="radiusPx"/>.</summary>
    public static ConsensusResult Run(IReadOnlyList<PickSet> sets, double radiusPx, int minVotes)
    {
        ArgumentNullException.ThrowIfNull(sets);
        if (sets.Count == 0)
            throw new InvalidParameterException("pickers", "consensus needs at least one set of picks.");
        if (sets.Select(s => s.Method).Distinct(StringComparer.Ordinal).Count() != sets.Count)
            throw new InvalidParameterException("pickers", "method names must be distinct.");
        if (!(radiusPx > 0))
            throw new InvalidParameterException("radius", $"must be positive, got {radiusPx} px.");
        if (minVotes < 1 || minVotes > sets.Count)
            throw new InvalidParameterException("min-votes", $"must be 1–{sets.Count}, got {minVotes}.");
        var ordered = sets.OrderBy(s => s.Method, StringComparer.Ordinal).ToList();
        var nodes = ordered.SelectMany((s, m) => s.Picks.Select(p => new Node(m, p))).ToList();
        var groups = Group(nodes, ordered.Count, radiusPx);
        var all = groups.Select(g => ToCoordinate(g, nodes, ordered))
            .OrderBy(c => c.XPx).ThenBy(c => c.YPx).ThenBy(c => string.Join(",", c.Methods), StringComparer.Ordinal).ToList();
        var agreed = all.Where(c => c.Votes >= minVotes).ToList();
        var rejected = all.Where(c => c.Votes < minVotes)
            .Select(c => new RejectedCoordinate(c, $"found by {c.Votes} of {ordered.Count} pickers ({string.Join(", ", c.Methods)}); {minVotes} needed"))
            .ToList();
        return new ConsensusResult(all, agreed, rejected, Pairs(ordered, all), ordered.Count);
    }

    /// <summary>One-to-one matches between two lists within the radius (greedy by distance); indices into each list.</summary>
    public static IReadOnlyList<(int A, int B, double Distance)> Match(IReadOnlyList<Pick> a, IReadOnlyList<Pick> b, double radiusPx)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var result = new List<(int, int, double)>();
        var edges = Edges(a.Select(p => new Node(0, p)).Concat(b.Select(p => new Node(1, p))).ToList(), radiusPx);
        var usedA = new bool[a.Count];
        var usedB = new bool[b.Count];
        foreach (var e in edges)
        {
            int i = e.First, j = e.Second - a.Count;
            if (usedA[i] || usedB[j])
                continue;
            usedA[i] = usedB[j] = true;
            result.Add((i, j, e.Distance));
        }
        return result;
    }

    private readonly record struct Node(int Method, Pick Pick);

    private readonly record struct Edge(int First, int Second, double Distance);

    /// <summary>Cross-method pairs within the radius, shortest first; ties by method and position (never by input order).</summary>
    private static List<Edge> Edges(List<Node> nodes, double radiusPx)
    {
        var grid = new Dictionary<(int, int), List<int>>();
        for (int i = 0; i < nodes.Count; i++)
        {
            var key = Cell(nodes[i].Pick, radiusPx);
            if (!grid.TryGetValue(key, out var list))
                grid[key] = list = [];
            list.Add(i);
        }
        var edges = new List<Edge>();
        double r2 = radiusPx * radiusPx;
        for (int i = 0; i < nodes.Count; i++)
        {
            var (cx, cy) = Cell(nodes[i].Pick, radiusPx);
            for (int gy = cy - 1; gy <= cy + 1; gy++)
                for (int gx = cx - 1; gx <= cx + 1; gx++)
                {
                    if (!grid.TryGetValue((gx, gy), out var list))
                        continue;
                    foreach (int j in list)
                    {
                        if (j <= i || nodes[j].Method == nodes[i].Method)
                            continue;
                        double d2 = Distance2(nodes[i].Pick, nodes[j].Pick);
                        if (d2 <= r2)
                            edges.Add(nodes[i].Method < nodes[j].Method ? new Edge(i, j, Math.Sqrt(d2)) : new Edge(j, i, Math.Sqrt(d2)));
                    }
                }
        }
        edges.Sort((e, f) => CompareEdges(e, f, nodes));
        return edges;
    }

    private static int CompareEdges(Edge e, Edge f, List<Node> nodes)
    {
        int c = e.Distance.CompareTo(f.Distance);
        if (c != 0) return c;
        c = nodes[e.First].Method.CompareTo(nodes[f.First].Method);
        if (c != 0) return c;
        c = nodes[e.Second].Method.CompareTo(nodes[f.Second].Method);
        if (c != 0) return c;
        c = ComparePicks(nodes[e.First].Pick, nodes[f.First].Pick);
        return c != 0 ? c : ComparePicks(nodes[e.Second].Pick, nodes[f.Second].Pick);
    }

    private static int ComparePicks(Pick a, Pick b)
    {
        int c = a.XPx.CompareTo(b.XPx);
        if (c != 0) return c;
        c = a.YPx.CompareTo(b.YPx);
        return c != 0 ? c : a.Score.CompareTo(b.Score);
    }

    private static List<List<int>> Group(List<Node> nodes, int methods, double radiusPx)
    {
        var groupOf = Enumerable.Range(0, nodes.Count).ToArray();
        var members = Enumerable.Range(0, nodes.Count).Select(i => new List<int> { i }).ToArray();
        double r2 = radiusPx * radiusPx;
        foreach (var e in Edges(nodes, radiusPx))
        {
            int ga = groupOf[e.First], gb = groupOf[e.Second];
            if (ga == gb || members[ga].Count + members[gb].Count > methods)
                continue;
            var a = members[ga];
            var b = members[gb];
            if (a.Any(i => b.Any(j => nodes[i].Method == nodes[j].Method || Distance2(nodes[i].Pick, nodes[j].Pick) > r2)))
                continue;
            a.AddRange(b);
            foreach (int j in b)
                groupOf[j] = ga;
            members[gb] = [];
        }
        return members.Where(m => m.Count > 0).ToList();
    }

    private static ConsensusCoordinate ToCoordinate(List<int> group, List<Node> nodes, List<PickSet> sets)
    {
        var sorted = group.OrderBy(i => nodes[i].Method).ToList();
        return new ConsensusCoordinate(sorted.Average(i => nodes[i].Pick.XPx), sorted.Average(i => nodes[i].Pick.YPx),
            sorted.Select(i => sets[nodes[i].Method].Method).ToList(), sorted.Select(i => nodes[i].Pick).ToList());
    }

    private static List<PairAgreement> Pairs(List<PickSet> sets, List<ConsensusCoordinate> all)
    {
        var pairs = new List<PairAgreement>();
        for (int a = 0; a < sets.Count; a++)
            for (int b = a + 1; b < sets.Count; b++)
            {
                string na = sets[a].Method, nb = sets[b].Method;
                int both = all.Count(c => c.Methods.Contains(na) && c.Methods.Contains(nb));
                int either = all.Count(c => c.Methods.Contains(na) || c.Methods.Contains(nb));
                pairs.Add(new PairAgreement(na, nb, both, either, either == 0 ? 1 : (double)both / either));
            }
        return pairs;
    }

    private static (int, int) Cell(Pick p, double size) => ((int)Math.Floor(p.XPx / size), (int)Math.Floor(p.YPx / size));

    private static double Distance2(Pick a, Pick b) => (a.XPx - b.XPx) * (a.XPx - b.XPx) + (a.YPx - b.YPx) * (a.YPx - b.YPx);
}
