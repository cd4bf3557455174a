using BenchmarkDotNet.Running;

namespace Concord.Benchmarks;

public static class Program
{
    /// <summary>
    /// Pick benchmarks with BenchmarkDotNet's switcher, e.g. <c>--filter *Fft* --job short</c>; or
    /// <c>fft-ratios [rounds]</c> for the interleaved best-of-N ratio check (<see cref="FftRatioCheck"/>);
    /// <c>ctf-speed [count] [size]</c> for seconds per micrograph of the periodogram CTF estimator (<see cref="CtfSpeedCheck"/>);
    /// <c>recon-vs-relion CONCORD [particles] [box] [folder]</c> for projection and reconstruction against RELION (<see cref="ReconstructVsRelion"/>);
    /// <c>pick-accuracy [movies] [seed] [threads]</c> for precision/recall of every picking-chain stage (<see cref="PickingChainAccuracy"/>);
    /// <c>motion-vs-relion [size] [frames] [threads] [folder]</c> for motion correction against RELION (<see cref="MotionVsRelion"/>);
    /// <c>pick-vs-relion [micrographs] [threads] [folder]</c> for picking against relion_autopick --LoG (<see cref="PickVsRelion"/>).
    /// </summary>
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "pick-accuracy")
            PickingChainAccuracy.Run(args[1..]);
        else if (args.Length > 0 && args[0] == "motion-vs-relion")
            MotionVsRelion.Run(args[1..]);
        else if (args.Length > 0 && args[0] == "pick-vs-relion")
            PickVsRelion.Run(args[1..]);
        else if (args.Length > 0 && args[0] == "fft-ratios")
            FftRatioCheck.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 7);
        else if (args.Length > 0 && args[0] == "ctf-speed")
            CtfSpeedCheck.Run(CtfSpeedCheck.Parse(args, 1, 5), CtfSpeedCheck.Parse(args, 2, 4096));
        else if (args.Length > 1 && args[0] == "recon-vs-relion")
            ReconstructVsRelion.Run(Path.GetFullPath(args[1]), args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10_000,
                args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 128, Path.GetFullPath(args.Length > 4 ? args[4] : "recon-vs-relion"));
        else
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
