using System.Diagnostics;
using System.Globalization;
using Concord.Core.Fourier;
using Concord.Ctf;
using Concord.Simulation.Micrographs;

namespace Concord.Benchmarks;

/// <summary>
/// `ctf-speed [count] [size]`: seconds per micrograph of the periodogram CTF estimator on one core (FFTW backend and the
/// estimator both limited to one thread), on simulated micrographs of size² px at 1.2 Å/px with a known CTF. Prints each
/// micrograph's wall and CPU time (CPU time of the process, which a loaded machine inflates far less than wall time),
/// the best and median of each, and the relative defocus error against the truth. The micrographs are made before the
/// timings start.
/// </summary>
public static class CtfSpeedCheck
{
    public static void Run(int count, int size)
    {
        var options = new CtfTestMicrographOptions { Width = size, Height = size };
        using var simulationFft = FftBackends.CreateDeterministic();
        var generator = new CtfTestMicrographs(options, simulationFft);
        var micrographs = Enumerable.Range(0, count).Select(i => generator.Generate(i, 2026)).ToList();
        using var fft = FftBackends.Create(FftBackendKind.Auto, maxDegreeOfParallelism: 1);
        var estimator = CtfEstimators.Create("periodogram", fft);
        var settings = new CtfEstimationSettings
        {
            VoltageKv = options.VoltageKv,
            SphericalAberrationMm = options.SphericalAberrationMm,
            AmplitudeContrast = options.AmplitudeContrast,
            MaxDegreeOfParallelism = 1,
        };
        // One untimed run: JIT and the FFTW plan for the tile shape.
        estimator.Estimate(micrographs[0].Micrograph, settings);
        var wall = new List<double>();
        var cpu = new List<double>();
        var process = Process.GetCurrentProcess();
        Console.WriteLine(FormattableString.Invariant($"ctf-speed: {count} micrographs {size}×{size}, FFT backend {fft.Name}, one thread"));
        foreach (var m in micrographs)
        {
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var e = estimator.Estimate(m.Micrograph, settings);
            clock.Stop();
            process.Refresh();
            double cpuSeconds = (process.TotalProcessorTime - cpuStart).TotalSeconds;
            wall.Add(clock.Elapsed.TotalSeconds);
            cpu.Add(cpuSeconds);
            double error = Math.Abs(e.Ctf.DefocusAverageA - m.Ctf.DefocusAverageA) / m.Ctf.DefocusAverageA;
            Console.WriteLine(FormattableString.Invariant(
                $"  {m.Name}: wall {clock.Elapsed.TotalSeconds:F3} s, cpu {cpuSeconds:F3} s, defocus {m.Ctf.DefocusAverageA:F0} Å, error {100 * error:F3} %, fit to {e.MaxResolutionA:F1} Å"));
            m.Dispose();
        }
        Console.WriteLine(FormattableString.Invariant($"wall: best {wall.Min():F3} s, median {Median(wall):F3} s;  cpu: best {cpu.Min():F3} s, median {Median(cpu):F3} s"));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }

    internal static int Parse(string[] args, int index, int fallback) =>
        args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
}
