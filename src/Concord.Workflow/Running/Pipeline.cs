namespace Concord.Workflow.Running;

/// <summary>A value from a pipeline file with the (1-based) line it was written on.</summary>
public sealed record Located<T>(T Value, int Line);

/// <summary>
/// One run requested by a pipeline: a name unique in the pipeline, a protocol, parameter values by snake_case key,
/// and inputs by port, each a list of references "RUN.PORT" to outputs of runs in this pipeline or in the project.
/// </summary>
public sealed record PipelineRun(
    Located<string> Name,
    Located<string> Protocol,
    IReadOnlyDictionary<string, Located<object?>> Parameters,
    IReadOnlyDictionary<string, Located<IReadOnlyList<string>>> Inputs,
    int Line);

/// <summary>A parsed pipeline: where it came from, its text (stored in the project for resume) and its runs.</summary>
public sealed record Pipeline(string Source, string Text, IReadOnlyList<PipelineRun> Runs);
