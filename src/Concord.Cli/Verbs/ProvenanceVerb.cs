using System.CommandLine;
using Concord.Workflow.Projects;

namespace Concord.Cli.Verbs;

/// <summary>`concord provenance --project DIR SET`: the chain of runs, parameters and input sets behind a set.</summary>
public sealed class ProvenanceVerb : IVerb
{
    public sealed record Link(int Depth, long SetId, string Set, string Kind, int Rows, long RunId, string Protocol, string Parameters, string Hash,
        IReadOnlyList<string> Inputs);

    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var project = WorkflowCatalog.ProjectOption();
        var set = new Argument<string>("set") { Description = "The set: its id, or RUN.PORT (e.g. import.files)." };
        var command = new Command("provenance", """
            Show what produced a set: its run, protocol and parameters, then the same for each input set, back to
            the imports.

            Examples:
              concord provenance --project myproject import.files
              concord provenance --project myproject 12 --json
            """);
        command.Options.Add(project);
        command.Arguments.Add(set);
        VerbAction.Bind(command, global, stdout, stderr, (parse, ctx) =>
        {
            using var opened = Project.Open(parse.GetValue(project)!, WorkflowCatalog.Kinds);
            var start = opened.FindSet(parse.GetValue(set)!);
            var links = Provenance.Chain(opened, start.Id).Select(n => new Link(
                n.Depth, n.Set.Id, $"{n.Set.RunName}.{n.Set.Port}", n.Set.Kind, n.Set.Rows, n.Producer.Id, n.Producer.Protocol,
                n.Producer.ParametersJson, n.Producer.Hash, n.Inputs.Select(i => $"{i.Port} <- set {i.SetId}").ToList())).ToList();
            if (ctx.Json)
            {
                ctx.WriteJsonSummary(links);
                return VerbAction.Success;
            }
            foreach (var l in links)
            {
                string indent = new(' ', 2 * l.Depth);
                ctx.Say($"{indent}set {l.SetId} {l.Set} ({l.Kind}, {l.Rows} rows) <- run #{l.RunId} {l.Protocol} {l.Parameters} [{l.Hash[..12]}]");
                foreach (var i in l.Inputs)
                    ctx.Say($"{indent}  {i}");
            }
            return VerbAction.Success;
        });
        return command;
    }
}
