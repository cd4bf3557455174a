using System.Globalization;
using System.Text.Json;
using Concord.Protocols.Protocols.Ctf;
using Concord.Workflow;
using Concord.Workflow.Projects;

namespace Concord.Cli.Verbs;

/// <summary>
/// The CTF part of `concord demo`: its runs (periodogram estimate, parametric estimate started from it, consensus, each
/// scored against the simulation's truth) and what the demo prints and summarises of them.
/// </summary>
public static class CtfDemo
{
    /// <summary>
    /// The pipeline's CTF runs, after "motion" (its kept micrographs) and "simulate" (the truth). The small preset's
    /// selection is the chapter's (5 Å fit resolution, 0.1 fit score, 4 Å agreement): its micrographs carry Thon rings
    /// to the water ring as good real ones do (Concord.Simulation's AmorphousIce) and fit to 3.1–5.0 Å. The tiny
    /// preset's 256² micrographs (2.5 Å/px, 128-px tiles, 32 e/Å²) hold too few ring periods for that, so it keeps
    /// looser limits (20 Å fit, 0.05 fit score, 8 Å agreement) that still reject ringless micrographs. Limits finer than
    /// the pixels allow are raised to 2.1 px and Nyquist by the consensus itself.
    /// </summary>
    public static string PipelineRuns(string preset)
    {
        // 256² micrographs (tiny) hold a single 256-px tile; 128-px tiles average several, the best they allow.
        bool tiny = preset.Equals("tiny", StringComparison.OrdinalIgnoreCase);
        string tile = tiny ? ", tile_size_px = 128" : "";
        string limits = tiny ? "max_resolution_limit_a = 20.0, min_fit_score = 0.05, agreement_limit_a = 8.0"
            : "max_resolution_limit_a = 5.0, min_fit_score = 0.1, agreement_limit_a = 4.0";
        return $$"""
            [[run]]
            name = "ctf_a"
            protocol = "ctf.estimate"
            inputs = { micrographs = "motion.micrographs", truth = "simulate.files" }
            params = { method = "periodogram"{{tile}} }

            [[run]]
            name = "ctf_b"
            protocol = "ctf.estimate"
            inputs = { micrographs = "motion.micrographs", start = "ctf_a.ctfs", truth = "simulate.files" }
            params = { method = "parametric"{{tile}} }

            [[run]]
            name = "ctf_consensus"
            protocol = "ctf.consensus"
            inputs = { ctfs = ["ctf_a.ctfs", "ctf_b.ctfs"], micrographs = "motion.micrographs", truth = "simulate.files" }
            params = { {{limits}} }

            """;
    }

    /// <summary>One CTF run's figures in the demo's JSON summary (errors are max(|ΔU|/U, |ΔV|/V) against the truth).</summary>
    public sealed record RunFigures(string Run, int Kept, int Rejected, double? MedianRelativeError, double? MaxRelativeError,
        IReadOnlyDictionary<string, int> RejectedBy, IReadOnlyList<CtfRejectedMicrograph> Rejections, IReadOnlyList<string> Warnings);

    /// <summary>The demo's rows for the CTF runs and their figures, read back from the runs' reports.</summary>
    public static (IReadOnlyList<DemoVerb.Step> Steps, IReadOnlyList<RunFigures> Figures) Summarise(Project project, IReadOnlyDictionary<string, RunInfo> runs)
    {
        var steps = new List<DemoVerb.Step>();
        var figures = new List<RunFigures>();
        foreach (var (name, label) in new[] { ("ctf_a", "CTF periodogram"), ("ctf_b", "CTF parametric (from periodogram)") })
        {
            var run = runs[name];
            var r = Report<CtfEstimateReport>(project, run, CtfEstimateProtocol.ReportName);
            steps.Add(new DemoVerb.Step(label, run.Protocol, r.Estimated, r.Failed, Errors(r.Truth) + Warned(r.Warnings), run.Folder));
            figures.Add(new RunFigures(name, r.Estimated, r.Failed, r.Truth?.MedianRelativeError, r.Truth?.MaxRelativeError, new Dictionary<string, int>(), [], r.Warnings));
        }
        var consensusRun = runs["ctf_consensus"];
        var c = Report<CtfConsensusReport>(project, consensusRun, CtfConsensusProtocol.ReportName);
        string reasons = c.RejectedBy.Count == 0 ? "" : "; rejected: " + string.Join(", ", c.RejectedBy.Select(kv => $"{kv.Key} {kv.Value}"));
        steps.Add(new DemoVerb.Step("CTF consensus + selection", consensusRun.Protocol, c.Accepted, c.Rejected,
            (c.Accepted > 0 ? "accepted " + Errors(c.Truth) : "none accepted") + reasons + Warned(c.Warnings), consensusRun.Folder));
        figures.Add(new RunFigures("ctf_consensus", c.Accepted, c.Rejected, c.Truth?.MedianRelativeError, c.Truth?.MaxRelativeError, c.RejectedBy, c.Rejections, c.Warnings));
        return (steps, figures);
    }

    /// <summary>Each rejected micrograph's reasons and each warning, for the printed demo.</summary>
    public static IEnumerable<string> Notes(IReadOnlyList<RunFigures>? figures) =>
        (figures ?? []).SelectMany(f => f.Rejections.Select(r => $"{f.Run} rejected {r.Micrograph}: {r.Reason}"))
            .Concat((figures ?? []).SelectMany(f => f.Warnings).Distinct().Select(w => "ctf warning: " + w));

    private static string Errors(CtfTruthScore? truth) => truth is null ? "defocus not scored"
        : string.Create(CultureInfo.InvariantCulture, $"defocus error vs truth median {100 * truth.MedianRelativeError:F1} %, max {100 * truth.MaxRelativeError:F1} % ({truth.Scored} mics)");

    private static string Warned(IReadOnlyList<string> warnings) => warnings.Count == 0 ? "" : " (see warnings)";

    private static T Report<T>(Project project, RunInfo run, string name) =>
        project.Reports(run.Id).TryGetValue(name, out var json) ? JsonSerializer.Deserialize<T>(json)!
            : throw new ProjectException($"run {run.Name} has no '{name}' report; is it finished? (`concord status --project {project.Root}`)");
}
