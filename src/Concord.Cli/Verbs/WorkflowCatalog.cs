using System.CommandLine;
using Concord.Protocols;
using Concord.Workflow.Protocols;
using Concord.Workflow.Sets;

namespace Concord.Cli.Verbs;

/// <summary>The protocols and set kinds the `concord` command knows: the engine's and the stage catalogue's.</summary>
internal static class WorkflowCatalog
{
    public static ProtocolRegistry Protocols { get; } = StageProtocols.Registry();

    public static SetKindRegistry Kinds => StageProtocols.Kinds;

    public static Option<string> ProjectOption(bool required = true) => new("--project", "-p")
    {
        Description = "Project folder (holds project.sqlite and Runs/).",
        Required = required,
    };

    /// <summary>A TOML literal string ('...', no escapes); a path with a quote or newline cannot be one.</summary>
    public static string TomlLiteral(string value) =>
        value.Contains('\'', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal)
            ? throw new Core.InvalidParameterException("path", $"'{value}' contains a quote or a line break, which a pipeline file cannot hold.")
            : $"'{value}'";
}
