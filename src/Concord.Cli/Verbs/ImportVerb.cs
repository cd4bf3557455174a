using System.CommandLine;
using Concord.Workflow.Projects;
using Concord.Workflow.Running;

namespace Concord.Cli.Verbs;

/// <summary>`concord import --project DIR FILE.star`: a RELION particle or micrograph STAR file as a set, through an import.relion run.</summary>
public sealed class ImportVerb : IVerb
{
    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var star = new Argument<FileInfo>("star") { Description = "RELION STAR file (particles, 3.1 or 3.0; or micrographs)." };
        var project = WorkflowCatalog.ProjectOption();
        var copy = new Option<bool>("--copy") { Description = "Copy the referenced images into the project instead of linking them." };
        var name = new Option<string?>("--name") { Description = "Run name (default: import_ and the file's name)." };
        var command = new Command("import", """
            Import a RELION STAR file into a project (created if missing) as a particle or corrected_micrograph set.
            Every file it references is linked (or copied) into the run's folder; relative paths are looked up next to
            the STAR file, then in the current folder. The new set is named RUN.particles or RUN.micrographs.

            Examples:
              concord import --project myproject Refine3D/job012/run_data.star
              concord import --project myproject MotionCorr/job002/corrected_micrographs.star --copy --json
            """)
        { star, project, copy, name };
        VerbAction.Bind(command, global, stdout, stderr, (parse, ctx) =>
        {
            var file = parse.GetValue(star)!;
            if (!file.Exists)
                throw new FileNotFoundException($"{file.FullName}: no such file.", file.FullName);
            string runName = parse.GetValue(name) ?? "import_" + Path.GetFileNameWithoutExtension(file.Name);
            string text = $"""
                [[run]]
                name = "{runName.Replace("\"", "", StringComparison.Ordinal)}"
                protocol = "import.relion"
                params = {"{"} path = {WorkflowCatalog.TomlLiteral(file.FullName)}, copy = {(parse.GetValue(copy) ? "true" : "false")} {"}"}
                """;
            var parsed = PipelineParser.Parse(text, "concord import");
            string root = parse.GetValue(project)!;
            if (!File.Exists(Path.Combine(root, Project.DatabaseFile)))
                Planner.Plan(parsed, WorkflowCatalog.Protocols, null);
            using var opened = Project.Open(root, WorkflowCatalog.Kinds, create: true);
            var plan = Planner.Plan(parsed, WorkflowCatalog.Protocols, opened);
            var runs = ctx.WithProgress("import", progress =>
                new Runner(opened, WorkflowCatalog.Protocols, new RunnerOptions(ctx.Threads, progress, ctx.Cancellation)).Execute(plan));
            return StatusVerb.Report(opened, runs, ctx);
        });
        return command;
    }
}
