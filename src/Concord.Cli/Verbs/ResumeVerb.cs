using System.CommandLine;
using Concord.Workflow.Projects;
using Concord.Workflow.Running;

namespace Concord.Cli.Verbs;

/// <summary>`concord resume --project DIR`: continues the last pipeline after a crash, a kill or a failure.</summary>
public sealed class ResumeVerb : IVerb
{
    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var project = WorkflowCatalog.ProjectOption();
        var command = new Command("resume", """
            Continue the last pipeline run in a project: finished runs and committed items are kept, items that were
            in flight or failed run again, and runs not yet started start.

            Examples:
              concord resume --project myproject
              concord resume --project myproject --threads 4 --json
            """);
        command.Options.Add(project);
        VerbAction.Bind(command, global, stdout, stderr, (parse, ctx) =>
        {
            using var opened = Project.Open(parse.GetValue(project)!, WorkflowCatalog.Kinds);
            var runs = ctx.WithProgress("resume", progress =>
                new Runner(opened, WorkflowCatalog.Protocols, new RunnerOptions(ctx.Threads, progress, ctx.Cancellation)).Resume());
            return StatusVerb.Report(opened, runs, ctx);
        });
        return command;
    }
}
