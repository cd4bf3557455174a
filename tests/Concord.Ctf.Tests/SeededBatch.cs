using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Simulation.Movies;

namespace Concord.Ctf.Tests;

/// <summary>One simulated micrograph of the batch: its truth and each estimator's estimate.</summary>
public sealed record BatchMicrograph(string Name, CtfParameters Truth, MicrographDefect Defect, CtfEstimate Primary, CtfEstimate Secondary, double PixelSizeA);

/// <summary>
/// The seeded acceptance batch, simulated and estimated once for all tests that share it: 32 good micrographs and three
/// of each defect, 1024² px at 1.2 Å/px (defocus 0.5–3.5 µm, astigmatism up to 1,500 Å). The primary estimator is
/// the periodogram one; the secondary is resolved by <see cref="SecondaryMethod"/>, the one line to change when a second
/// estimator is available (it is only run when it differs from the primary).
/// </summary>
public sealed class SeededBatch
{
    public const string PrimaryMethod = "periodogram";
    public const string SecondaryMethod = "parametric";
    public const int Seed = 20261124;
    public const int GoodCount = 32;
    public const int PerDefect = 3;

    public SeededBatch()
    {
        var defects = Enumerable.Repeat(MicrographDefect.None, GoodCount)
            .Concat(Enum.GetValues<MicrographDefect>().Where(d => d != MicrographDefect.None).SelectMany(d => Enumerable.Repeat(d, PerDefect)))
            .ToArray();
        using var fft = FftBackends.Create();
        var primary = CtfEstimators.Create(PrimaryMethod, fft);
        var secondary = SecondaryMethod == PrimaryMethod ? null : CtfEstimators.Create(SecondaryMethod, fft);
        var settings = TestMicrographs.SettingsFor(TestMicrographs.Options) with { MaxDegreeOfParallelism = 1 };
        var results = new BatchMicrograph[defects.Length];
        Parallel.For(0, defects.Length, i =>
        {
            using var m = TestMicrographs.Make(i, Seed, defects[i]);
            var a = primary.Estimate(m.Micrograph, settings);
            var b = secondary?.Estimate(m.Micrograph, settings with { Start = a.Ctf }) ?? a;
            results[i] = new BatchMicrograph(m.Name, m.Ctf, m.Defect, a, b, m.Micrograph.PixelSizeA);
        });
        Micrographs = results;
    }

    public IReadOnlyList<BatchMicrograph> Micrographs { get; }

    public IEnumerable<BatchMicrograph> Good => Micrographs.Where(m => m.Defect == MicrographDefect.None);
}

[CollectionDefinition(Name)]
public sealed class SeededBatchCollection : ICollectionFixture<SeededBatch>
{
    public const string Name = "Seeded CTF batch";
}
