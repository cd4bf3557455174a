using Concord.Core;
using Concord.Core.Fourier;
using Concord.Ctf.Methods.Parametric;
using Concord.Ctf.Methods.Periodogram;

namespace Concord.Ctf;

/// <summary>
/// Resolves CTF estimators by name, so the CLI and protocols choose one without knowing its type. Each entry builds an
/// estimator over the injected FFT backend; add one line per method.
/// </summary>
public static class CtfEstimators
{
    private static readonly IReadOnlyDictionary<string, Func<IFftBackend, ICtfEstimator>> Factories =
        new Dictionary<string, Func<IFftBackend, ICtfEstimator>>(StringComparer.OrdinalIgnoreCase)
        {
            [PeriodogramEstimator.MethodName] = fft => new PeriodogramEstimator(fft),
            [ParametricCtfEstimator.MethodName] = fft => new ParametricCtfEstimator(fft),
        };

    /// <summary>Names of the estimators this build provides, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = Factories.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Whether <paramref name="name"/> names an estimator of this build (case-insensitive).</summary>
    public static bool IsAvailable(string name) => Factories.ContainsKey(name);

    /// <summary>
    /// The estimator called <paramref name="name"/>; throws <see cref="InvalidParameterException"/> naming the
    /// available ones when this build has none of that name.
    /// </summary>
    public static ICtfEstimator Create(string name, IFftBackend fft)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(fft);
        if (!Factories.TryGetValue(name, out var factory))
            throw new InvalidParameterException("method", $"CTF estimator '{name}' is not available in this build (available: {string.Join(", ", Names)}).");
        return factory(fft);
    }
}
