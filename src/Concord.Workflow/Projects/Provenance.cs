namespace Concord.Workflow.Projects;

/// <summary>One link of a provenance chain: a set, the run that produced it, that run's parameters and input sets.</summary>
public sealed record ProvenanceNode(SetInfo Set, RunInfo Producer, IReadOnlyList<(string Port, long SetId)> Inputs, int Depth);

/// <summary>Walks back from a set through the runs and input sets that produced it.</summary>
public static class Provenance
{
    /// <summary>The set, then its producer's input sets, recursively (depth-first, each set once).</summary>
    public static IReadOnlyList<ProvenanceNode> Chain(Project project, long setId)
    {
        var sets = project.Sets().ToDictionary(s => s.Id);
        var runs = project.Runs().ToDictionary(r => r.Id);
        var chain = new List<ProvenanceNode>();
        var seen = new HashSet<long>();
        Walk(setId, 0);
        return chain;

        void Walk(long id, int depth)
        {
            if (!seen.Add(id) || !sets.TryGetValue(id, out var set))
                return;
            var inputs = project.RunInputs(set.RunId);
            chain.Add(new ProvenanceNode(set, runs[set.RunId], inputs, depth));
            foreach (var (_, input) in inputs)
                Walk(input, depth + 1);
        }
    }
}
