using System.Collections.Frozen;

namespace Concord.IO.Star;

/// <summary>The value type a STAR label carries.</summary>
public enum StarValueType
{
    String,
    Double,
    Int,
    Bool,
}

/// <summary>
/// One STAR label: its name without the leading underscore (<c>rlnDefocusU</c>), value type, unit and meaning.
/// Two labels are equal when their names are; labels Concord does not know are created on the fly by
/// <see cref="Get"/> (type <see cref="StarValueType.String"/>) so they survive a round trip.
/// </summary>
public sealed class StarLabel : IEquatable<StarLabel>
{
    private static readonly FrozenDictionary<string, StarLabel> Known =
        StarLabels.All.ToFrozenDictionary(l => l.Name, StringComparer.Ordinal);

    internal StarLabel(string name, StarValueType type, string unit, string doc)
    {
        Name = name;
        Type = type;
        Unit = unit;
        Doc = doc;
    }

    /// <summary>The name without underscore, e.g. <c>rlnImageName</c>.</summary>
    public string Name { get; }

    public StarValueType Type { get; }

    /// <summary>Unit as written in files (Å, px, deg, kV, mm, mrad, µm, Å²), empty for none.</summary>
    public string Unit { get; }

    public string Doc { get; }

    /// <summary>The name as it appears in a file: <c>_rlnImageName</c>.</summary>
    public string Tag => "_" + Name;

    /// <summary>True when the label is part of Concord's vocabulary.</summary>
    public bool IsKnown => Known.TryGetValue(Name, out var k) && ReferenceEquals(k, this);

    /// <summary>The vocabulary label called <paramref name="name"/> (with or without underscore), or a new string-typed one.</summary>
    public static StarLabel Get(string name)
    {
        string bare = name.StartsWith('_') ? name[1..] : name;
        return Known.TryGetValue(bare, out var label) ? label : new StarLabel(bare, StarValueType.String, "", "not in Concord's vocabulary; preserved as text");
    }

    /// <summary>The vocabulary label for <paramref name="name"/>, or null when Concord does not know it.</summary>
    public static StarLabel? Find(string name) => Known.GetValueOrDefault(name.StartsWith('_') ? name[1..] : name);

    public bool Equals(StarLabel? other) => other is not null && string.Equals(Name, other.Name, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as StarLabel);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    public override string ToString() => Tag;
}
