using System.Text.Json;
using Concord.Protocols.Protocols.Reconstruct;
using Concord.Protocols.Sets;
using Concord.Protocols.Tests.Infrastructure;
using Concord.Workflow.Projects;

namespace Concord.Protocols.Tests;

[Collection(TinyProjectCollection.Name)]
public sealed class ReconstructProtocolTests(TinyProject tiny)
{
    [Fact]
    public void Writes_full_and_half_maps_and_resolves_against_the_halves_and_the_truth()
    {
        var volumes = tiny.Rows(EmKinds.Volume, "reconstruct.volumes");
        Assert.Equal(["full", "half1", "half2"], volumes.Select(v => v.Key));
        Assert.All(volumes, v => Assert.Equal((40, 2.5), (v.Row.BoxPx, v.Row.PixelSizeA)));
        var fsc = tiny.Rows(EmKinds.Fsc, "reconstruct.fsc").ToDictionary(r => r.Key, r => r.Row);
        Assert.Equal(["halves", "reference"], fsc.Keys.Order());
        // 300 particles at SNR 0.2, 2.5 Å/px (Nyquist 5 Å): measured 7.7 Å (halves, 0.143) and 7.0 Å (truth, 0.5).
        Assert.InRange(fsc["halves"].ResolutionAt0143A, 5, 10);
        Assert.InRange(fsc["reference"].ResolutionAt05A, 5, 10);
        var curve = FscFiles.ReadFsc(tiny.Project.Resolve(fsc["halves"].CurvePath));
        Assert.Equal(fsc["halves"].Shells, curve.Count);
        Assert.True(curve[1] > 0.9, $"low-resolution FSC {curve[1]:F3}");
        Assert.True(File.Exists(tiny.Project.Resolve(fsc["halves"].PlotPath!)));
        var report = JsonSerializer.Deserialize<ReconstructionReport>(tiny.Project.Reports(tiny.Run("reconstruct").Id)["reconstruction"])!;
        Assert.Equal(300, report.Particles);
        Assert.Equal(fsc["halves"].ResolutionAt0143A, report.HalfMapResolutionAt0143A!.Value, 9);
        Assert.Equal(fsc["reference"].ResolutionAt05A, report.ReferenceResolutionAt05A!.Value, 9);
    }

    [Fact]
    public void Provenance_runs_from_the_maps_back_to_the_simulation()
    {
        var chain = Provenance.Chain(tiny.Project, tiny.Project.FindSet("reconstruct.volumes").Id);
        Assert.Equal(["reconstruct.volumes", "simulate.particles", "simulate.truth_map"], chain.Select(n => $"{n.Set.RunName}.{n.Set.Port}"));
        Assert.Equal("reconstruct.gold", chain[0].Producer.Protocol);
        Assert.All(chain.Skip(1), n => Assert.Equal("simulate.preset", n.Producer.Protocol));
        var motion = Provenance.Chain(tiny.Project, tiny.Project.FindSet("motion.rejected").Id);
        Assert.Equal(["motion.correct", "simulate.preset"], motion.Select(n => n.Producer.Protocol));
    }

    [Fact]
    public void The_project_passes_the_integrity_check()
    {
        Assert.Empty(ProjectIntegrity.Check(tiny.Project));
        Assert.All(tiny.Project.Runs(), r => Assert.Equal(RunStatus.Finished, r.Status));
    }
}
