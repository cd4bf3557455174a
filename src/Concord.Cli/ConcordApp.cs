using System.CommandLine;
using System.Reflection;

namespace Concord.Cli;

/// <summary>Builds the <c>concord</c> command tree from <see cref="VerbRegistry"/> and runs it.</summary>
public static class ConcordApp
{
    /// <summary>Product version (informational version without the source hash).</summary>
    public static string Version
    {
        get
        {
            var info = typeof(ConcordApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            int plus = info.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? info : info[..plus];
        }
    }

    public static RootCommand BuildRoot(TextWriter stdout, TextWriter stderr)
    {
        var global = new GlobalOptions();
        var root = new RootCommand(
            "Concord: single-particle cryo-EM processing by consensus of independent methods.\n" +
            "Every verb accepts --threads N and --json (a machine-readable summary on stdout).");
        root.Options.Add(global.Threads);
        root.Options.Add(global.Json);
        foreach (var verb in VerbRegistry.All)
            root.Subcommands.Add(verb.Create(global, stdout, stderr));
        return root;
    }

    /// <summary>Parses and runs; returns the process exit code (0 success, 1 usage error, 2 bad input, 70 internal error).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = BuildRoot(stdout, stderr);
        var parse = root.Parse(args);
        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        return parse.Invoke(config);
    }
}
