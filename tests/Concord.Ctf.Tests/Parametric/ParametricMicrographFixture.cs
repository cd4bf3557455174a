using Concord.Core.Fourier;
using Concord.Ctf.Methods.Parametric;
using Concord.Simulation.Micrographs;
using Concord.Simulation.Movies;

namespace Concord.Ctf.Tests.Parametric;

/// <summary>
/// One seeded batch of CTF test micrographs (the shared generator's defaults: 1024², 1.2 Å/px, 0.5–3.5 µm, astigmatism
/// up to 1,500 Å) made once for the parametric estimator's tests: <see cref="Good"/> micrographs 0…11 and one of each
/// defect at indices 0…3, which share their mean defocus and angle draws with good micrographs 0…3. Shared by the
/// test classes of the "parametric micrographs" collection, so the batch is made and estimated without a start once.
/// </summary>
public sealed class ParametricMicrographFixture : IDisposable
{
    public const string Collection = "parametric micrographs";

    public const int Seed = 7;
    public const int GoodCount = 12;

    public ParametricMicrographFixture()
    {
        Fft = FftBackends.CreateDeterministic();
        var generator = new CtfTestMicrographs(new CtfTestMicrographOptions(), Fft);
        Good = Enumerable.Range(0, GoodCount).Select(i => generator.Generate(i, Seed, MicrographDefect.None)).ToArray();
        MicrographDefect[] defects = [MicrographDefect.NoSignal, MicrographDefect.HeavyDrift, MicrographDefect.ThickIce, MicrographDefect.StrongAstigmatism];
        Bad = defects.Select((defect, i) => generator.Generate(i, Seed, defect)).ToArray();
        Settings = new CtfEstimationSettings { AmplitudeContrast = generator.Options.AmplitudeContrast };
        Estimator = new ParametricCtfEstimator(Fft);
        _goodEstimates = new Lazy<CtfEstimate[]>(() => Good.Select(m => Estimator.Estimate(m.Micrograph, Settings)).ToArray());
    }

    private readonly Lazy<CtfEstimate[]> _goodEstimates;

    public ParametricCtfEstimator Estimator { get; }

    /// <summary>Estimates of <see cref="Good"/> without a start value, computed on first use.</summary>
    public CtfEstimate[] GoodEstimates => _goodEstimates.Value;

    public IFftBackend Fft { get; }
    public CtfTestMicrograph[] Good { get; }

    /// <summary>NoSignal, HeavyDrift, ThickIce, StrongAstigmatism at indices 0, 1, 2, 3.</summary>
    public CtfTestMicrograph[] Bad { get; }

    public CtfEstimationSettings Settings { get; }

    public void Dispose()
    {
        foreach (var micrograph in Good.Concat(Bad))
            micrograph.Dispose();
        Fft.Dispose();
    }
}

[CollectionDefinition(ParametricMicrographFixture.Collection)]
public sealed class ParametricMicrographCollection : ICollectionFixture<ParametricMicrographFixture>;
