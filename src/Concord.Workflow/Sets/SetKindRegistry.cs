namespace Concord.Workflow.Sets;

/// <summary>
/// The set kinds a project knows; opening a project creates the table of every registered kind that is missing and
/// adds the columns of kinds whose version rose since (recorded as migration <c>kind:NAME:vVERSION</c>; see
/// <see cref="SetKind"/> for the rule). Stages add a kind by declaring a <see cref="SetKind{TRow}"/> and registering it here.
/// </summary>
public sealed class SetKindRegistry
{
    private readonly Dictionary<string, SetKind> _kinds = new(StringComparer.Ordinal);

    public SetKindRegistry(IEnumerable<SetKind> kinds)
    {
        foreach (var kind in kinds)
            if (!_kinds.TryAdd(kind.Name, kind) && !ReferenceEquals(_kinds[kind.Name], kind))
                throw new ArgumentException($"set kind '{kind.Name}' is registered twice.");
    }

    /// <summary>The kinds every Concord project has: generic files and the simple EM kinds.</summary>
    public static SetKindRegistry BuiltIn { get; } = new(BuiltInKinds.All);

    public IReadOnlyCollection<SetKind> All => _kinds.Values;

    public bool TryGet(string name, out SetKind kind) => _kinds.TryGetValue(name, out kind!);

    public SetKindRegistry With(params SetKind[] more) => new(_kinds.Values.Concat(more));
}
