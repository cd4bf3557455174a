using System.Globalization;

namespace Concord.IO.Star;

/// <summary>A key–value pair of a data block; <see cref="RawValue"/> is the token as written (quotes included).</summary>
public sealed record StarPair(StarLabel Label, string RawValue)
{
    /// <summary>The value without quotes.</summary>
    public string Value => RawValue.Length >= 2 && RawValue[0] is '"' or '\'' && RawValue[^1] == RawValue[0] ? RawValue[1..^1] : RawValue;
}

/// <summary>One <c>data_NAME</c> block: comments, key–value pairs and loops, in file order.</summary>
public sealed class StarBlock
{
    public StarBlock(string name) => Name = name;

    /// <summary>The name after <c>data_</c> (may be empty, as in RELION 3.0 files).</summary>
    public string Name { get; }

    /// <summary>Comment lines (without '#') that came before <c>data_</c>, e.g. RELION's "# version 30001".</summary>
    public List<string> LeadingComments { get; } = [];

    /// <summary>Comment lines inside the block; written after the <c>data_</c> line.</summary>
    public List<string> Comments { get; } = [];

    public List<StarPair> Pairs { get; } = [];
    public List<StarTable> Loops { get; } = [];

    /// <summary>The block's loop (RELION blocks hold at most one), or null.</summary>
    public StarTable? Loop => Loops.Count > 0 ? Loops[0] : null;

    /// <summary>The block's loop; throws <see cref="StarFormatException"/> when the block has none.</summary>
    public StarTable RequireLoop(string path = "") =>
        Loop ?? throw new StarFormatException(path, 0, "", $"data_{Name} holds no loop_.");

    public StarPair? FindPair(StarLabel label) => Pairs.Find(p => p.Label.Equals(label));

    public string? GetString(StarLabel label) => FindPair(label)?.Value;

    public double? GetDouble(StarLabel label) =>
        FindPair(label) is { } p && double.TryParse(p.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : null;

    /// <summary>Sets (or adds) a key–value pair.</summary>
    public void Set(StarLabel label, string value)
    {
        var pair = new StarPair(label, StarSyntax.QuoteIfNeeded(value));
        int i = Pairs.FindIndex(p => p.Label.Equals(label));
        if (i >= 0)
            Pairs[i] = pair;
        else
            Pairs.Add(pair);
    }

    public void Set(StarLabel label, double value) => Set(label, value.ToString("R", CultureInfo.InvariantCulture));
}

/// <summary>A STAR file: its data blocks in order.</summary>
public sealed class StarDocument
{
    public List<StarBlock> Blocks { get; } = [];

    /// <summary>File the document was read from, for error messages (empty when built in memory).</summary>
    public string SourcePath { get; init; } = "";

    /// <summary>The block named <paramref name="name"/> (without <c>data_</c>), or null.</summary>
    public StarBlock? Find(string name) => Blocks.Find(b => b.Name == name);

    /// <summary>The block named <paramref name="name"/>; throws <see cref="StarFormatException"/> listing the blocks present.</summary>
    public StarBlock Require(string name) =>
        Find(name) ?? throw new StarFormatException(SourcePath, 0, "", $"expected a data_{name} block; found {string.Join(", ", Blocks.Select(b => "data_" + b.Name))}.");

    /// <summary>Adds a new block and returns it.</summary>
    public StarBlock Add(string name)
    {
        var block = new StarBlock(name);
        Blocks.Add(block);
        return block;
    }
}
