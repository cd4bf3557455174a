using Concord.Core.Fourier;
using Concord.Picking.Cleaning;
using Concord.Picking.Consensus;
using Concord.Picking.Evaluation;
using Concord.Picking.Methods.Log;
using Concord.Picking.Methods.Template;
using Concord.Picking.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Concord.Picking.Tests.Consensus;

public class PickingChainTests(ITestOutputHelper output)
{
    /// <summary>
    /// LoG and template pickers, their consensus (found by both) and the cleaner, on two simulated micrographs (one
    /// with ice crystals and aggregates): the chain keeps true particles and drops contamination picks. Scored against
    /// the true (non-junk) particles within a quarter diameter.
    /// </summary>
    [Fact]
    public void Consensus_and_cleaning_keep_particles_and_drop_contamination_picks()
    {
        using var fft = FftBackends.Create();
        var templates = Templates.Projections(4, seed: 9);
        var scores = new Dictionary<string, PickingScore>();
        int contaminationPicksLog = 0, contaminationPicksChain = 0;
        foreach (var (seed, dirty) in new[] { (3, false), (21, true) })
        {
            var mic = SimulatedMicrographs.Get(512, seed, dirty);
            using var work = WorkingMicrograph.Create(mic.Image, 80, fft);
            var log = new LogPicker(fft).Pick(work, new LogPickerOptions { DiameterA = 80 });
            var template = new TemplatePicker(fft).Pick(work, templates, new TemplatePickerOptions { DiameterA = 80, Ctf = mic.Truth.Ctf, AngularStepDeg = 15 });
            var consensus = CoordinateConsensus.Run([new PickSet("log", log), new PickSet("template", template)], radiusPx: 0.25 * 80 / 1.5, minVotes: 2);
            var agreed = consensus.Agreed.Select(c => new Pick(c.XPx, c.YPx, c.Votes)).ToList();
            var cleaned = new MicrographCleaner(fft).Clean(mic.Image, new CleanerOptions { DiameterA = 80 }).Keep(agreed);
            bool OnBad(Pick p) => mic.Truth.BadRegionMask[(int)Math.Round(p.YPx) * 512 + (int)Math.Round(p.XPx)] > 0.5f;
            contaminationPicksLog += log.Count(OnBad);
            contaminationPicksChain += cleaned.Count(OnBad);
            foreach (var (name, picks) in new[] { ("log", log), ("template", template), ("consensus", agreed), ("consensus+clean", cleaned) })
                scores[name] = (scores.GetValueOrDefault(name) ?? PickingScore.Empty).Plus(PickingScore.Compute(picks, mic.Particles, 0.25 * 80 / 1.5));
        }
        foreach (var (name, s) in scores)
            output.WriteLine($"{name,-16} {s}");
        output.WriteLine($"picks on contamination: LoG {contaminationPicksLog}, chain {contaminationPicksChain}");
        Assert.True(scores["consensus+clean"].Precision >= scores["log"].Precision, "the chain must not be less precise than LoG alone");
        Assert.True(scores["consensus+clean"].Recall >= 0.6, scores["consensus+clean"].ToString());
        Assert.True(contaminationPicksChain <= contaminationPicksLog / 3, $"{contaminationPicksChain} of {contaminationPicksLog}");
    }
}
