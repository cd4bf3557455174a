using Concord.Core;

namespace Concord.Workflow;

/// <summary>One reason a pipeline cannot run, located in its file (line is 1-based; 0 when no line applies).</summary>
public sealed record PipelineError(string File, int Line, string Reason)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Reason}" : $"{File}: {Reason}";
}

/// <summary>A pipeline was rejected before anything ran; carries every error found, each with file, line and reason.</summary>
public sealed class PipelineValidationException : ConcordException
{
    public PipelineValidationException(IReadOnlyList<PipelineError> errors)
        : base(errors.Count == 1 ? errors[0].ToString() : $"{errors.Count} errors:\n" + string.Join("\n", errors))
        => Errors = errors;

    public IReadOnlyList<PipelineError> Errors { get; }
}

/// <summary>A project folder or database that cannot be used as asked (missing, newer schema, unknown set).</summary>
public sealed class ProjectException : ConcordException
{
    public ProjectException(string message) : base(message) { }
}
