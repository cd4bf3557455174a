using System.Diagnostics;
using System.Globalization;
using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Geometry;
using Concord.IO.Mrc;
using Concord.IO.Relion;
using Concord.IO.Star;
using Concord.Simulation.Movies;
using Concord.Simulation.Presets;
using Concord.Simulation.Stacks;

namespace Concord.Simulation.Output;

/// <summary>What a simulation wrote, for the CLI's table and --json summary.</summary>
public sealed record SimulationSummary(string Preset, int Seed, string OutputDirectory, IReadOnlyList<string> Maps, string? ParticlesStar,
    int Particles, string? MoviesStar, int Movies, string? GainReference, double Seconds);

/// <summary>
/// Runs a preset and writes a data set with its ground truth in RELION's formats:
/// <c>truth/</c> maps (MRC), <c>Particles/particles.mrcs</c> + <c>particles.star</c> (poses, CTF, half-sets and
/// Concord truth columns, readable by relion_reconstruct), <c>Movies/*.mrcs</c> raw frames (int16 counts; particles
/// against the ice they displace, <see cref="Phantoms.AtomicDensity"/>),
/// <c>gain.mrc</c>, <c>movies.star</c>, and in <c>truth/</c>: <c>micrographs.star</c> (CTF, ice, defect, bad-region
/// mask), <c>coordinates.star</c> (every placed particle) and <c>motion/MOVIE.star</c> (per-frame shifts that align).
/// </summary>
public static class SimulationWriter
{
    public static SimulationSummary Run(SimulationPreset preset, string outputDirectory, int seed, IFftBackend fft, int maxDegreeOfParallelism = -1,
        IProgress<WorkProgress>? progress = null, bool writeMovies = true, bool writeStack = true, bool tiffMovies = false)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(Path.Combine(outputDirectory, "truth"));
        var (models, fragment) = PresetPhantoms.Models(preset.Phantom with { Seed = preset.Phantom.Seed + seed });
        var maps = new List<string>();
        var volumes = PresetPhantoms.Maps(models, preset.Phantom.BoxSize, preset.Movies.PixelSizeA, maxDegreeOfParallelism);
        using var fragmentMap = PresetPhantoms.Maps([fragment], preset.Phantom.BoxSize, preset.Movies.PixelSizeA, maxDegreeOfParallelism)[0];
        try
        {
            for (int i = 0; i < volumes.Count; i++)
            {
                string path = Path.Combine(outputDirectory, "truth", volumes.Count == 1 ? "map.mrc" : $"map_conformation{i + 1}.mrc");
                MrcWriter.Write(path, volumes[i]);
                maps.Add(path);
            }
            string? particlesStar = null;
            int particles = 0;
            if (writeStack && preset.Stack is { } stack)
            {
                (particlesStar, particles) = WriteStack(stack, volumes, fragmentMap, outputDirectory, seed, fft, maxDegreeOfParallelism, progress);
            }
            string? moviesStar = null, gain = null;
            int movies = 0;
            if (writeMovies && preset.MovieCount > 0)
            {
                // In a micrograph a molecule is seen against the ice it displaces: the movies use the maps with that ice
                // subtracted (about a third of the vacuum contrast at low resolution) unless the preset opts out. The
                // truth maps and the particle stack, whose noise is set by its SNR, keep the molecule's own potential.
                var inIce = preset.Movies.ParticlesInIce
                    ? PresetPhantoms.Maps([.. models, fragment], preset.Phantom.BoxSize, preset.Movies.PixelSizeA, maxDegreeOfParallelism, inIce: true)
                    : null;
                try
                {
                    (moviesStar, gain, movies) = inIce is null
                        ? WriteMovies(preset, volumes, fragmentMap, outputDirectory, seed, fft, maxDegreeOfParallelism, progress, tiffMovies)
                        : WriteMovies(preset, inIce[..^1], inIce[^1], outputDirectory, seed, fft, maxDegreeOfParallelism, progress, tiffMovies);
                }
                finally
                {
                    inIce?.ForEach(v => v.Dispose());
                }
            }
            return new SimulationSummary(preset.Name, seed, outputDirectory, maps, particlesStar, particles, moviesStar, movies, gain, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            volumes.ForEach(v => v.Dispose());
        }
    }

    private static (string Star, int Count) WriteStack(ParticleStackOptions options, IReadOnlyList<Core.Imaging.Volume> volumes, Core.Imaging.Volume fragment,
        string outputDirectory, int seed, IFftBackend fft, int threads, IProgress<WorkProgress>? progress)
    {
        string dir = Path.Combine(outputDirectory, "Particles");
        Directory.CreateDirectory(dir);
        var (images, truth) = ParticleStackSimulator.Simulate(options, volumes, fragment, SeedMixer.Derive(seed, 7), fft, threads, progress);
        using (images)
            MrcWriter.Write(Path.Combine(dir, "particles.mrcs"), images);
        var optics = new OpticsGroup(1, "opticsGroup1", options.PixelSizeA, options.BoxSize, options.VoltageKv, options.SphericalAberrationMm, options.AmplitudeContrast);
        var records = truth.Select(t => new ParticleRecord(StarImageReference.ForIndex("Particles/particles.mrcs", t.Index), t.Pose, t.Ctf, t.RandomSubset, 1,
            new Dictionary<StarLabel, string>
            {
                [StarLabels.ConcordConformation] = (t.Conformation + 1).ToString(CultureInfo.InvariantCulture),
                [StarLabels.ConcordJunk] = t.Junk.ToString(),
            })).ToList();
        string star = Path.Combine(outputDirectory, "particles.star");
        RelionParticles.Write(star, [optics], records);
        return (star, records.Count);
    }

    private static (string Star, string Gain, int Count) WriteMovies(SimulationPreset preset, IReadOnlyList<Core.Imaging.Volume> volumes, Core.Imaging.Volume fragment,
        string outputDirectory, int seed, IFftBackend fft, int threads, IProgress<WorkProgress>? progress, bool tiff)
    {
        var o = preset.Movies;
        string dir = Path.Combine(outputDirectory, "Movies"), truthDir = Path.Combine(outputDirectory, "truth");
        Directory.CreateDirectory(dir);
        Directory.CreateDirectory(Path.Combine(truthDir, "motion"));
        Directory.CreateDirectory(Path.Combine(truthDir, "masks"));
        var camera = CameraModel.Random(o.Width, o.Height, new Random(SeedMixer.Derive(seed, 11)));
        string gain = Path.Combine(outputDirectory, "gain.mrc");
        using (var g = camera.GainReference(o.PixelSizeA))
            MrcWriter.Write(gain, g);
        var simulator = new MovieSimulator(o, [.. volumes, fragment], lastModelIsJunk: true, fft);
        var movieRows = new StarTable([StarLabels.MicrographMovieName, StarLabels.OpticsGroup]);
        var micrographs = new StarTable([StarLabels.MicrographMovieName, StarLabels.DefocusU, StarLabels.DefocusV, StarLabels.DefocusAngle, StarLabels.CtfBfactor,
            StarLabels.ConcordIceThickness, StarLabels.ConcordDefect, StarLabels.ConcordBadRegionMask]);
        var coordinates = new StarTable([StarLabels.MicrographMovieName, StarLabels.CoordinateX, StarLabels.CoordinateY, StarLabels.AngleRot,
            StarLabels.AngleTilt, StarLabels.AnglePsi, StarLabels.ConcordConformation, StarLabels.ConcordJunk]);
        for (int m = 0; m < preset.MovieCount; m++)
        {
            string name = $"movie_{m + 1:D3}";
            string relative = tiff ? $"Movies/{name}.tif" : $"Movies/{name}.mrcs";
            SimulatedMovie truth;
            // Raw frames are counts: int16 MRC or LZW-compressed 16-bit TIFF, as counting cameras write them.
            if (tiff)
            {
                using var writer = new IO.Tiff.TiffMovieWriter(Path.Combine(outputDirectory, relative), o.Width, o.Height,
                    new IO.Tiff.TiffWriteOptions(IO.Tiff.TiffPixelType.UInt16, IO.Tiff.TiffCompression.Lzw));
                truth = simulator.Simulate(name, SeedMixer.Derive(seed, 100 + m), camera, (_, frame) => writer.Append(frame), threads);
            }
            else
            {
                using var writer = new MrcStackWriter(Path.Combine(outputDirectory, relative), o.Width, o.Height, o.PixelSizeA, new MrcWriteOptions { Mode = MrcMode.Int16 });
                truth = simulator.Simulate(name, SeedMixer.Derive(seed, 100 + m), camera, (_, frame) => writer.Append(frame), threads);
            }
            movieRows.AddRow(relative, "1");
            string mask = $"truth/masks/{name}_bad.mrc";
            using (var maskImage = Core.Imaging.Image2D.FromPixels(o.Width, o.Height, truth.BadRegionMask, o.PixelSizeA))
                MrcWriter.Write(Path.Combine(outputDirectory, mask), maskImage);
            micrographs.AddRow(relative, F(truth.Ctf.DefocusUA), F(truth.Ctf.DefocusVA), F(truth.Ctf.DefocusAngleDeg), F(truth.Ctf.BFactorA2),
                F(truth.IceThicknessA), truth.Defect.ToString(), mask);
            foreach (var p in truth.Particles)
                coordinates.AddRow(relative, F(p.X), F(p.Y), F(p.Angles.Rot), F(p.Angles.Tilt), F(p.Angles.Psi), (p.Conformation + 1).ToString(CultureInfo.InvariantCulture),
                    p.IsJunk ? "Fragment" : "None");
            WriteMotion(Path.Combine(truthDir, "motion", name + ".star"), truth.Motion);
            progress?.Report(new WorkProgress(m + 1, preset.MovieCount, name));
        }
        var optics = new StarTable([StarLabels.OpticsGroupName, StarLabels.OpticsGroup, StarLabels.MicrographOriginalPixelSize, StarLabels.Voltage,
            StarLabels.SphericalAberration, StarLabels.AmplitudeContrast]);
        optics.AddRow("opticsGroup1", "1", F(o.PixelSizeA), F(o.VoltageKv), F(o.SphericalAberrationMm), F(o.AmplitudeContrast));
        string moviesStar = Path.Combine(outputDirectory, "movies.star");
        Write(moviesStar, ("optics", optics), ("movies", movieRows));
        Write(Path.Combine(truthDir, "micrographs.star"), ("optics", optics), ("micrographs", micrographs));
        Write(Path.Combine(truthDir, "coordinates.star"), ("particles", coordinates));
        return (moviesStar, gain, preset.MovieCount);
    }

    /// <summary>
    /// RELION's motion layout: data_global_shift with the shift that aligns each frame to frame 1 (= −true
    /// displacement); and data_local_shift: the total shift that aligns each frame (global + local) sampled on a 5×5
    /// grid of positions, so local-motion estimates can be scored without knowing the simulator's model.
    /// </summary>
    private static void WriteMotion(string path, MotionModel motion)
    {
        var global = new StarTable([StarLabels.MicrographFrameNumber, StarLabels.MicrographShiftX, StarLabels.MicrographShiftY]);
        var (x0, y0) = motion.Global(0);
        for (int f = 0; f < motion.Frames; f++)
        {
            var (x, y) = motion.Global(f);
            global.AddRow((f + 1).ToString(CultureInfo.InvariantCulture), F(-(x - x0)), F(-(y - y0)));
        }
        var local = new StarTable([StarLabels.MicrographFrameNumber, StarLabels.CoordinateX, StarLabels.CoordinateY, StarLabels.MicrographShiftX, StarLabels.MicrographShiftY]);
        for (int f = 0; f < motion.Frames; f++)
            for (int j = 0; j < 5; j++)
                for (int i = 0; i < 5; i++)
                {
                    double px = (i + 0.5) * motion.Width / 5, py = (j + 0.5) * motion.Height / 5;
                    var (tx, ty) = motion.Total(f, px, py);
                    var (rx, ry) = motion.Total(0, px, py);
                    local.AddRow((f + 1).ToString(CultureInfo.InvariantCulture), F(px), F(py), F(-(tx - rx)), F(-(ty - ry)));
                }
        Write(path, ("global_shift", global), ("local_shift", local));
    }

    private static void Write(string path, params (string Block, StarTable Table)[] blocks)
    {
        var document = new StarDocument();
        foreach (var (block, table) in blocks)
            document.Add(block).Loops.Add(table);
        StarWriter.Write(path, document);
    }

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
