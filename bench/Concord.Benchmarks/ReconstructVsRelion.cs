using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Concord.Core.Ctf;
using Concord.Core.Geometry;
using Concord.Core.Imaging;
using Concord.IO.Mrc;
using Concord.IO.Relion;
using Concord.IO.Star;

namespace Concord.Benchmarks;

/// <summary>
/// Side-by-side run of projection and reconstruction against RELION 3.1 (<c>recon-vs-relion CONCORD [particles] [box] [folder]</c>):
/// writes a smooth phantom map and a particle STAR with random poses, origins and CTFs, projects it with
/// <c>concord project --ctf</c> (timed against relion_project on the same angles), then reconstructs the stack with
/// Concord on 1 thread vs relion_reconstruct and Concord on 2 threads vs <c>mpirun -n 2 relion_reconstruct_mpi</c>,
/// each under <c>/usr/bin/time -v</c> for wall time and peak resident memory. Prints a Markdown table.
/// </summary>
internal static partial class ReconstructVsRelion
{
    public static void Run(string concord, int particles, int box, string folder)
    {
        Directory.CreateDirectory(folder);
        const double pixelSizeA = 1.5;
        WritePhantom(Path.Combine(folder, "phantom.mrc"), box, pixelSizeA);
        WriteAngles(Path.Combine(folder, "angles.star"), particles, box, pixelSizeA);
        Console.WriteLine($"# {particles} particles of {box}² px, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        var rows = new List<string>();
        void Measure(string label, string program, string arguments)
        {
            var (seconds, peakMb, log) = Timed(program, arguments, folder);
            rows.Add($"| {label} | `{Path.GetFileName(program)} {arguments}` | {seconds:F1} | {peakMb:F0} |");
            Console.WriteLine(rows[^1]);
            if (seconds < 0)
                Console.WriteLine(log);
        }
        Measure("project, Concord 1 thread", concord, "project phantom.mrc --angles angles.star -o proj.mrcs --ctf --threads 1");
        Measure("project, relion_project", "relion_project", "--i phantom.mrc --ang angles.star --o rproj --ctf");
        Measure("reconstruct, Concord 1 thread", concord, "reconstruct proj.star -o concord_t1.mrc --threads 1");
        Measure("reconstruct, relion_reconstruct", "relion_reconstruct", "--i proj.star --o relion_t1.mrc --ctf");
        Measure("reconstruct, Concord 2 threads", concord, "reconstruct proj.star -o concord_t2.mrc --threads 2");
        Measure("reconstruct, relion_reconstruct_mpi -n 2", "mpirun", "-n 2 --allow-run-as-root --oversubscribe relion_reconstruct_mpi --i proj.star --o relion_mpi2.mrc --ctf");
        Console.WriteLine();
        Console.WriteLine("| run | command | wall s | peak RSS MB |");
        Console.WriteLine("| --- | --- | --- | --- |");
        rows.ForEach(Console.WriteLine);
    }

    /// <summary>Runs under /usr/bin/time -v; returns wall seconds (−1 on failure), peak RSS in MB and the log.</summary>
    private static (double Seconds, double PeakMb, string Log) Timed(string program, string arguments, string folder)
    {
        using var p = Process.Start(new ProcessStartInfo("/usr/bin/time", $"-v {program} {arguments}")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string log = p.StandardError.ReadToEnd();
        p.WaitForExit();
        _ = stdout.Result;
        var wall = WallClock().Match(log);
        var rss = PeakRss().Match(log);
        if (p.ExitCode != 0 || !wall.Success || !rss.Success)
            return (-1, -1, log);
        var parts = wall.Groups[1].Value.Split(':').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).Reverse().ToArray();
        double seconds = parts[0] + (parts.Length > 1 ? 60 * parts[1] : 0) + (parts.Length > 2 ? 3600 * parts[2] : 0);
        return (seconds, double.Parse(rss.Groups[1].Value, CultureInfo.InvariantCulture) / 1024, log);
    }

    /// <summary>Smooth Gaussian blobs (a band-limited stand-in for a protein) filling about half the box.</summary>
    private static void WritePhantom(string path, int box, double pixelSizeA)
    {
        using var map = Volume.Cube(box, pixelSizeA);
        var random = new Random(5);
        int c = box / 2;
        for (int b = 0; b < 40; b++)
        {
            double bx = c + (random.NextDouble() - 0.5) * box * 0.45, by = c + (random.NextDouble() - 0.5) * box * 0.45, bz = c + (random.NextDouble() - 0.5) * box * 0.45;
            double sigma = 1.5 + 2 * random.NextDouble(), amplitude = 0.5 + random.NextDouble();
            int reach = (int)Math.Ceiling(4 * sigma);
            for (int z = Math.Max(0, (int)bz - reach); z <= Math.Min(box - 1, (int)bz + reach); z++)
                for (int y = Math.Max(0, (int)by - reach); y <= Math.Min(box - 1, (int)by + reach); y++)
                    for (int x = Math.Max(0, (int)bx - reach); x <= Math.Min(box - 1, (int)bx + reach); x++)
                    {
                        double d2 = (x - bx) * (x - bx) + (y - by) * (y - by) + (z - bz) * (z - bz);
                        map[x, y, z] += (float)(amplitude * Math.Exp(-d2 / (2 * sigma * sigma)));
                    }
        }
        MrcWriter.Write(path, map);
    }

    private static void WriteAngles(string path, int count, int box, double pixelSizeA)
    {
        var random = new Random(7);
        var particles = new ParticleRecord[count];
        for (int i = 0; i < count; i++)
        {
            double u = 8000 + 17000 * random.NextDouble();
            var ctf = new CtfParameters { DefocusUA = u, DefocusVA = u - 300 * random.NextDouble(), DefocusAngleDeg = 180 * random.NextDouble() };
            var pose = new Pose(RandomRotations.NextEulerAngles(random), 6 * (random.NextDouble() - 0.5), 6 * (random.NextDouble() - 0.5));
            particles[i] = new ParticleRecord(StarImageReference.ForIndex("none.mrcs", i), pose, ctf, 1 + i % 2, 1);
        }
        RelionParticles.Write(path, [new OpticsGroup(1, "opticsGroup1", pixelSizeA, box)], particles);
    }

    [GeneratedRegex(@"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([0-9:.]+)")]
    private static partial Regex WallClock();

    [GeneratedRegex(@"Maximum resident set size \(kbytes\): (\d+)")]
    private static partial Regex PeakRss();
}
