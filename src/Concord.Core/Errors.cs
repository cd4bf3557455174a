namespace Concord.Core;

/// <summary>Base of every error Concord raises on purpose; the CLI turns it into one line and a non-zero exit.</summary>
public class ConcordException : Exception
{
    public ConcordException(string message) : base(message) { }
    public ConcordException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A size or dimension that cannot describe an image, volume or transform (zero, negative, too large).</summary>
public sealed class InvalidDimensionsException : ConcordException
{
    public InvalidDimensionsException(string message) : base(message) { }

    /// <summary>Throws when any of the named sizes is not strictly positive.</summary>
    public static void ThrowIfNotPositive(int nx, int ny, int nz, string what)
    {
        if (nx <= 0 || ny <= 0 || nz <= 0)
            throw new InvalidDimensionsException($"{what}: dimensions must be positive, got {nx}×{ny}×{nz}.");
        if ((long)nx * ny * nz > Array.MaxLength)
            throw new InvalidDimensionsException($"{what}: {nx}×{ny}×{nz} = {(long)nx * ny * nz} elements exceeds the largest single buffer ({Array.MaxLength}).");
    }
}

/// <summary>Two operands whose shapes must agree do not (images of different sizes, a span of the wrong length).</summary>
public sealed class ShapeMismatchException : ConcordException
{
    public ShapeMismatchException(string message) : base(message) { }

    public static void ThrowIfLengthDiffers(int actual, long expected, string what)
    {
        if (actual != expected)
            throw new ShapeMismatchException($"{what}: expected {expected} elements, got {actual}.");
    }
}

/// <summary>A parameter outside its meaningful range (negative pixel size, a B-factor of NaN, an unknown symmetry name).</summary>
public sealed class InvalidParameterException : ConcordException
{
    public InvalidParameterException(string parameter, string message) : base($"{parameter}: {message}") => Parameter = parameter;

    public string Parameter { get; }
}
