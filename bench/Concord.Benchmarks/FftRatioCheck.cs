using System.Diagnostics;

using Concord.Core.Fourier;

namespace Concord.Benchmarks;

/// <summary>
/// A quick ratio check for busy machines (run with <c>fft-ratios [rounds]</c>): the methods of
/// <see cref="FftBenchmarks"/> are timed in interleaved rounds and each keeps its fastest round, so background load
/// hits every method alike and the minima approach the unloaded times. Prints ratios to raw FFTW. Not a substitute
/// for the BenchmarkDotNet run on a quiet machine.
/// </summary>
internal static class FftRatioCheck
{
    private static readonly string[] Methods = ["FftwRaw", "Fftw", "FftwUnaligned", "Managed", "ManagedParallel"];

    public static void Run(int rounds)
    {
        PrintAlignments();
        foreach (var name in new[] { "4096x4096", "4096x3072", "256^3", "64x256x256" })
        {
            var benches = Methods.Select(_ => new FftBenchmarks { Case = name }).ToArray();
            benches[0].SetupRaw();
            benches[1].SetupFftw();
            benches[2].SetupFftwUnaligned();
            benches[3].SetupManaged();
            benches[4].SetupManagedParallel();
            Action[] runs = [benches[0].FftwRaw, benches[1].Fftw, benches[2].FftwUnaligned, benches[3].Managed, benches[4].ManagedParallel];
            var best = Enumerable.Repeat(double.MaxValue, runs.Length).ToArray();
            for (int r = 0; r < rounds; r++)
                for (int m = 0; m < runs.Length; m++)
                {
                    var watch = Stopwatch.StartNew();
                    runs[m]();
                    best[m] = Math.Min(best[m], watch.Elapsed.TotalMilliseconds);
                }
            foreach (var b in benches)
                b.Dispose();
            for (int m = 0; m < runs.Length; m++)
                Console.WriteLine($"{name,-11} {Methods[m],-16} best {best[m],9:F1} ms   ratio to raw {best[m] / best[0],5:F2}");
        }
    }

    /// <summary>FFTW picks SIMD codelets only for arrays at its preferred alignment; show where .NET arrays land.</summary>
    private static unsafe void PrintAlignments()
    {
        foreach (int length in new[] { 1 << 10, 1 << 16, 1 << 24 })
        {
            var a = new float[length];
            var b = System.Buffers.ArrayPool<float>.Shared.Rent(length);
            fixed (float* pa = a)
            fixed (float* pb = b)
                Console.WriteLine($"fftwf_alignment_of: new float[{length}] → {FftwNative.fftwf_alignment_of(pa)}, pooled → {FftwNative.fftwf_alignment_of(pb)}");
            System.Buffers.ArrayPool<float>.Shared.Return(b);
        }
    }
}
