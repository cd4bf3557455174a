using System.Diagnostics;
using System.Globalization;
using Concord.Core.Fourier;
using Concord.Core.Geometry;
using Concord.Core.Imaging;
using Concord.Core.Projection;
using Concord.IO.Mrc;
using Concord.IO.Star;
using Concord.Picking;
using Concord.Picking.Evaluation;
using Concord.Simulation.Movies;
using Concord.Simulation.Presets;

namespace Concord.Benchmarks;

/// <summary>
/// <c>pick-vs-relion [micrographs] [threads] [folder]</c>: picking side by side with <c>relion_autopick --LoG</c> on the
/// same simulated micrographs (default 12; a folder that holds them from an earlier run is reused), scored against the simulator's true particle centres.
/// <para>
/// The micrographs are the <c>small</c> preset's (1024², 1.5 Å/px, 80 Å particles against the ice they displace, 10% junk
/// fragments, ice crystals and aggregates, 15% bad micrographs) made without drift, so the sum of the frames is the micrograph and no motion
/// correction stands between the simulator and the pickers. Each program is given what a user would give it: the
/// particle diameter from the truth, RELION its LoG range around it (0.875–1.125 D) with the GUI's defaults otherwise
/// (default threshold, <c>--shrink 0 --lowpass 20</c>), Concord its <c>--diameter</c>; the consensus chain gets eight
/// projections of the true map as templates (in place of 2D class averages) and the true CTFs (in place of CTFFIND's).
/// </para>
/// <para>
/// Scoring: <see cref="PickingScore"/>, one-to-one matching within a quarter diameter (as the picking tests), against
/// the non-junk particles. Speed: wall time of each process, best of three, on all micrographs and on the first one;
/// RELION's autopick is one process on one core, so Concord's LoG runs with <c>--threads 1</c>; the chain runs once,
/// with [threads].
/// </para>
/// </summary>
public static class PickVsRelion
{
    private const double DiameterA = 80;

    public static void Run(string[] args)
    {
        int count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 12;
        int threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : Environment.ProcessorCount;
        string folder = Path.GetFullPath(args.Length > 2 ? args[2] : "pick-vs-relion");
        string concord = Environment.GetEnvironmentVariable("CONCORD") ?? "concord";
        if (count < 2)
            throw new ArgumentException("pick-vs-relion needs at least 2 micrographs (the time per micrograph is the slope between 1 and N).");
        Directory.CreateDirectory(Path.Combine(folder, "Micrographs"));
        var clock = Stopwatch.StartNew();
        var (truth, pixelA) = ReadOrSimulate(folder, count, threads);
        Console.WriteLine($"{count} micrographs ready in {clock.Elapsed.TotalSeconds:F0} s ({folder}); {truth.Values.Sum(t => t.Count)} true particles");
        double radiusPx = 0.25 * DiameterA / pixelA;

        string log = FormattableString.Invariant($"--LoG --LoG_diam_min {0.875 * DiameterA} --LoG_diam_max {1.125 * DiameterA} --shrink 0 --lowpass 20");
        string RelionArgs(string star, string odir) => $"--i {star} --odir {odir}/ --pickname autopick {log}";
        string ConcordArgs(string star, string odir) => $"pick {star} --diameter {DiameterA} --method log -o {odir} --threads 1 --no-plots";
        // Time per micrograph: best of three runs on all N micrographs and on the first one, interleaved so that load
        // on a shared machine hits both programs alike; the slope (T_N − T_1)/(N − 1) leaves out start-up (the .NET
        // runtime, JIT, FFTW planning), the mean T_N/N keeps it. CPU time (user + system) is given beside wall time
        // because on a loaded machine it is the steadier of the two.
        var relionN = new List<Timing>();
        var relion1 = new List<Timing>();
        var oursN = new List<Timing>();
        var ours1 = new List<Timing>();
        for (int rep = 0; rep < 3; rep++)
        {
            relionN.Add(Timed(folder, "relion_autopick", RelionArgs("micrographs.star", rep == 0 ? "Relion" : $"Timing/relion{rep}")));
            oursN.Add(Timed(folder, concord, ConcordArgs("micrographs.star", rep == 0 ? "ConcordLog" : $"Timing/concord{rep}")));
            relion1.Add(Timed(folder, "relion_autopick", RelionArgs("micrograph_first.star", $"Timing/relion1_{rep}")));
            ours1.Add(Timed(folder, concord, ConcordArgs("micrograph_first.star", $"Timing/concord1_{rep}")));
        }
        var chain = Timed(folder, concord, $"pick micrographs.star --diameter {DiameterA} --method all --templates templates.mrcs --ctf micrographs.star "
            + $"--consensus --deep-consensus --clean -o ConcordChain --threads {threads} --no-plots");

        var relionPicks = truth.Keys.ToDictionary(m => m, m => ReadPicks(Path.Combine(folder, "Relion", Path.ChangeExtension(m, null) + "_autopick.star")));
        Timing Best(List<Timing> runs) => new(runs.Min(t => t.WallSeconds), runs.Min(t => t.CpuSeconds));
        Timing Slope(List<Timing> n, List<Timing> one) => new((Best(n).WallSeconds - Best(one).WallSeconds) / (count - 1), (Best(n).CpuSeconds - Best(one).CpuSeconds) / (count - 1));
        Timing Mean(Timing t) => new(t.WallSeconds / count, t.CpuSeconds / count);
        var rows = new (string Name, PickingScore Score, Timing Mean, Timing? Slope)[]
        {
            ($"RELION 3.1 relion_autopick {log}", Score(relionPicks, truth, radiusPx), Mean(Best(relionN)), Slope(relionN, relion1)),
            ("Concord pick --method log (1 thread)", Score(ReadAll(Path.Combine(folder, "ConcordLog", "coordinates.star")), truth, radiusPx),
                Mean(Best(oursN)), Slope(oursN, ours1)),
            ($"Concord pick --method all --consensus --deep-consensus --clean ({threads} threads)",
                Score(ReadAll(Path.Combine(folder, "ConcordChain", "coordinates.star")), truth, radiusPx), Mean(chain), null),
        };
        Console.WriteLine();
        Console.WriteLine("| picker | picks | precision | recall | F1 | s / micrograph, slope: wall / CPU | s / micrograph, T_N/N: wall / CPU |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var (name, score, mean, slope) in rows)
            Console.WriteLine(FormattableString.Invariant(
                $"| {name} | {score.Picks} | {score.Precision:F3} | {score.Recall:F3} | {score.F1:F3} | {(slope is { } v ? $"{v.WallSeconds:F3} / {v.CpuSeconds:F3}" : "–")} | {mean.WallSeconds:F2} / {mean.CpuSeconds:F2} |"));
        var (r, c) = (rows[0], rows[1]);
        Console.WriteLine(FormattableString.Invariant(
            $"RELION LoG / Concord LoG time per micrograph: slope {r.Slope!.WallSeconds / c.Slope!.WallSeconds:F2}× wall, {r.Slope.CpuSeconds / c.Slope.CpuSeconds:F2}× CPU; T_N/N {r.Mean.WallSeconds / c.Mean.WallSeconds:F2}× wall, {r.Mean.CpuSeconds / c.Mean.CpuSeconds:F2}× CPU"));
        Console.WriteLine(FormattableString.Invariant(
            $"F1 chain − RELION: {rows[2].Score.F1 - rows[0].Score.F1:+0.000;-0.000}; F1 Concord LoG − RELION: {rows[1].Score.F1 - rows[0].Score.F1:+0.000;-0.000}"));
    }

    /// <summary>The micrographs and truth of an earlier run in <paramref name="folder"/> when it has <paramref name="count"/> of them, else a fresh simulation.</summary>
    private static (Dictionary<string, List<(double X, double Y)>> Truth, double PixelSizeA) ReadOrSimulate(string folder, int count, int threads)
    {
        string truthStar = Path.Combine(folder, "truth_coordinates.star"), micrographsStar = Path.Combine(folder, "micrographs.star");
        var micrographs = File.Exists(truthStar) && File.Exists(micrographsStar) ? StarReader.Read(micrographsStar).Require("micrographs").RequireLoop(micrographsStar) : null;
        if (micrographs is not null && micrographs.RowCount == count)
        {
            var table = StarReader.Read(truthStar).Require("particles").RequireLoop(truthStar);
            var truth = Enumerable.Range(0, micrographs.RowCount).ToDictionary(r => micrographs.GetString(r, StarLabels.MicrographName), _ => new List<(double X, double Y)>());
            for (int r = 0; r < table.RowCount; r++)
                truth[table.GetString(r, StarLabels.MicrographName)].Add((table.GetDouble(r, StarLabels.CoordinateX), table.GetDouble(r, StarLabels.CoordinateY)));
            return (truth, SimulationPreset.Get("small").Movies.PixelSizeA);
        }
        return Simulate(folder, count, threads);
    }

    /// <summary>Writes the micrographs, micrographs.star (optics, names, true CTF) and the templates; returns the true centres per micrograph.</summary>
    private static (Dictionary<string, List<(double X, double Y)>> Truth, double PixelSizeA) Simulate(string folder, int count, int threads)
    {
        var preset = SimulationPreset.Get("small");
        var options = preset.Movies with { DriftA = 0, LocalMotionA = 0 };
        var (models, fragment) = PresetPhantoms.Models(preset.Phantom);
        var maps = PresetPhantoms.Maps([.. models, fragment], preset.Phantom.BoxSize, options.PixelSizeA, threads, inIce: options.ParticlesInIce);
        using var fft = FftwBackend.IsAvailable ? new FftwBackend(FftwPlanRigor.Estimate, threads) : FftBackends.CreateDeterministic(threads);
        var simulator = new MovieSimulator(options, maps, lastModelIsJunk: true, fft);
        var micrographs = new StarTable([StarLabels.MicrographName, StarLabels.OpticsGroup, StarLabels.DefocusU, StarLabels.DefocusV, StarLabels.DefocusAngle]);
        var truth = new Dictionary<string, List<(double X, double Y)>>();
        var truthTable = new StarTable([StarLabels.MicrographName, StarLabels.CoordinateX, StarLabels.CoordinateY]);
        var ctf = default(Core.Ctf.CtfParameters);
        for (int m = 0; m < count; m++)
        {
            var sum = new float[options.Width * options.Height];
            var movie = simulator.Simulate($"mic{m:D3}", 1000 + m, CameraModel.Ideal(options.Width, options.Height), (_, frame) =>
            {
                for (int i = 0; i < sum.Length; i++)
                    sum[i] += frame[i];
            }, threads);
            string name = $"Micrographs/mic{m:D3}.mrc";
            using (var image = Image2D.FromPixels(options.Width, options.Height, sum, options.PixelSizeA))
                MrcWriter.Write(Path.Combine(folder, name), image);
            // Usable particles only, as the picking-chain benchmark counts them: a pick on carbon or ice is one the chapter removes.
            truth[name] = [.. PickingChainAccuracy.Usable(movie)];
            foreach (var (x, y) in truth[name])
                truthTable.AddRow(name, F(x), F(y));
            micrographs.AddRow(name, "1", F(movie.Ctf.DefocusUA), F(movie.Ctf.DefocusVA), F(movie.Ctf.DefocusAngleDeg));
            ctf = movie.Ctf;
        }
        var optics = new StarTable([StarLabels.OpticsGroupName, StarLabels.OpticsGroup, StarLabels.MicrographPixelSize, StarLabels.Voltage,
            StarLabels.SphericalAberration, StarLabels.AmplitudeContrast]);
        optics.AddRow("opticsGroup1", "1", F(options.PixelSizeA), F(ctf!.VoltageKv), F(ctf.SphericalAberrationMm), F(ctf.AmplitudeContrast));
        Write(Path.Combine(folder, "micrographs.star"), ("optics", optics), ("micrographs", micrographs));
        var first = new StarTable(micrographs.Columns);
        first.AddRow([.. Enumerable.Range(0, micrographs.Columns.Count).Select(c => micrographs.GetString(0, c))]);
        Write(Path.Combine(folder, "micrograph_first.star"), ("optics", optics), ("micrographs", first));
        Write(Path.Combine(folder, "truth_coordinates.star"), ("particles", truthTable));
        WriteTemplates(Path.Combine(folder, "templates.mrcs"), maps[0], fft);
        maps.ForEach(v => v.Dispose());
        return (truth, options.PixelSizeA);
    }

    /// <summary>Eight projections of the first conformation at random poses (protein bright), as the picking tests make templates.</summary>
    private static void WriteTemplates(string path, Volume map, IFftBackend fft)
    {
        var projector = new FourierProjector(map, fft);
        var random = new Random(5);
        using var stack = new ImageStack(map.NX, map.NY, 8, map.PixelSizeA);
        for (int i = 0; i < stack.Count; i++)
            projector.Project(Rotation3f.FromMatrix(RandomRotations.NextEulerAngles(random).ToMatrix()), stack.Slice(i));
        MrcWriter.Write(path, stack);
    }

    private static PickingScore Score(Dictionary<string, List<Pick>> picks, Dictionary<string, List<(double X, double Y)>> truth, double radiusPx) =>
        truth.Aggregate(PickingScore.Empty, (sum, t) => sum.Plus(PickingScore.Compute(picks.GetValueOrDefault(t.Key) ?? [], t.Value, radiusPx)));

    /// <summary>One RELION coordinate file (none: RELION found nothing on that micrograph).</summary>
    private static List<Pick> ReadPicks(string path)
    {
        if (!File.Exists(path))
            return [];
        var table = StarReader.Read(path).Blocks.Select(b => b.Loop).First(l => l is not null && l.HasColumn(StarLabels.CoordinateX))!;
        return Enumerable.Range(0, table.RowCount).Select(r => new Pick(table.GetDouble(r, StarLabels.CoordinateX), table.GetDouble(r, StarLabels.CoordinateY), 0)).ToList();
    }

    /// <summary>Concord's coordinates.star: picks per rlnMicrographName.</summary>
    private static Dictionary<string, List<Pick>> ReadAll(string path)
    {
        var table = StarReader.Read(path).Blocks.Select(b => b.Loop).First(l => l is not null && l.HasColumn(StarLabels.CoordinateX))!;
        return Enumerable.Range(0, table.RowCount)
            .GroupBy(r => table.GetString(r, StarLabels.MicrographName))
            .ToDictionary(g => g.Key, g => g.Select(r => new Pick(table.GetDouble(r, StarLabels.CoordinateX), table.GetDouble(r, StarLabels.CoordinateY), 0)).ToList());
    }

    private sealed record Timing(double WallSeconds, double CpuSeconds);

    /// <summary>
    /// Runs a command (<paramref name="program"/> may carry leading arguments, as CONCORD="dotnet …/concord.dll") in
    /// <paramref name="folder"/> under <c>/usr/bin/time</c>, its output to a log there; returns wall and CPU (user + system) seconds.
    /// </summary>
    private static Timing Timed(string folder, string program, string arguments)
    {
        Console.WriteLine($"$ {program} {arguments}");
        var start = new ProcessStartInfo("/usr/bin/time", $"-f \"{Marker} %e %U %S\" {program} {arguments}")
        {
            WorkingDirectory = folder,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        string logName = (arguments.StartsWith("pick", StringComparison.Ordinal) ? "concord" : Path.GetFileName(program)) + (arguments.Contains("--method all", StringComparison.Ordinal) ? "-chain" : "") + ".log";
        File.WriteAllText(Path.Combine(folder, logName), stdout.Result + stderr);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} failed ({process.ExitCode}); see {folder}/{logName}");
        string line = stderr.Split('\n').Last(l => l.StartsWith(Marker, StringComparison.Ordinal));
        var v = line[Marker.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        return new Timing(v[0], v[1] + v[2]);
    }

    private const string Marker = "PICK_VS_RELION_TIME";

    private static void Write(string path, params (string Block, StarTable Table)[] blocks)
    {
        var document = new StarDocument();
        foreach (var (block, table) in blocks)
            document.Add(block).Loops.Add(table);
        StarWriter.Write(path, document);
    }

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
