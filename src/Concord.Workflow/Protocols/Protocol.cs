namespace Concord.Workflow.Protocols;

/// <summary>
/// A protocol: a named, versioned unit of work with a parameter record, typed input ports, declared outputs and
/// ordered steps. The runner validates everything before a run starts and records provenance for every output.
/// </summary>
public interface IProtocol
{
    /// <summary>Registry name, dotted and lower-case ("import.files", "ctf.consensus").</summary>
    string Name { get; }

    /// <summary>Bumped when the same parameters would now give different results; part of the run hash.</summary>
    int Version { get; }

    /// <summary>One sentence for `concord protocols`.</summary>
    string Summary { get; }

    Type ParametersType { get; }
    IReadOnlyList<InputPort> Inputs { get; }
    IReadOnlyList<OutputPort> Outputs { get; }

    /// <summary>The steps of one run, in order, bound to its (already validated) parameters.</summary>
    IReadOnlyList<Step> CreateSteps(ProtocolParameters parameters);
}

/// <summary>Convenience base: typed parameters of record type <typeparamref name="TParams"/>.</summary>
public abstract class Protocol<TParams> : IProtocol where TParams : ProtocolParameters, new()
{
    public abstract string Name { get; }
    public virtual int Version => 1;
    public abstract string Summary { get; }
    public Type ParametersType => typeof(TParams);
    public abstract IReadOnlyList<InputPort> Inputs { get; }
    public abstract IReadOnlyList<OutputPort> Outputs { get; }

    public IReadOnlyList<Step> CreateSteps(ProtocolParameters parameters) => Steps((TParams)parameters);

    protected abstract IReadOnlyList<Step> Steps(TParams parameters);
}

/// <summary>The protocols a runner may use, by name; the product's list and a test's list are separate instances.</summary>
public sealed class ProtocolRegistry
{
    private readonly SortedDictionary<string, IProtocol> _byName = new(StringComparer.Ordinal);

    public ProtocolRegistry(IEnumerable<IProtocol> protocols)
    {
        foreach (var p in protocols)
            if (!_byName.TryAdd(p.Name, p))
                throw new ArgumentException($"protocol '{p.Name}' is registered twice.");
    }

    public IReadOnlyCollection<IProtocol> All => _byName.Values;

    public bool TryGet(string name, out IProtocol protocol) => _byName.TryGetValue(name, out protocol!);
}
