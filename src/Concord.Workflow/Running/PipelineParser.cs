using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Concord.Workflow.Running;

/// <summary>
/// Reads a pipeline file (TOML) from its syntax tree, so that every error carries the file and line:
/// <code>
/// [[run]]
/// name = "picks"
/// protocol = "picking.log"
/// inputs = { micrographs = "import.micrographs" }
/// [run.params]
/// diameter_a = 150.0
/// </code>
/// </summary>
public static class PipelineParser
{
    public static Pipeline ParseFile(string path) => Parse(File.ReadAllText(path), path);

    public static Pipeline Parse(string text, string source)
    {
        var errors = new List<PipelineError>();
        // Tomlyn's semantic validation (2.10) mis-indexes sub-tables of the 3rd and later [[run]] entries and reports
        // valid files as redefinitions; the syntax pass is enough, as duplicates are checked below with their lines.
        var document = SyntaxParser.Parse(text, source, validate: false);
        foreach (var d in document.Diagnostics)
            errors.Add(new PipelineError(source, d.Span.Start.Line + 1, d.Message));
        if (errors.Count > 0)
            throw new PipelineValidationException(errors);

        foreach (var kv in document.KeyValues)
            errors.Add(new PipelineError(source, LineOf(kv), $"unexpected top-level key '{KeyText(kv.Key)}'; a pipeline is a list of [[run]] tables."));
        var runs = new List<RunBuilder>();
        foreach (var table in document.Tables)
        {
            string name = KeyText(table.Name);
            int line = LineOf(table);
            if (table is TableArraySyntax && name == "run")
                runs.Add(ReadRunTable(table, source, errors));
            else if (table is TableSyntax && name is "run.params" or "run.inputs" && runs.Count > 0)
                ReadSection(runs[^1], name == "run.params" ? runs[^1].Parameters : null, table, source, errors);
            else
                errors.Add(new PipelineError(source, line, $"unexpected table [{name}]; expected [[run]], [run.params] or [run.inputs] after a [[run]]."));
        }
        if (runs.Count == 0 && errors.Count == 0)
            errors.Add(new PipelineError(source, 1, "the pipeline has no [[run]] tables."));
        var built = runs.Select(r => r.Build(source, errors)).ToList();
        if (errors.Count > 0)
            throw new PipelineValidationException(errors);
        return new Pipeline(source, text, built!);
    }

    private static RunBuilder ReadRunTable(TableSyntaxBase table, string source, List<PipelineError> errors)
    {
        var run = new RunBuilder(LineOf(table));
        foreach (var kv in table.Items)
        {
            string key = KeyText(kv.Key);
            int line = LineOf(kv);
            switch (key)
            {
                case "name" or "protocol" when kv.Value is StringValueSyntax s:
                    if (key == "name")
                        run.Name = new Located<string>(s.Value ?? "", line);
                    else
                        run.Protocol = new Located<string>(s.Value ?? "", line);
                    break;
                case "name" or "protocol":
                    errors.Add(new PipelineError(source, line, $"'{key}' must be a string."));
                    break;
                case "params" or "inputs" when kv.Value is InlineTableSyntax inline:
                    foreach (var item in inline.Items)
                        if (item.KeyValue is { } entry)
                            Add(run, key == "params" ? run.Parameters : null, entry, source, errors);
                    break;
                default:
                    errors.Add(new PipelineError(source, line, $"unexpected key '{key}' in [[run]]; expected name, protocol, params, inputs."));
                    break;
            }
        }
        return run;
    }

    private static void ReadSection(RunBuilder run, Dictionary<string, Located<object?>>? parameters, TableSyntaxBase table, string source, List<PipelineError> errors)
    {
        foreach (var kv in table.Items)
            Add(run, parameters, kv, source, errors);
    }

    /// <summary>Adds one key to the run's parameters (when <paramref name="parameters"/> is given) or inputs.</summary>
    private static void Add(RunBuilder run, Dictionary<string, Located<object?>>? parameters, KeyValueSyntax kv, string source, List<PipelineError> errors)
    {
        string key = KeyText(kv.Key);
        int line = LineOf(kv);
        if (parameters is not null)
        {
            if (!parameters.TryAdd(key, new Located<object?>(ScalarValue(kv.Value), line)))
                errors.Add(new PipelineError(source, line, $"parameter '{key}' is given twice."));
            return;
        }
        var refs = kv.Value switch
        {
            StringValueSyntax s => [s.Value ?? ""],
            ArraySyntax a when a.Items.All(i => i.Value is StringValueSyntax) => a.Items.Select(i => ((StringValueSyntax)i.Value!).Value ?? "").ToList(),
            _ => (List<string>?)null,
        };
        if (refs is null)
            errors.Add(new PipelineError(source, line, $"input '{key}' must be \"RUN.PORT\" or a list of them."));
        else if (!run.Inputs.TryAdd(key, new Located<IReadOnlyList<string>>(refs, line)))
            errors.Add(new PipelineError(source, line, $"input '{key}' is given twice."));
    }

    private static object? ScalarValue(ValueSyntax? value) => value switch
    {
        StringValueSyntax s => s.Value,
        IntegerValueSyntax i => i.Value,
        FloatValueSyntax f => f.Value,
        BooleanValueSyntax b => b.Value,
        _ => value?.ToString()?.Trim(),
    };

    private static string KeyText(KeySyntax? key)
    {
        if (key is null)
            return "";
        var parts = new List<string> { Part(key.Key) };
        parts.AddRange(key.DotKeys.Select(d => Part(d.Key)));
        return string.Join('.', parts);
    }

    private static string Part(BareKeyOrStringValueSyntax? part) => part switch
    {
        BareKeySyntax bare => bare.Key?.Text ?? "",
        StringValueSyntax s => s.Value ?? "",
        _ => "",
    };

    private static int LineOf(SyntaxNode node) => node.Span.Start.Line + 1;

    private sealed class RunBuilder(int line)
    {
        public int Line { get; } = line;
        public Located<string>? Name { get; set; }
        public Located<string>? Protocol { get; set; }
        public Dictionary<string, Located<object?>> Parameters { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, Located<IReadOnlyList<string>>> Inputs { get; } = new(StringComparer.Ordinal);

        public PipelineRun? Build(string source, List<PipelineError> errors)
        {
            if (Name is null || Name.Value.Length == 0)
                errors.Add(new PipelineError(source, Line, "[[run]] needs a name."));
            if (Protocol is null || Protocol.Value.Length == 0)
                errors.Add(new PipelineError(source, Line, "[[run]] needs a protocol (`concord protocols` lists them)."));
            return Name is null || Protocol is null ? null
                : new PipelineRun(Name, Protocol, Parameters, Inputs.ToDictionary(kv => kv.Key, kv => kv.Value), Line);
        }
    }
}
