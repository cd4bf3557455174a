using Concord.Core.Fourier;
using Concord.Picking.Chain;
using Concord.Picking.Cleaning;
using Concord.Picking.Consensus;
using Concord.Picking.DeepConsensus;
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

    /// <summary>
    /// The whole chain (<see cref="PickingChain"/>): LoG, template, the learned picker self-trained on their agreement,
    /// found-by-≥2-of-3, deep consensus at 0.95 and the cleaner, on four 1024² micrographs with ice crystals and
    /// aggregates (the learned-picker tests' set, ~50 particles each), scored against the usable particles (not junk,
    /// not on contamination; picks on contamination are false positives). Prints every stage and pins the chain
    /// against the best single picker. Deep consensus needs a few hundred agreed picks to train: on four 512²
    /// micrographs (~70 positives) its scores stay below 0.95 for most particles and recall collapses. At this vacuum
    /// contrast the self-trained learned picker is already near the chain, so the chain is only held level with it.
    /// </summary>
    [Fact]
    public void Full_chain_is_more_precise_than_every_single_picker_at_high_recall()
    {
        var (chain, scores) = RunChain(inIce: false);
        double bestSingle = new[] { "learned", "log", "template" }.Max(p => scores[p].F1);
        Assert.All(new[] { "learned", "log", "template" }, p => Assert.True(chain.Precision >= scores[p].Precision, $"{p}: {scores[p]} vs chain {chain}"));
        // Measured (seeds 21–24): chain precision 0.997, recall 0.909, F1 0.951; learned 0.990/0.928 (F1 0.958), LoG 0.909, template 0.862.
        Assert.True(chain.Precision >= 0.99, chain.ToString());
        Assert.True(chain.Recall >= 0.88, chain.ToString());
        Assert.True(chain.F1 >= bestSingle - 0.02, $"chain F1 {chain.F1:F3}, best single {bestSingle:F3}");
    }

    /// <summary>
    /// The same at a realistic SNR: particles with the ice they displace subtracted, so their low-resolution contrast
    /// is a third of the vacuum case's. LoG then finds half the particles and the learned picker (trained on LoG and
    /// template agreement) two thirds; deep consensus, trained on the all-agree picks against background, self-trained
    /// twice and deciding over every candidate, with the cleaner, must beat the best single picker clearly.
    /// </summary>
    [Fact]
    public void Full_chain_beats_the_best_single_picker_in_ice()
    {
        var (chain, scores) = RunChain(inIce: true);
        double bestSingle = new[] { "learned", "log", "template" }.Max(p => scores[p].F1);
        // Measured (seeds 21–24, FFTW_ESTIMATE): chain precision 0.995, recall 0.892, F1 0.940; template 0.859/0.964 (F1 0.908), learned 0.746,
        // LoG 0.528. On the bench's micrographs in ice, single-picker negatives cut the chain's recall to a third and 20
        // training epochs left it dependent on the seed. The cleaner's growth costs recall here (contamination everywhere).
        Assert.True(chain.F1 >= 0.92, chain.ToString());
        Assert.True(chain.Precision >= 0.98, chain.ToString());
        Assert.True(chain.F1 >= bestSingle + 0.02, $"chain F1 {chain.F1:F3}, best single {bestSingle:F3}");
    }

    private (PickingScore Chain, Dictionary<string, PickingScore> Scores) RunChain(bool inIce)
    {
        // Planned with FFTW_ESTIMATE (or the managed FFT): FFTW_MEASURE's plans, and with them the last bits the network
        // trains on, change from one process to the next.
        using var fft = FftwBackend.IsAvailable ? new FftwBackend(FftwPlanRigor.Estimate) : FftBackends.CreateDeterministic();
        var mics = new[] { 21, 22, 23, 24 }.Select(s => SimulatedMicrographs.Get(1024, s, contamination: true, inIce: inIce)).ToList();
        var options = new PickingChainOptions
        {
            DiameterA = 80,
            Templates = Templates.Projections(4, seed: 9),
            TemplateAngularStepDeg = 15,
        };
        options = options with { DeepOptions = options.DeepOptions with { RandomNegativesPerMicrograph = 20, Seed = 1 } };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = PickingChain.Run(mics.Select((m, i) => new ChainMicrograph($"mic{i}", m.Image, m.Truth.Ctf)).ToList(), options, fft);
        var scores = new Dictionary<string, PickingScore>();
        for (int i = 0; i < mics.Count; i++)
            foreach (var (stage, picks) in ChainEvaluation.Stages(result.Micrographs[i], options.Votes, options.DeepOptions.Threshold))
                scores[stage] = (scores.GetValueOrDefault(stage) ?? PickingScore.Empty).Plus(PickingScore.Compute(picks, mics[i].Usable, 0.25 * 80 / 1.5));
        var deep = result.DeepModel!.Training!;
        output.WriteLine($"{(inIce ? "in ice" : "vacuum contrast")}: chain {clock.Elapsed.TotalSeconds:F1} s; learned trained on {result.LearnedModel!.Positives}+/{result.LearnedModel.Negatives}-; " +
            $"deep on {deep.Positives}+ ({deep.Promoted} promoted)/{deep.Negatives}+{deep.RandomNegatives}-");
        foreach (var (name, s) in scores)
            output.WriteLine($"{name,-16} {s}, F1 {s.F1:F3}");
        return (scores["deep+clean"], scores);
    }
}
