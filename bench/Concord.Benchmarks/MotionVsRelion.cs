using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Concord.Core.Fourier;
using Concord.IO.Mrc;
using Concord.IO.Relion;
using Concord.Simulation.Movies;

namespace Concord.Benchmarks;

/// <summary>
/// <c>motion-vs-relion [size] [frames] [threads] [folder]</c>: one synthetic movie (default 4096² × 40 frames,
/// 1 Å/px, 1 e/Å² per frame, 6 px of decaying drift plus a random walk, a camera with 5% gain scatter and defects),
/// motion-corrected by <c>concord motion</c> and by <c>relion_run_motioncorr --use_own</c> with the same thread count,
/// global alignment then 5×5 patches, dose weighting. Each runs under <c>/usr/bin/time -v</c>: wall time and maximum
/// resident set size; each trajectory is scored against the truth (RMS over frames, px).
/// <para>
/// The movie is cheaper than the full simulator (no particles, ice or CTF): the simulator's <see cref="MovieRenderer"/>
/// on a band-limited random phase specimen (0.1 rad RMS, correlation length ≈ 3 px), with global motion only so the
/// truth trajectory is unambiguous.
/// </para>
/// </summary>
public static partial class MotionVsRelion
{
    public static void Run(string[] args)
    {
        int size = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4096;
        int frames = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40;
        int threads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : Environment.ProcessorCount;
        string folder = Path.GetFullPath(args.Length > 3 ? args[3] : $"motion-vs-relion-{size}");
        string concord = Environment.GetEnvironmentVariable("CONCORD") ?? "concord";
        Directory.CreateDirectory(Path.Combine(folder, "Movies"));
        var clock = Stopwatch.StartNew();
        var motion = Simulate(folder, size, frames, threads);
        Console.WriteLine($"synthetic movie {size}² × {frames} written in {clock.Elapsed.TotalSeconds:F0} s ({folder})");

        const string common = "--dose-per-frame 1 --patches 5x5";
        var ours = Timed(folder, concord, $"motion movies.star -o Concord --gain gain.mrc {common} --threads {threads}");
        var theirs = Timed(folder, "relion_run_motioncorr",
            $"--i movies.star --o Relion/ --use_own --j {threads} --gainref gain.mrc --angpix 1 --voltage 300 --dose_weighting --dose_per_frame 1 --patch_x 5 --patch_y 5");
        double ourError = Error(Path.Combine(folder, "Concord", "movie.star"), motion);
        double theirError = Error(Path.Combine(folder, "Relion", "Movies", "movie.star"), motion);
        Console.WriteLine();
        Console.WriteLine($"| tool | wall (s) | max RSS (GB) | trajectory RMS error (px) |");
        Console.WriteLine($"| --- | --- | --- | --- |");
        Console.WriteLine($"| Concord | {ours.WallSeconds:F1} | {ours.MaxRssKb / 1048576.0:F2} | {ourError:F3} |");
        Console.WriteLine($"| RELION 3.1 --use_own | {theirs.WallSeconds:F1} | {theirs.MaxRssKb / 1048576.0:F2} | {theirError:F3} |");
        Console.WriteLine($"RELION / Concord wall time: {theirs.WallSeconds / ours.WallSeconds:F2}×; memory ratio Concord / RELION {(double)ours.MaxRssKb / theirs.MaxRssKb:F2}");
    }

    private static MotionModel Simulate(string folder, int size, int frames, int threads)
    {
        const double pixelSizeA = 1.0, dose = 1.0;
        using var fft = FftBackends.Create(maxDegreeOfParallelism: threads);
        var phase = RandomPhase(size, fft, seed: 5);
        var motion = MotionModel.Random(frames, size, size, totalDriftPx: 6, localAmplitudePx: 0, new Random(7));
        var camera = CameraModel.Random(size, size, new Random(11));
        using (var gain = camera.GainReference(pixelSizeA))
            MrcWriter.Write(Path.Combine(folder, "gain.mrc"), gain);
        using (var writer = new MrcStackWriter(Path.Combine(folder, "Movies", "movie.mrcs"), size, size, pixelSizeA, new MrcWriteOptions { Mode = MrcMode.Int16 }))
        {
            new MovieRenderer(fft).Render(phase, size, size, pixelSizeA, ReadOnlySpan<float>.Empty, motion, camera, new IceModel(ThicknessA: 0, StructureScale: 0),
                new ExposureModel(dose, frames), seed: 13, (_, frame) => writer.Append(frame), threads);
        }
        File.WriteAllText(Path.Combine(folder, "movies.star"), $"""

            # version 30001

            data_optics

            loop_
            _rlnOpticsGroupName #1
            _rlnOpticsGroup #2
            _rlnMicrographOriginalPixelSize #3
            _rlnVoltage #4
            _rlnSphericalAberration #5
            _rlnAmplitudeContrast #6
            opticsGroup1 1 {pixelSizeA:F3} 300 2.7 0.1

            # version 30001

            data_movies

            loop_
            _rlnMicrographMovieName #1
            _rlnOpticsGroup #2
            Movies/movie.mrcs 1

            """);
        return motion;
    }

    /// <summary>White noise low-passed by a Gaussian of σ = 1.5 px and scaled to 0.1 rad RMS.</summary>
    private static float[] RandomPhase(int size, IFftBackend fft, int seed)
    {
        var shape = new FftShape(size, size);
        var noise = new float[shape.RealLength];
        var random = new Random(seed);
        for (int i = 0; i < noise.Length; i++)
            noise[i] = (float)(random.NextDouble() - 0.5);
        var spectrum = new Complex32[shape.ComplexLength];
        var plan = fft.GetPlan(shape);
        plan.Forward(noise, spectrum);
        double sigmaK = size / (2 * Math.PI * 1.5);
        FourierLayout.ForEach(shape, (i, kx, ky, _) => spectrum[i] *= (float)Math.Exp(-((kx * kx) + (ky * ky)) / (2 * sigmaK * sigmaK)));
        plan.Inverse(spectrum, noise);
        double rms = Math.Sqrt(noise.Average(v => (double)v * v));
        for (int i = 0; i < noise.Length; i++)
            noise[i] = (float)(noise[i] * 0.1 / rms);
        return noise;
    }

    private sealed record Timing(double WallSeconds, long MaxRssKb);

    private static Timing Timed(string folder, string program, string arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/time", $"-v {program} {arguments}")
        {
            WorkingDirectory = folder,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        Console.WriteLine($"$ {program} {arguments}");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        File.WriteAllText(Path.Combine(folder, Path.GetFileName(program) + ".log"), stdout.Result + stderr);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} failed ({process.ExitCode}); see {folder}/{Path.GetFileName(program)}.log");
        var wall = WallClock().Match(stderr);
        var rss = MaxRss().Match(stderr);
        double seconds = 0;
        foreach (string part in wall.Groups[1].Value.Split(':'))
            seconds = (seconds * 60) + double.Parse(part, CultureInfo.InvariantCulture);
        return new Timing(seconds, long.Parse(rss.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    private static double Error(string motionStar, MotionModel truth)
    {
        var motion = RelionMotionStar.Read(motionStar);
        var (x0, y0) = truth.Global(0);
        double sum = 0;
        for (int f = 0; f < truth.Frames; f++)
        {
            var (x, y) = truth.Global(f);
            double dx = motion.GlobalShiftsPx[f].X + (x - x0), dy = motion.GlobalShiftsPx[f].Y + (y - y0);
            sum += (dx * dx) + (dy * dy);
        }
        return Math.Sqrt(sum / truth.Frames);
    }

    [GeneratedRegex(@"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([0-9:.]+)")]
    private static partial Regex WallClock();

    [GeneratedRegex(@"Maximum resident set size \(kbytes\): (\d+)")]
    private static partial Regex MaxRss();
}
