using Concord.Protocols;
using Concord.Workflow.Projects;
using Concord.Workflow.Running;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Tests.Infrastructure;

/// <summary>
/// One project on the tiny preset shared by the protocol tests (the expensive part is simulation and alignment):
/// simulate → motion (default and strict drift limits) → reconstruct with the true map as reference → exports of
/// particles and micrographs → imports of those files → exports of the imported sets.
/// </summary>
public sealed class TinyProject : IDisposable
{
    public const string Main = """
        [[run]]
        name = "simulate"
        protocol = "simulate.preset"
        params = { preset = "tiny", seed = 3 }

        [[run]]
        name = "motion"
        protocol = "motion.correct"
        inputs = { movies = "simulate.movies" }

        [[run]]
        name = "motion_strict"
        protocol = "motion.correct"
        inputs = { movies = "simulate.movies" }
        params = { max_trajectory_length_a = 0.5, patches = 1 }

        [[run]]
        name = "ctf"
        protocol = "ctf.estimate"
        inputs = { micrographs = "motion.micrographs", truth = "simulate.files" }
        params = { tile_size_px = 128, max_resolution_a = 7, min_defocus_a = 5000, max_defocus_a = 40000 }

        [[run]]
        name = "reconstruct"
        protocol = "reconstruct.gold"
        inputs = { particles = "simulate.particles", reference = "simulate.truth_map" }

        [[run]]
        name = "export_particles"
        protocol = "export.relion"
        inputs = { particles = "simulate.particles" }

        [[run]]
        name = "export_micrographs"
        protocol = "export.relion"
        inputs = { micrographs = "motion.micrographs" }
        params = { file_name = "corrected_micrographs.star" }
        """;

    public TinyProject()
    {
        Root = Path.Combine(Path.GetTempPath(), "concord-protocols-" + Guid.NewGuid().ToString("N")[..12]);
        Project = Project.Open(Root, StageProtocols.Kinds, create: true);
        Runner = new Runner(Project, StageProtocols.Registry(), new RunnerOptions(Threads: 2));
        Runner.RunPipeline(PipelineParser.Parse(Main, "main.toml"));
        string particles = StarPath("export_particles"), micrographs = StarPath("export_micrographs");
        Runner.RunPipeline(PipelineParser.Parse($"""
            [[run]]
            name = "import_particles"
            protocol = "import.relion"
            params = {"{"} path = '{particles}' {"}"}

            [[run]]
            name = "import_micrographs"
            protocol = "import.relion"
            params = {"{"} path = '{micrographs}', copy = true {"}"}

            [[run]]
            name = "reexport_particles"
            protocol = "export.relion"
            inputs = {"{"} particles = "import_particles.particles" {"}"}

            [[run]]
            name = "reexport_micrographs"
            protocol = "export.relion"
            inputs = {"{"} micrographs = "import_micrographs.micrographs" {"}"}
            """, "imports.toml"));
    }

    public string Root { get; }
    public Project Project { get; }
    public Runner Runner { get; }

    /// <summary>The rows of RUN.PORT.</summary>
    public IReadOnlyList<SetRow<T>> Rows<T>(SetKind<T> kind, string spec) where T : notnull => Project.ReadRows(kind, Project.FindSet(spec).Id);

    public RunInfo Run(string name) => Project.Runs().Last(r => r.Name == name);

    /// <summary>Absolute path of the STAR file an export run wrote.</summary>
    public string StarPath(string exportRun) => Project.Resolve(Rows(BuiltInKinds.File, exportRun + ".star").Single().Row.Path);

    public void Dispose()
    {
        Project.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class TinyProjectCollection : ICollectionFixture<TinyProject>
{
    public const string Name = "tiny project";
}
