using System.CommandLine;
using System.Runtime.InteropServices;

namespace Concord.Cli.Verbs;

/// <summary>`concord system`: what Concord runs on (version, runtime, cores, memory, FFT backend), for bug reports and cluster checks.</summary>
public sealed class SystemVerb : IVerb
{
    public sealed record Summary(string Version, string Runtime, string Os, int Cores, double MemoryGiB, int Threads, string FftBackend, bool FftwAvailable);

    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("system", """
            Show the version, runtime, cores, memory and numerical backends Concord will use here.

            Examples:
              concord system
              concord system --json
            """);
        VerbAction.Bind(command, global, stdout, stderr, (_, ctx) =>
        {
            var summary = Describe(ctx.Threads);
            if (ctx.Json)
            {
                ctx.WriteJsonSummary(summary);
                return VerbAction.Success;
            }
            ctx.Say($"Concord {summary.Version}");
            ctx.Say($"runtime  {summary.Runtime} on {summary.Os}");
            ctx.Say($"cores    {summary.Cores} (using {summary.Threads} threads)");
            ctx.Say($"memory   {summary.MemoryGiB:F1} GiB");
            ctx.Say($"FFT      {summary.FftBackend}" + (summary.FftwAvailable ? "" : " (install libfftw3-single3 for FFTW)"));
            return VerbAction.Success;
        });
        return command;
    }

    public static Summary Describe(int threads) => new(
        ConcordApp.Version,
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSDescription,
        Environment.ProcessorCount,
        GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024),
        threads,
        FftBackendName(),
        Core.Fourier.FftwBackend.IsAvailable);

    private static string FftBackendName()
    {
        using var backend = Core.Fourier.FftBackends.Create();
        return backend.Name;
    }
}
