using System.CommandLine;
using Concord.Core;
using Concord.Protocols.Protocols.Relion;
using Concord.Protocols.Sets;
using Concord.Workflow.Projects;
using Concord.Workflow.Running;
using Concord.Workflow.Sets;

namespace Concord.Cli.Verbs;

/// <summary>`concord export --project DIR --set RUN.PORT -o FILE.star`: a set as a RELION STAR file, through an export.relion run.</summary>
public sealed class ExportVerb : IVerb
{
    public sealed record Summary(string Project, long SetId, string Set, string Kind, string Run, string Output, int Rows);

    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var project = WorkflowCatalog.ProjectOption();
        var set = new Option<string>("--set", "-s") { Description = "The set: its id, or RUN.PORT / RUN:PORT (see `concord status`).", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "STAR file to write; image paths in it are relative to its folder.", Required = true };
        var command = new Command("export", """
            Write a particle or motion-corrected micrograph set as a RELION 3.1 STAR file with data_optics. The export
            is a run of the export.relion protocol (recorded with its provenance); the file is copied to --out, with
            paths relative to the folder of --out so RELION finds the images from there.

            Examples:
              concord export --project concord-demo --set simulate.particles -o particles.star
              concord export --project concord-demo --set motion:micrographs -o corrected_micrographs.star --json
            """)
        { project, set, output };
        VerbAction.Bind(command, global, stdout, stderr, (parse, ctx) =>
        {
            var summary = Run(parse.GetValue(project)!, parse.GetValue(set)!, parse.GetValue(output)!, ctx);
            ctx.WriteJsonSummary(summary);
            ctx.Say($"{summary.Rows} rows of {summary.Set} ({summary.Kind}) written to {summary.Output} (run {summary.Run})");
            return VerbAction.Success;
        });
        return command;
    }

    private static Summary Run(string root, string spec, string output, VerbContext ctx)
    {
        using var opened = Project.Open(root, WorkflowCatalog.Kinds);
        var found = opened.FindSet(spec.Replace(':', '.'));
        string port = found.Kind == EmKinds.Particle.Name ? ExportRelionProtocol.Particles.Name
            : found.Kind == EmKinds.CorrectedMicrograph.Name ? ExportRelionProtocol.Micrographs.Name
            : throw new InvalidParameterException("--set", $"set {found.Id} ({found.RunName}.{found.Port}) is a {found.Kind} set; export writes particle and corrected_micrograph sets.");
        if (!found.Complete)
            throw new InvalidParameterException("--set", $"set {found.Id} ({found.RunName}.{found.Port}) is not complete; finish its run first (`concord resume`).");
        string full = Path.GetFullPath(output);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string name = $"export_{found.RunName}_{found.Port}";
        string text = $"""
            [[run]]
            name = "{name}"
            protocol = "export.relion"
            inputs = {"{"} {port} = "{found.RunName}.{found.Port}" {"}"}
            params = {"{"} file_name = {WorkflowCatalog.TomlLiteral(Path.GetFileName(full))}, relative_to = {WorkflowCatalog.TomlLiteral(folder)} {"}"}
            """;
        // Planned and executed directly, not stored as the project's pipeline: `concord resume` keeps continuing the
        // pipeline the user ran, and an export is reused by hash when repeated.
        var plan = Planner.Plan(PipelineParser.Parse(text, "concord export"), WorkflowCatalog.Protocols, opened);
        var run = ctx.WithProgress("export", progress =>
            new Runner(opened, WorkflowCatalog.Protocols, new RunnerOptions(ctx.Threads, progress, ctx.Cancellation)).Execute(plan))[0];
        var star = opened.Sets(run.Id).Single(s => s.Port == ExportRelionProtocol.Star.Name);
        var file = opened.ReadRows(BuiltInKinds.File, star.Id).Single().Row;
        File.Copy(opened.Resolve(file.Path), full, overwrite: true);
        int rows = found.Rows - found.Rejected;
        return new Summary(opened.Root, found.Id, $"{found.RunName}.{found.Port}", found.Kind, run.Folder, full, rows);
    }
}
