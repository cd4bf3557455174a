using System.CommandLine;

namespace Concord.Cli;

/// <summary>Options every verb honours; declared once on the root and inherited by subcommands.</summary>
public sealed class GlobalOptions
{
    public Option<int> Threads { get; } = new("--threads", "-j")
    {
        Description = "Worker threads for parallel work (default: all cores).",
        Recursive = true,
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print a machine-readable JSON summary on stdout; progress and messages go to stderr.",
        Recursive = true,
    };
}
