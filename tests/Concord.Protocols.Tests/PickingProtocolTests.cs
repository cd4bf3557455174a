using Concord.Workflow.Projects;
using Concord.Workflow.Running;
using Xunit.Abstractions;

namespace Concord.Protocols.Tests;

[Collection(PickingProjectCollection.Name)]
public sealed class PickingProtocolTests(PickingProject picking, ITestOutputHelper output)
{
    [Fact]
    public void Explore()
    {
        int i = 0;
        foreach (var (epochs, patch, random) in new[] { (20, 16, 30), (40, 16, 30), (20, 32, 30), (30, 24, 60) })
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            new Runner(picking.Project, StageProtocols.Registry(), new RunnerOptions(2)).RunPipeline(PipelineParser.Parse($$"""
                [[run]]
                name = "deep{{i}}"
                protocol = "pick.deep_consensus"
                inputs = { sets = ["pick_log.coordinates", "pick_template.coordinates", "pick_learned.coordinates"], micrographs = "motion.micrographs" }
                params = { diameter_a = 70.0, epochs = {{epochs}}, patch_size = {{patch}}, min_positives = 5, min_negatives = 5, random_negatives_per_micrograph = {{random}} }
                """, "x.toml"));
            output.WriteLine($"{epochs} {patch} {random} {clock.Elapsed.TotalSeconds:F1}s");
            foreach (var (name, json) in picking.Project.Reports(picking.Run($"deep{i}").Id))
                output.WriteLine($"  {name}: {json}");
            i++;
        }
    }
}
