using Concord.Workflow.Sets;

namespace Concord.Workflow.Protocols;

/// <summary>
/// A typed input of a protocol: a pointer to an output set of an earlier run of the expected kind. A port with
/// <see cref="MaxSets"/> above 1 takes several sets of that kind (a consensus of N methods).
/// </summary>
public abstract class InputPort(string name, SetKind kind, string help, int minSets, int maxSets)
{
    public string Name { get; } = name;
    public SetKind Kind { get; } = kind;
    public string Help { get; } = help;
    public int MinSets { get; } = minSets;
    public int MaxSets { get; } = maxSets;
}

/// <summary>An input port whose rows are <typeparamref name="TRow"/>.</summary>
public sealed class InputPort<TRow>(string name, SetKind<TRow> kind, string help, int minSets = 1, int maxSets = 1)
    : InputPort(name, kind, help, minSets, maxSets) where TRow : notnull
{
    public new SetKind<TRow> Kind { get; } = kind;
}

/// <summary>A declared output set of a protocol.</summary>
public abstract class OutputPort(string name, SetKind kind, string help)
{
    public string Name { get; } = name;
    public SetKind Kind { get; } = kind;
    public string Help { get; } = help;
}

/// <summary>An output port whose rows are <typeparamref name="TRow"/>.</summary>
public sealed class OutputPort<TRow>(string name, SetKind<TRow> kind, string help) : OutputPort(name, kind, help) where TRow : notnull
{
    public new SetKind<TRow> Kind { get; } = kind;
}
