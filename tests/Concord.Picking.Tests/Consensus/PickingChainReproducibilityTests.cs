using System.Text;
using Concord.Core.Fourier;
using Concord.Picking.Chain;
using Concord.Picking.DeepConsensus;
using Concord.Picking.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Concord.Picking.Tests.Consensus;

/// <summary>
/// Same seeds and inputs must give the same picks bit for bit, whatever the thread count or scheduling
/// (<see cref="PickingChainOptions.MaxDegreeOfParallelism"/>, <see cref="DeepConsensusOptions.MaxDegreeOfParallelism"/>).
/// Every stage is compared in chain order (LoG, template, cleaner mask, learned model, learned picks, vote, deep
/// scores, kept) so a failure names the first stage that differs. With FFTW this needs plans that give the same bits
/// at every array alignment (pooled buffers land at different addresses on different threads) and FFTW_ESTIMATE
/// (FFTW_MEASURE picks its algorithm by timing, so its last bits differ from run to run whatever the code does).
/// </summary>
public class PickingChainReproducibilityTests(ITestOutputHelper output)
{
    [FactRequiresFftw]
    public void Chain_is_bit_identical_on_one_and_two_threads_with_fftw()
    {
        using var fft1 = new FftwBackend(FftwPlanRigor.Estimate, 1);
        using var fft2 = new FftwBackend(FftwPlanRigor.Estimate, 2);
        ChainIsBitIdentical(fft1, fft2);
    }

    [Fact]
    public void Chain_is_bit_identical_on_one_and_two_threads_with_managed_fft()
    {
        using var fft1 = FftBackends.CreateDeterministic(1);
        using var fft2 = FftBackends.CreateDeterministic(2);
        ChainIsBitIdentical(fft1, fft2);
    }

    /// <summary>Runs the chain on 1 thread with <paramref name="fft1"/> and on 2 with <paramref name="fft2"/> (separate backends, as separate processes have).</summary>
    private void ChainIsBitIdentical(IFftBackend fft1, IFftBackend fft2)
    {
        var micrographs = new[] { 21, 22, 23 }.Select(s => SimulatedMicrographs.Get(512, s, contamination: true))
            .Select((m, i) => new ChainMicrograph($"mic{i}", m.Image, m.Truth.Ctf)).ToList();
        var options = new PickingChainOptions
        {
            DiameterA = 80,
            Templates = Templates.Projections(2, seed: 9),
            TemplateAngularStepDeg = 30,
            DeepOptions = new DeepConsensusOptions { RandomNegativesPerMicrograph = 20, Epochs = 3, MinPositives = 5, MinNegatives = 5, Seed = 1 },
        };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var one = PickingChain.Run(micrographs, options with { MaxDegreeOfParallelism = 1, DeepOptions = options.DeepOptions with { MaxDegreeOfParallelism = 1 } }, fft1);
        var two = PickingChain.Run(micrographs, options with { MaxDegreeOfParallelism = 2, DeepOptions = options.DeepOptions with { MaxDegreeOfParallelism = 2 } }, fft2);
        output.WriteLine($"two chains in {clock.Elapsed.TotalSeconds:F1} s; learned {one.LearnedModel!.Positives}+/{one.LearnedModel.Negatives}-, " +
            $"deep {one.DeepModel!.Training!.Positives}+/{one.DeepModel.Training.Negatives}+{one.DeepModel.Training.RandomNegatives}-");
        foreach (var (stage, a, b) in Stages(one).Zip(Stages(two), (x, y) => (x.Stage, x.Text, y.Text)))
            Assert.True(a == b, $"{stage} differs between 1 and 2 threads:\n{FirstDifference(a, b)}");
    }

    /// <summary>Each stage's outcome as exact text (doubles round-trip with "R"), in chain order.</summary>
    private static IEnumerable<(string Stage, string Text)> Stages(PickingChainResult result)
    {
        foreach (string picker in new[] { PickingChain.Log, PickingChain.Template })
            yield return (picker, string.Join('\n', result.Micrographs.Select(m => Picks(m.Picks[picker]))));
        yield return ("cleaner mask", string.Join('\n', result.Micrographs.Select(m => Convert.ToHexString(m.Mask!.Mask.SelectMany(BitConverter.GetBytes).ToArray()))));
        var model = result.LearnedModel!;
        yield return ("learned model", $"{model.Positives} {model.Negatives} {model.Classifier.Bias:R} " +
            string.Join(' ', model.Classifier.Weights.Concat(model.Classifier.Mean).Concat(model.Classifier.Scale).Select(v => v.ToString("R"))));
        yield return (PickingChain.Learned, string.Join('\n', result.Micrographs.Select(m => Picks(m.Picks[PickingChain.Learned]))));
        yield return ("vote", string.Join('\n', result.Micrographs.Select(m => string.Join(';', m.Consensus.All.Select(c => $"{c.XPx:R},{c.YPx:R},{c.Votes}")))));
        var training = result.DeepModel!.Training!;
        yield return ("deep training", $"{training.Positives} {training.Negatives} {training.RandomNegatives} {training.Epochs} {training.ValidationAccuracy:R}");
        yield return ("deep scores", string.Join('\n', result.Micrographs.Select(m => string.Join(' ', m.DeepScores!.Select(s => s.ToString("R"))))));
        yield return ("kept", string.Join('\n', result.Micrographs.Select(m => string.Join(' ', m.Kept))));
    }

    private static string Picks(IReadOnlyList<Pick> picks)
    {
        var text = new StringBuilder();
        foreach (var p in picks)
            text.Append($"{p.XPx:R},{p.YPx:R},{p.Score:R};");
        return text.ToString();
    }

    private static string FirstDifference(string a, string b)
    {
        int i = 0;
        while (i < Math.Min(a.Length, b.Length) && a[i] == b[i])
            i++;
        int start = Math.Max(0, i - 80);
        return $"…{a[start..Math.Min(a.Length, i + 80)]}\nvs\n…{b[start..Math.Min(b.Length, i + 80)]}";
    }
}
