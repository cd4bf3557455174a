using System.CommandLine;

using Concord.Workflow.Protocols;
using Concord.Workflow.Sets;

namespace Concord.Cli.Verbs;

/// <summary>The protocols and set kinds the `concord` command knows; stage catalogues are appended here as they land.</summary>
internal static class WorkflowCatalog
{
    public static ProtocolRegistry Protocols { get; } = new(EngineProtocols.All);

    public static SetKindRegistry Kinds => SetKindRegistry.BuiltIn;

    public static Option<string> ProjectOption(bool required = true) => new("--project", "-p")
    {
        Description = "Project folder (holds project.sqlite and Runs/).",
        Required = required,
    };
}
