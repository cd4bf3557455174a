using System.CommandLine;
using Concord.Workflow.Projects;
using Concord.Workflow.Running;

namespace Concord.Cli.Verbs;

/// <summary>`concord run PIPELINE.toml --project DIR`: validates a pipeline completely, then runs it in the project.</summary>
public sealed class RunVerb : IVerb
{
    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var pipeline = new Argument<FileInfo>("pipeline") { Description = "Pipeline file (TOML, a list of [[run]] tables; see docs/workflow.md)." };
        var project = WorkflowCatalog.ProjectOption();
        var command = new Command("run", """
            Run a pipeline in a project (created if missing). The whole file is checked first: unknown protocols,
            bad parameters and missing or wrong-kind inputs are reported with file and line, and nothing runs.
            Runs already finished with the same parameters and inputs are reused; changed parameters make new runs.

            Examples:
              concord run pipeline.toml --project myproject
              concord run pipeline.toml --project myproject --threads 8 --json
            """);
        command.Arguments.Add(pipeline);
        command.Options.Add(project);
        VerbAction.Bind(command, global, stdout, stderr, (parse, ctx) =>
        {
            var parsed = PipelineParser.ParseFile(parse.GetValue(pipeline)!.FullName);
            string root = parse.GetValue(project)!;
            // Validate before the project exists, so that a rejected pipeline leaves nothing behind.
            if (!File.Exists(Path.Combine(root, Project.DatabaseFile)))
                Planner.Plan(parsed, WorkflowCatalog.Protocols, null);
            using var opened = Project.Open(root, WorkflowCatalog.Kinds, create: true);
            var runs = ctx.WithProgress("run", progress =>
                new Runner(opened, WorkflowCatalog.Protocols, new RunnerOptions(ctx.Threads, progress, ctx.Cancellation)).RunPipeline(parsed));
            return StatusVerb.Report(opened, runs, ctx);
        });
        return command;
    }
}
