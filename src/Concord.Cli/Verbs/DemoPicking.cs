using System.Globalization;
using System.Text.Json;
using Concord.Protocols.Protocols.Picking;
using Concord.Simulation.Presets;
using Concord.Workflow;
using Concord.Workflow.Projects;

namespace Concord.Cli.Verbs;

/// <summary>
/// The picking part of `concord demo`: LoG and template picking, their consensus, a learned picker trained on it, deep
/// consensus of the three, cleaning and extraction, each scored against the simulation's true particle centres.
/// </summary>
public static class DemoPicking
{
    /// <summary>One picking run of the demo with its counts and, when the truth is known, its scores.</summary>
    public sealed record Figure(string Run, string Protocol, int Kept, int Rejected, double? Precision, double? Recall, double? F1);

    /// <summary>The demo's picking figures; <see cref="ExtractedParticles"/> with precision against the true centres.</summary>
    public sealed record Summary(double DiameterA, IReadOnlyList<Figure> Runs, int ExtractedParticles, int BoxPx, double ParticlePixelSizeA, double? ExtractedPrecision);

    /// <summary>
    /// The pipeline runs, on the micrographs of run <c>motion</c>. The template picker re-projects the simulation's
    /// true map (standing in for a prior map or class averages). The networks are sized for seconds on a laptop
    /// (16-px patches, 20 epochs). Tiny has a single kept micrograph of a dozen particles, too few agreed picks to train
    /// the network (the default min_positives is 20), so its deep-consensus run keeps the plain consensus and says so.
    /// </summary>
    public static string PipelineText(string preset)
    {
        var p = SimulationPreset.Get(preset);
        string d = p.Movies.ParticleDiameterA.ToString("0.0##", CultureInfo.InvariantCulture);
        return $$"""

            [[run]]
            name = "pick_log"
            protocol = "pick.log"
            inputs = { micrographs = "motion.micrographs" }
            params = { diameter_a = {{d}} }

            [[run]]
            name = "pick_template"
            protocol = "pick.template"
            inputs = { micrographs = "motion.micrographs", reference = "simulate.truth_map" }
            params = { diameter_a = {{d}} }

            [[run]]
            name = "pick_consensus"
            protocol = "pick.consensus"
            inputs = { sets = ["pick_log.coordinates", "pick_template.coordinates"], micrographs = "motion.micrographs" }
            params = { diameter_a = {{d}} }

            [[run]]
            name = "pick_learned"
            protocol = "pick.learned"
            inputs = { micrographs = "motion.micrographs", positives = "pick_consensus.consensus" }
            params = { diameter_a = {{d}} }

            [[run]]
            name = "pick_deep"
            protocol = "pick.deep_consensus"
            inputs = { sets = ["pick_log.coordinates", "pick_template.coordinates", "pick_learned.coordinates"], micrographs = "motion.micrographs" }
            params = { diameter_a = {{d}}, threshold = 0.95, epochs = 40, random_negatives_per_micrograph = 30 }

            [[run]]
            name = "pick_clean"
            protocol = "pick.clean"
            inputs = { micrographs = "motion.micrographs", coordinates = "pick_deep.kept" }
            params = { diameter_a = {{d}} }

            [[run]]
            name = "extract"
            protocol = "particles.extract"
            inputs = { micrographs = "motion.micrographs", coordinates = "pick_clean.coordinates", ctfs = "ctf_consensus.accepted" }
            params = { diameter_a = {{d}}, invert_contrast = true }

            """;
    }

    private static readonly (string Run, string Label)[] Runs =
    [
        ("pick_log", "pick: LoG blobs"),
        ("pick_template", "pick: templates (map re-projected)"),
        ("pick_consensus", "pick: consensus LoG + template"),
        ("pick_learned", "pick: learned (from the consensus)"),
        ("pick_deep", "pick: deep consensus (CNN ≥ 0.95)"),
        ("pick_clean", "pick: cleaning (contamination)"),
    ];

    /// <summary>The table rows and figures of the picking runs, read back from their reports.</summary>
    internal static (IReadOnlyList<DemoVerb.Step> Steps, Summary Summary) Summarise(Project project, IReadOnlyDictionary<string, RunInfo> byName, string preset)
    {
        var steps = new List<DemoVerb.Step>();
        var figures = new List<Figure>();
        foreach (var (run, label) in Runs)
        {
            var info = byName[run];
            var r = Report<PickingReport>(project, info, PickingReport.Name);
            figures.Add(new Figure(run, info.Protocol, r.Kept, r.Rejected, r.Truth?.Precision, r.Truth?.Recall, r.Truth?.F1));
            string result = r.Truth is { } t
                ? FormattableString.Invariant($"vs truth: precision {t.Precision:F3}, recall {t.Recall:F3}, F1 {t.F1:F3} ({t.Matched}/{t.Truth} particles)")
                : "no truth";
            steps.Add(new DemoVerb.Step(label, info.Protocol, r.Kept, r.Rejected, result, info.Folder));
        }
        var extract = byName["extract"];
        var e = Report<ExtractionReport>(project, extract, "extraction");
        steps.Add(new DemoVerb.Step("extract particles", extract.Protocol, e.Particles, e.NotExtracted, e.Particles == 0
            ? "no coordinate survived picking; nothing to extract"
            : FormattableString.Invariant($"{e.BoxPx} px boxes at {e.PixelSizeA:0.###} Å/px, particles.star; precision vs truth {Format(e.Truth?.Precision)}"),
            extract.Folder));
        var summary = new Summary(SimulationPreset.Get(preset).Movies.ParticleDiameterA, figures, e.Particles, e.BoxPx, e.PixelSizeA, e.Truth?.Precision);
        return (steps, summary);
    }

    private static string Format(double? value) => value?.ToString("F3", CultureInfo.InvariantCulture) ?? "n/a";

    private static T Report<T>(Project project, RunInfo run, string name) =>
        project.Reports(run.Id).TryGetValue(name, out var json) ? JsonSerializer.Deserialize<T>(json)!
            : throw new ProjectException($"run {run.Name} has no '{name}' report; is it finished? (`concord status --project {project.Root}`)");
}
