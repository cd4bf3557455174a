using Concord.Workflow.Projects;
using Concord.Workflow.Running;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Tests;

/// <summary>
/// A tiny project for the picking protocols (its own, so the shared <c>TinyProject</c> stays cheap): simulate tiny
/// (2 movies 256², 12 particles each, 70 Å at 2.5 Å/px) → motion with loose drift limits (both micrographs kept) →
/// LoG, template (re-projected true map), template (ball) → consensus → learned (trained on the consensus) → deep
/// consensus of LoG, template and learned → cleaning → extraction.
/// </summary>
public sealed class PickingProject : IDisposable
{
    public const string Pipeline = """
        [[run]]
        name = "simulate"
        protocol = "simulate.preset"
        params = { preset = "tiny", seed = 3 }

        [[run]]
        name = "motion"
        protocol = "motion.correct"
        inputs = { movies = "simulate.movies" }
        params = { patches = 1, max_frame_shift_a = 100.0, max_trajectory_length_a = 1000.0 }

        [[run]]
        name = "pick_log"
        protocol = "pick.log"
        inputs = { micrographs = "motion.micrographs" }
        params = { diameter_a = 70.0 }

        [[run]]
        name = "pick_template"
        protocol = "pick.template"
        inputs = { micrographs = "motion.micrographs", reference = "simulate.truth_map" }
        params = { diameter_a = 70.0 }

        [[run]]
        name = "pick_ball"
        protocol = "pick.template"
        inputs = { micrographs = "motion.micrographs" }
        params = { diameter_a = 70.0 }

        [[run]]
        name = "pick_consensus"
        protocol = "pick.consensus"
        inputs = { sets = ["pick_log.coordinates", "pick_template.coordinates"], micrographs = "motion.micrographs" }
        params = { diameter_a = 70.0 }

        [[run]]
        name = "pick_learned"
        protocol = "pick.learned"
        inputs = { micrographs = "motion.micrographs", positives = "pick_consensus.consensus" }
        params = { diameter_a = 70.0 }

        [[run]]
        name = "pick_deep"
        protocol = "pick.deep_consensus"
        inputs = { sets = ["pick_log.coordinates", "pick_template.coordinates", "pick_learned.coordinates"], micrographs = "motion.micrographs" }
        params = { diameter_a = 70.0, epochs = 20, patch_size = 16, min_positives = 5, min_negatives = 5, random_negatives_per_micrograph = 30 }

        [[run]]
        name = "pick_clean"
        protocol = "pick.clean"
        inputs = { micrographs = "motion.micrographs", coordinates = "pick_deep.kept" }
        params = { diameter_a = 70.0 }

        [[run]]
        name = "extract"
        protocol = "particles.extract"
        inputs = { micrographs = "motion.micrographs", coordinates = "pick_clean.coordinates" }
        params = { diameter_a = 70.0, rescaled_box_px = 32 }
        """;

    public PickingProject()
    {
        Root = Path.Combine(Path.GetTempPath(), "concord-picking-" + Guid.NewGuid().ToString("N")[..12]);
        Project = Project.Open(Root, StageProtocols.Kinds, create: true);
        new Runner(Project, StageProtocols.Registry(), new RunnerOptions(Threads: 2)).RunPipeline(PipelineParser.Parse(Pipeline, "picking.toml"));
    }

    public string Root { get; }
    public Project Project { get; }

    /// <summary>The rows of RUN.PORT.</summary>
    public IReadOnlyList<SetRow<T>> Rows<T>(SetKind<T> kind, string spec) where T : notnull => Project.ReadRows(kind, Project.FindSet(spec).Id);

    public RunInfo Run(string name) => Project.Runs().Last(r => r.Name == name);

    public string Report(string run, string name) => Project.Reports(Run(run).Id)[name];

    public void Dispose()
    {
        Project.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class PickingProjectCollection : ICollectionFixture<PickingProject>
{
    public const string Name = "picking project";
}
