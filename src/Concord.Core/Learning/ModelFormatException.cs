namespace Concord.Core.Learning;

/// <summary>A saved model that cannot be read: not a Concord model file, an unsupported version, truncated, or made for another architecture.</summary>
public sealed class ModelFormatException : ConcordException
{
    public ModelFormatException(string message) : base(message) { }

    public ModelFormatException(string message, Exception inner) : base(message, inner) { }
}
