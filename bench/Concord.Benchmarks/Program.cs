using BenchmarkDotNet.Running;

namespace Concord.Benchmarks;

public static class Program
{
    /// <summary>Pick benchmarks with BenchmarkDotNet's switcher, e.g. <c>--filter *Fft* --job short</c>.</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}