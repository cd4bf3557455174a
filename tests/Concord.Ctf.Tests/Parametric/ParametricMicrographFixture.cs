using Concord.Core.Fourier;
using Concord.Simulation.Micrographs;
using Concord.Simulation.Movies;

namespace Concord.Ctf.Tests.Parametric;

/// <summary>
/// One seeded batch of CTF test micrographs (the shared generator's defaults: 1024², 1.2 Å/px, 0.5–3.5 µm, astigmatism
/// up to 1,500 Å) made once for the parametric estimator's tests: <see cref="Good"/> micrographs 0…11 and one of each
/// defect at indices 0…3, which share their mean defocus and angle draws with good micrographs 0…3.
/// </summary>
public sealed class ParametricMicrographFixture : IDisposable
{
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
    }

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
