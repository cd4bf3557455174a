using System.Globalization;

namespace Concord.IO.Star;

/// <summary>
/// An image reference as RELION writes it in <c>rlnImageName</c>: <c>N@stack.mrcs</c> names image N (1-based) of a
/// stack; a bare path names a whole file (a single image or volume).
/// </summary>
public readonly record struct StarImageReference(string Path, int? Number)
{
    /// <summary>0-based index into the stack, or null for a whole file.</summary>
    public int? Index => Number - 1;

    public static StarImageReference Parse(string text)
    {
        int at = text.IndexOf('@');
        if (at < 0)
            return new StarImageReference(text, null);
        if (!int.TryParse(text.AsSpan(0, at), NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number < 1 || at == text.Length - 1)
            throw new StarFormatException("", 0, StarLabels.ImageName.Tag, $"expected N@path with N ≥ 1, found '{text}'.");
        return new StarImageReference(text[(at + 1)..], number);
    }

    /// <summary>The reference for the 0-based image <paramref name="index"/> of <paramref name="path"/>.</summary>
    public static StarImageReference ForIndex(string path, int index) => new(path, index + 1);

    /// <summary>RELION's spelling: the number zero-padded to six digits, as relion_preprocess writes it.</summary>
    public override string ToString() => Number is int n ? $"{n.ToString("D6", CultureInfo.InvariantCulture)}@{Path}" : Path;
}
