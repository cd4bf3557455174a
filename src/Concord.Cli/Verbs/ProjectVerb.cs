using System.CommandLine;
using System.Diagnostics;
using Concord.Core;
using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Geometry;
using Concord.Core.Projection;
using Concord.IO;
using Concord.IO.Mrc;
using Concord.IO.Relion;
using Concord.IO.Star;
using Concord.Reconstruct.Projection;

namespace Concord.Cli.Verbs;

/// <summary>`concord project MAP.mrc --angles ANGLES.star -o STACK.mrcs [--ctf]`: projections of a map at given poses (relion_project semantics).</summary>
public sealed class ProjectVerb : IVerb
{
    public sealed record Summary(string Map, string Angles, string Stack, string Star, int Count, int BoxSize, double PixelSizeA, bool Ctf,
        double Seconds, double ProjectionsPerSecond);

    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var map = new Argument<string>("map") { Description = "Cubic map to project (.mrc)." };
        var angles = new Option<string>("--angles") { Description = "STAR file with rlnAngleRot/Tilt/Psi, rlnOriginX/YAngst and, for --ctf, rlnDefocusU/V/Angle (+ optics).", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Output stack (.mrcs); a particle STAR file of the same name (.star) is written beside it.", Required = true };
        var ctf = new Option<bool>("--ctf") { Description = "Multiply each projection by its row's CTF." };
        var angpix = new Option<double?>("--angpix") { Description = "Pixel size in Å (default: the map header's)." };
        var pad = new Option<int>("--pad") { Description = "Padding factor of the Fourier grid.", DefaultValueFactory = _ => 2 };
        var command = new Command("project", """
            Project a map at the poses of a STAR file with relion_project's semantics: Fourier-slice projection on a
            padded, gridding-corrected grid, shifted by −origin (so rlnOriginX/YAngst re-centre the particle) and, with
            --ctf, multiplied by each row's CTF. Writes the stack and a RELION 3.1 particle STAR file whose
            rlnImageName points into it, ready for `concord reconstruct` or relion_reconstruct (run from its folder).

            Examples:
              concord project map.mrc --angles particles.star -o proj.mrcs --ctf
              concord project map.mrc --angles poses.star -o proj.mrcs --angpix 1.5 --threads 8 --json
            """)
        { map, angles, output, ctf, angpix, pad };
        VerbAction.Bind(command, global, stdout, stderr, (parse, ctx) =>
        {
            var summary = Run(parse.GetValue(map)!, parse.GetValue(angles)!, parse.GetValue(output)!, parse.GetValue(ctf), parse.GetValue(angpix),
                parse.GetValue(pad), ctx);
            ctx.WriteJsonSummary(summary);
            ctx.Say($"{summary.Count} projections of box {summary.BoxSize} ({summary.PixelSizeA:G4} Å/px{(summary.Ctf ? ", CTF" : "")}): " +
                $"{summary.Stack}, {summary.Star} in {summary.Seconds:F1} s ({summary.ProjectionsPerSecond:F0}/s)");
            return VerbAction.Success;
        });
        return command;
    }

    public static Summary Run(string mapPath, string anglesPath, string stackPath, bool applyCtf, double? angpix, int padding, VerbContext ctx)
    {
        var clock = Stopwatch.StartNew();
        using var volume = FscVerb.ReadVolume(mapPath);
        double pixel = angpix ?? volume.PixelSizeA;
        if (!(pixel > 0))
            throw new InvalidParameterException("--angpix", $"{mapPath} has no pixel size in its header; give --angpix.");
        if (!File.Exists(anglesPath))
            throw new FileNotFoundException($"{anglesPath}: no such file.", anglesPath);
        var rows = PoseTable.Read(anglesPath, pixel, applyCtf);
        using var fft = FftBackends.Create(maxDegreeOfParallelism: ctx.Threads);
        var projector = new FourierProjector(volume, fft, padding);
        int box = volume.NX;
        string starPath = Path.ChangeExtension(stackPath, ".star");
        string stackName = Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(starPath))!, Path.GetFullPath(stackPath));
        var particles = new ParticleRecord[rows.Particles.Count];
        using (var writer = new MrcStackWriter(stackPath, box, box, pixel))
        {
            ctx.WithProgress("projecting", progress =>
            {
                ParticleProjection.Run(projector, rows.Particles.Count, i => (rows.Particles[i].Pose, rows.Particles[i].Ctf), pixel, fft, (i, image) =>
                {
                    writer.Append(image);
                    var p = rows.Particles[i];
                    particles[i] = p with { Image = StarImageReference.ForIndex(stackName, i), RandomSubset = p.RandomSubset is 1 or 2 ? p.RandomSubset : 1 + i % 2 };
                }, maxDegreeOfParallelism: ctx.Threads, progress: progress, cancellation: ctx.Cancellation);
                return 0;
            });
        }
        var optics = rows.Optics.Select(o => o with { PixelSizeA = pixel, ImageSize = box }).ToList();
        RelionParticles.Write(starPath, optics, particles);
        double seconds = clock.Elapsed.TotalSeconds;
        return new Summary(mapPath, anglesPath, stackPath, starPath, particles.Length, box, pixel, applyCtf, seconds, particles.Length / Math.Max(seconds, 1e-9));
    }

    /// <summary>
    /// The poses (and CTFs) of a STAR file that need not name images: the particles loop (or the file's first loop),
    /// origins in Å (or RELION 3.0 pixels), optics from data_optics, from per-row columns (3.0) or RELION's defaults.
    /// </summary>
    private static class PoseTable
    {
        public static ParticleSet Read(string path, double pixelSizeA, bool needCtf)
        {
            var document = StarReader.Read(path);
            var block = document.Find("particles") ?? document.Blocks.FirstOrDefault(b => b.Loop is not null && b.Name != "optics")
                ?? throw new StarFormatException(path, 0, StarLabels.AngleRot.Tag, "no table of poses found.");
            var table = block.RequireLoop(path);
            var optics = ReadOptics(document.Find("optics")?.Loop, pixelSizeA);
            int rot = table.ColumnOf(StarLabels.AngleRot), tilt = table.ColumnOf(StarLabels.AngleTilt), psi = table.ColumnOf(StarLabels.AnglePsi);
            int oxA = table.ColumnOf(StarLabels.OriginXAngst), oyA = table.ColumnOf(StarLabels.OriginYAngst);
            int oxPx = table.ColumnOf(StarLabels.OriginX), oyPx = table.ColumnOf(StarLabels.OriginY);
            int du = table.ColumnOf(StarLabels.DefocusU), dv = table.ColumnOf(StarLabels.DefocusV), da = table.ColumnOf(StarLabels.DefocusAngle);
            int phase = table.ColumnOf(StarLabels.PhaseShift), bf = table.ColumnOf(StarLabels.CtfBfactor), scale = table.ColumnOf(StarLabels.CtfScalefactor);
            int kv = table.ColumnOf(StarLabels.Voltage), cs = table.ColumnOf(StarLabels.SphericalAberration), q0 = table.ColumnOf(StarLabels.AmplitudeContrast);
            int group = table.ColumnOf(StarLabels.OpticsGroup), subset = table.ColumnOf(StarLabels.RandomSubset);
            if (needCtf && du < 0)
                throw new StarFormatException(path, table.HeaderLine, StarLabels.DefocusU.Tag, "--ctf needs defocus columns (rlnDefocusU, rlnDefocusV, rlnDefocusAngle).");
            var particles = new ParticleRecord[table.RowCount];
            for (int r = 0; r < table.RowCount; r++)
            {
                double Get(int column, double fallback = 0) => column >= 0 ? table.GetDouble(r, column) : fallback;
                int g = group >= 0 ? table.GetInt(r, group) : 1;
                var o = optics.FirstOrDefault(x => x.Number == g)
                    ?? throw new StarFormatException(path, table.LineOf(r), StarLabels.OpticsGroup.Tag, $"optics group {g} is not defined in data_optics.");
                double ox = oxA >= 0 ? Get(oxA) : Get(oxPx) * pixelSizeA, oy = oyA >= 0 ? Get(oyA) : Get(oyPx) * pixelSizeA;
                CtfParameters? ctf = needCtf ? new CtfParameters
                {
                    VoltageKv = Get(kv, o.VoltageKv),
                    SphericalAberrationMm = Get(cs, o.SphericalAberrationMm),
                    AmplitudeContrast = Get(q0, o.AmplitudeContrast),
                    DefocusUA = Get(du),
                    DefocusVA = Get(dv, Get(du)),
                    DefocusAngleDeg = Get(da),
                    PhaseShiftDeg = Get(phase),
                    BFactorA2 = Get(bf),
                    Scale = Get(scale, 1),
                } : null;
                particles[r] = new ParticleRecord(default, new Pose(Get(rot), Get(tilt), Get(psi), ox, oy), ctf, subset >= 0 ? table.GetInt(r, subset) : 0, g);
            }
            return new ParticleSet(optics, particles, path);
        }

        private static List<OpticsGroup> ReadOptics(StarTable? table, double pixelSizeA)
        {
            if (table is null)
                return [new OpticsGroup(1, "opticsGroup1", pixelSizeA, 0)];
            int number = table.RequireColumn(StarLabels.OpticsGroup, "optics"), name = table.ColumnOf(StarLabels.OpticsGroupName);
            int kv = table.ColumnOf(StarLabels.Voltage), cs = table.ColumnOf(StarLabels.SphericalAberration), q0 = table.ColumnOf(StarLabels.AmplitudeContrast);
            return Enumerable.Range(0, table.RowCount).Select(r => new OpticsGroup(table.GetInt(r, number), name >= 0 ? table.GetString(r, name) : $"opticsGroup{r + 1}",
                pixelSizeA, 0, kv >= 0 ? table.GetDouble(r, kv) : 300, cs >= 0 ? table.GetDouble(r, cs) : 2.7, q0 >= 0 ? table.GetDouble(r, q0) : 0.1)).ToList();
        }
    }
}
