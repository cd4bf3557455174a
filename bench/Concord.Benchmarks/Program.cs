using BenchmarkDotNet.Running;

namespace Concord.Benchmarks;

public static class Program
{
    /// <summary>
    /// Pick benchmarks with BenchmarkDotNet's switcher, e.g. <c>--filter *Fft* --job short</c>; or
    /// <c>fft-ratios [rounds]</c> for the interleaved best-of-N ratio check (<see cref="FftRatioCheck"/>);
    /// or <c>motion-vs-relion [size] [frames] [threads] [folder]</c> (<see cref="MotionVsRelion"/>).
    /// </summary>
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "motion-vs-relion")
            MotionVsRelion.Run(args[1..]);
        else if (args.Length > 0 && args[0] == "fft-ratios")
            FftRatioCheck.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 7);
        else
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
