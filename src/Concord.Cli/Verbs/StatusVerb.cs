using System.CommandLine;
using Concord.Workflow.Projects;

namespace Concord.Cli.Verbs;

/// <summary>`concord status --project DIR [--json]`: runs, their progress and failures, and the sets they made.</summary>
public sealed class StatusVerb : IVerb
{
    public sealed record RunSummary(long Id, string Name, string Protocol, string Status, int ItemsDone, int ItemsTotal, int ItemsFailed,
        string Folder, string? Error, IReadOnlyList<SetSummary> Sets, IReadOnlyList<ItemFailure> Failures);

    public sealed record SetSummary(long Id, string Name, string Kind, int Rows, int Rejected, bool Complete);

    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var project = WorkflowCatalog.ProjectOption();
        var command = new Command("status", """
            Show the runs of a project: status, items done of total, failures with their errors, and output sets.
            A run shown as Running while no runner works on it was interrupted; `concord resume` continues it.

            Examples:
              concord status --project myproject
              concord status --project myproject --json
            """);
        command.Options.Add(project);
        VerbAction.Bind(command, global, stdout, stderr, (parse, ctx) =>
        {
            using var opened = Project.Open(parse.GetValue(project)!, WorkflowCatalog.Kinds);
            return Report(opened, opened.Runs(), ctx);
        });
        return command;
    }

    /// <summary>Prints runs as a table (or JSON with --json); failed items are listed, not turned into an exit code.</summary>
    internal static int Report(Project project, IReadOnlyList<RunInfo> runs, VerbContext ctx)
    {
        var summaries = runs.Select(r => new RunSummary(r.Id, r.Name, r.Protocol, r.Status.ToString(), r.ItemsDone, r.ItemsTotal, r.ItemsFailed,
            r.Folder, r.Error,
            project.Sets(r.Id).Select(s => new SetSummary(s.Id, $"{s.RunName}.{s.Port}", s.Kind, s.Rows, s.Rejected, s.Complete)).ToList(),
            project.Failures(r.Id))).ToList();
        if (ctx.Json)
        {
            ctx.WriteJsonSummary(new { project = project.Root, runs = summaries });
            return VerbAction.Success;
        }
        ctx.Say($"project {project.Root}");
        if (summaries.Count == 0)
            ctx.Say("  no runs yet");
        foreach (var r in summaries)
        {
            string items = r.ItemsTotal > 0 ? $" {r.ItemsDone}/{r.ItemsTotal} items" : "";
            string failed = r.ItemsFailed > 0 ? $", {r.ItemsFailed} failed" : "";
            ctx.Say($"  #{r.Id,-3} {r.Name,-16} {r.Protocol,-20} {r.Status,-9}{items}{failed}  {r.Folder}");
            if (r.Error is not null)
                ctx.Say($"       error: {r.Error}");
            foreach (var f in r.Failures.Take(5))
                ctx.Say($"       failed {f.Step}/{f.ItemKey}: {f.Error}");
            foreach (var s in r.Sets)
                ctx.Say($"       set {s.Id,-4} {s.Name,-24} {s.Kind,-12} {s.Rows} rows{(s.Rejected > 0 ? $" ({s.Rejected} rejected)" : "")}{(s.Complete ? "" : ", incomplete")}");
        }
        return VerbAction.Success;
    }
}
