using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Geometry;
using Concord.Core.Projection;
using Concord.IO.Mrc;
using Concord.IO.Relion;
using Concord.IO.Star;
using Concord.Reconstruct.Backprojection;
using Concord.Reconstruct.Fsc;

namespace Concord.Cli.Verbs;

/// <summary>`concord reconstruct PARTICLES.star -o MAP.mrc`: a map from particles with known poses (relion_reconstruct semantics).</summary>
public sealed class ReconstructVerb : IVerb
{
    public sealed record Summary(string Particles, string Map, int ParticleCount, int BoxSize, double PixelSizeA, string Symmetry, bool Ctf,
        string? Half1, string? Half2, double? ResolutionAt0143A, double? ResolutionAt05A, string? FscStar, string? FscPng, double Seconds);

    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var particles = new Argument<string>("particles") { Description = "RELION particle STAR file (3.1 with optics, or 3.0)." };
        var output = new Option<string>("--out", "-o") { Description = "Output map (.mrc).", Required = true };
        var symmetry = new Option<string>("--sym") { Description = "Point group (RELION names: C1, C7, D5, T, O, I1–I4).", DefaultValueFactory = _ => "C1" };
        var noCtf = new Option<bool>("--no-ctf") { Description = "Ignore the CTF columns (images are not CTF-weighted)." };
        var halves = new Option<bool>("--halves") { Description = "Also write half maps from rlnRandomSubset (or a seeded split) and their FSC." };
        var angpix = new Option<double?>("--angpix") { Description = "Pixel size in Å (default: from the optics group)." };
        var pad = new Option<int>("--pad") { Description = "Padding factor of the Fourier grid.", DefaultValueFactory = _ => 2 };
        var maxRes = new Option<double>("--maxres") { Description = "Highest resolution inserted, in Å (default: Nyquist)." };
        var weightColumn = new Option<string?>("--weight-column") { Description = "STAR column (e.g. rlnParticleWeight) whose value (≥ 0) scales each particle's data and CTF² weight." };
        var command = new Command("reconstruct", """
            Reconstruct a map from particle images with known poses and CTFs, with relion_reconstruct's semantics
            (origins in Å re-centre the images, CTF-weighted Fourier insertion with padding, Σ CTF·F / Σ CTF², gridding
            correction, point-group symmetry). Image paths in the STAR file are resolved against the current folder,
            then against the STAR file's folder. Streams particles: memory does not grow with their number.

            Examples:
              concord reconstruct particles.star -o map.mrc --halves
              concord reconstruct run_data.star -o capsid.mrc --sym I2 --threads 8 --json
            """)
        { particles, output, symmetry, noCtf, halves, angpix, pad, maxRes, weightColumn };
        VerbAction.Bind(command, global, stdout, stderr, (parse, ctx) =>
        {
            var summary = Run(parse.GetValue(particles)!, parse.GetValue(output)!, parse.GetValue(symmetry)!, !parse.GetValue(noCtf), parse.GetValue(halves),
                parse.GetValue(angpix), parse.GetValue(pad), parse.GetValue(maxRes), ctx, parse.GetValue(weightColumn));
            ctx.WriteJsonSummary(summary);
            ctx.Say($"{summary.ParticleCount} particles, box {summary.BoxSize}, {summary.PixelSizeA:G4} Å/px, {summary.Symmetry}: {summary.Map} in {summary.Seconds:F1} s");
            if (summary.ResolutionAt0143A is double r)
                ctx.Say($"half maps {summary.Half1}, {summary.Half2}: FSC 0.143 at {r:F2} Å, 0.5 at {summary.ResolutionAt05A:F2} Å ({summary.FscPng})");
            return VerbAction.Success;
        });
        return command;
    }

    public static Summary Run(string starPath, string mapPath, string symmetryName, bool useCtf, bool writeHalves, double? angpix, int padding, double maxResA, VerbContext ctx,
        string? weightColumn = null)
    {
        var clock = Stopwatch.StartNew();
        if (!File.Exists(starPath))
            throw new FileNotFoundException($"{starPath}: no such file.", starPath);
        var group = PointGroup.Parse(symmetryName);
        var set = RelionParticles.Open(starPath, angpix);
        if (set.Count == 0)
            throw new InvalidParameterException("particles", $"{starPath} has no particles.");
        var weights = weightColumn is null ? null : ReadWeights(starPath, weightColumn, set.Count);
        var optics = set.GroupOf(0);
        double pixel = angpix ?? optics.PixelSizeA;
        using var readers = new StackReaders(Path.GetDirectoryName(Path.GetFullPath(starPath))!);
        int box = readers.Get(set[0].Image.Path).Width;
        using var fft = FftBackends.Create(maxDegreeOfParallelism: ctx.Threads);
        int halfCount = writeHalves ? 2 : 1;
        var accumulators = ctx.WithProgress("back-projecting", progress => ParallelBackProjection.Run(set.Count, box, pixel, halfCount, (i, slot) =>
        {
            var p = set[i];
            var reader = readers.Get(p.Image.Path);
            if (reader.Width != box || reader.Height != box)
                throw new ShapeMismatchException($"{p.Image}: image is {reader.Width}×{reader.Height}, the first particle's is {box}×{box}.");
            reader.ReadImage(p.Image.Index ?? 0, slot.Image);
            ParticleSpectra.Fill(slot, slot.Image, box, p.Pose, useCtf ? p.Ctf : null, pixel, fft);
            slot.Half = writeHalves ? (p.RandomSubset is 1 or 2 ? p.RandomSubset - 1 : SeededHalf(i)) : 0;
            if (weights is not null)
            {
                slot.Weight = weights[i];
                slot.Use = weights[i] > 0;
            }
        }, padding, maxResA, ctx.Threads, progress, ctx.Cancellation));
        var operators = group.Rotations.Select(r => Rotation3f.FromMatrix(r)).ToList();
        if (!writeHalves)
        {
            using var map = accumulators[0].Reconstruct(fft, symmetry: operators);
            MrcWriter.Write(mapPath, map);
            return new Summary(starPath, mapPath, set.Count, box, pixel, group.Name, useCtf, null, null, null, null, null, null, clock.Elapsed.TotalSeconds);
        }
        string stem = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(mapPath))!, Path.GetFileNameWithoutExtension(mapPath));
        using var half1 = accumulators[0].Reconstruct(fft, symmetry: operators);
        using var half2 = accumulators[1].Reconstruct(fft, symmetry: operators);
        MrcWriter.Write(stem + "_half1.mrc", half1);
        MrcWriter.Write(stem + "_half2.mrc", half2);
        accumulators[0].Add(accumulators[1]);
        using (var full = accumulators[0].Reconstruct(fft, symmetry: operators))
            MrcWriter.Write(mapPath, full);
        var curve = FourierShellCorrelation.Compute(half1, half2, fft);
        FscOutput.Write(stem + "_fsc.star", stem + "_fsc.png", "gold-standard FSC (unmasked half maps)", ("half maps", curve, StarLabels.FourierShellCorrelation));
        return new Summary(starPath, mapPath, set.Count, box, pixel, group.Name, useCtf, stem + "_half1.mrc", stem + "_half2.mrc",
            curve.ResolutionAt(0.143), curve.ResolutionAt(0.5), stem + "_fsc.star", stem + "_fsc.png", clock.Elapsed.TotalSeconds);
    }

    /// <summary>Per-particle weights from a column of the particles table, in row order; negative or non-finite values are errors.</summary>
    private static float[] ReadWeights(string starPath, string column, int count)
    {
        var table = StarReader.Read(starPath).Require("particles").RequireLoop(starPath);
        int c = table.RequireColumn(StarLabel.Get(column), "particles");
        if (table.RowCount != count)
            throw new ShapeMismatchException($"{starPath}: {table.RowCount} rows in data_particles, {count} particles read.");
        var weights = new float[count];
        for (int r = 0; r < count; r++)
        {
            double w = table.GetDouble(r, c);
            if (!(w >= 0) || double.IsInfinity(w))
                throw new InvalidParameterException("--weight-column", $"{starPath} line {table.LineOf(r)}: {column} is {w}; weights must be finite and ≥ 0.");
            weights[r] = (float)w;
        }
        return weights;
    }

    /// <summary>Half-set for particles without rlnRandomSubset: a fixed hash of the index, so reruns split alike.</summary>
    private static int SeededHalf(int index) => (int)(((uint)index * 2654435761u) >> 31);

    /// <summary>One thread-safe MRC reader per stack file, found in the working folder or next to the STAR file.</summary>
    private sealed class StackReaders(string starFolder) : IDisposable
    {
        private readonly ConcurrentDictionary<string, MrcReader> _readers = new();

        public MrcReader Get(string path) => _readers.GetOrAdd(path, p =>
        {
            string resolved = File.Exists(p) ? p : Path.Combine(starFolder, p);
            if (!File.Exists(resolved))
                throw new FileNotFoundException($"{p}: image stack not found (looked in the current folder and in {starFolder}).", p);
            return MrcReader.Open(resolved);
        });

        public void Dispose()
        {
            foreach (var r in _readers.Values)
                r.Dispose();
        }
    }
}
