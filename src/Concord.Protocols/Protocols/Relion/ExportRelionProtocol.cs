using System.Globalization;
using Concord.Core;
using Concord.IO;
using Concord.IO.Relion;
using Concord.IO.Star;
using Concord.Protocols.Sets;
using Concord.Workflow.Protocols;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Protocols.Relion;

/// <summary>Parameters of <see cref="ExportRelionProtocol"/>.</summary>
public sealed record ExportRelionParameters : ProtocolParameters
{
    [Param("File name", "Name of the STAR file written in the run's extra/ folder (default: particles.star or micrographs.star).")]
    public string FileName { get; init; } = "";

    [Param("Paths relative to", "Absolute folder the file paths in the STAR file are written relative to (default: the project folder, where RELION runs).")]
    public string RelativeTo { get; init; } = "";

    public override IEnumerable<ParameterError> Validate()
    {
        foreach (var e in base.Validate())
            yield return e;
        if (FileName.Length > 0 && (FileName != Path.GetFileName(FileName) || !FileName.EndsWith(".star", StringComparison.Ordinal)))
            yield return new ParameterError("file_name", $"'{FileName}' must be a plain file name ending in .star.");
        if (RelativeTo.Length > 0 && !Path.IsPathRooted(RelativeTo))
            yield return new ParameterError("relative_to", $"'{RelativeTo}' must be an absolute folder.");
    }
}

/// <summary>
/// Writes a set as a RELION 3.1 STAR file with data_optics: particles (data_particles: image, pose, origins in Å, CTF,
/// half-set, optics group, micrograph and coordinates when known) or motion-corrected micrographs
/// (corrected_micrographs.star style: data_micrographs with the dose-weighted sum and accumulated motion).
/// </summary>
public sealed class ExportRelionProtocol : Protocol<ExportRelionParameters>
{
    public static InputPort<ParticleRow> Particles { get; } = new("particles", EmKinds.Particle, "particles to export (give this or micrographs)", minSets: 0);
    public static InputPort<CorrectedMicrographRow> Micrographs { get; } = new("micrographs", EmKinds.CorrectedMicrograph, "micrographs to export (give this or particles)", minSets: 0);
    public static OutputPort<FileRow> Star { get; } = new("star", BuiltInKinds.File, "the STAR file written");

    public override string Name => "export.relion";
    public override string Summary => "Write a particle or micrograph set as a RELION 3.1 STAR file (with data_optics).";
    public override IReadOnlyList<InputPort> Inputs => [Particles, Micrographs];
    public override IReadOnlyList<OutputPort> Outputs => [Star];

    protected override IReadOnlyList<Step> Steps(ExportRelionParameters parameters) =>
    [
        new SetStep("export", context => Export(parameters, context)),
    ];

    private static void Export(ExportRelionParameters p, StepContext context)
    {
        var particles = context.ReadAll(Particles).SingleOrDefault();
        var micrographs = context.ReadAll(Micrographs).SingleOrDefault();
        if ((particles is null) == (micrographs is null))
            throw new InvalidParameterException("inputs", "export.relion takes exactly one set: particles or micrographs.");
        string PathOf(string projectPath) => p.RelativeTo.Length == 0 ? projectPath
            : Path.GetRelativePath(p.RelativeTo, context.Resolve(projectPath)).Replace(Path.DirectorySeparatorChar, '/');
        string name = p.FileName.Length > 0 ? p.FileName : particles is not null ? "particles.star" : "micrographs.star";
        var file = context.NewFile(name);
        int count, unknownOriginal = 0;
        if (particles is not null)
        {
            count = WriteParticles(file.TempPath, Accepted(particles), PathOf);
        }
        else
        {
            count = WriteMicrographs(file.TempPath, Accepted(micrographs!), PathOf, row =>
            {
                double? original = row.MoviePixelSizeA ?? MoviePixelSizeA(row, context.Resolve);
                unknownOriginal += original is null ? 1 : 0;
                return original;
            });
        }
        context.Emit(Star, name, new FileRow(file.RelativePath, new FileInfo(file.TempPath).Length));
        context.Report("export", new
        {
            file = file.RelativePath,
            rows = count,
            relative_to = p.RelativeTo.Length == 0 ? "project" : p.RelativeTo,
            original_pixel_size_unknown = unknownOriginal,
        });
    }

    /// <summary>
    /// Pixel size of the movie <paramref name="row"/> was corrected from, or null when the movie cannot be read, for rows
    /// that do not carry it (projects from before the column existed). Motion correction bins by Fourier cropping N px to M and gives the
    /// micrograph p·N/M (<see cref="Core.Fourier.FourierResample"/>), so the movie's is p_mic·M/N, exactly, from the two
    /// widths. Without binning M = N and this is the micrograph's own.
    /// </summary>
    private static double? MoviePixelSizeA(CorrectedMicrographRow row, Func<string, string> resolve)
    {
        if (row.MoviePath is null)
            return null;
        string movie = resolve(row.MoviePath), micrograph = resolve(row.Path);
        if (!File.Exists(movie) || !File.Exists(micrograph))
            return null;
        try
        {
            using var movieSource = ImageFiles.OpenImages(movie, row.PixelSizeA);
            using var micrographSource = ImageFiles.OpenImages(micrograph, row.PixelSizeA);
            return micrographSource.Width == movieSource.Width ? row.PixelSizeA : row.PixelSizeA * micrographSource.Width / movieSource.Width;
        }
        catch (Exception e) when (e is IOException or FileFormatException or InvalidParameterException)
        {
            // An unreadable movie must not stop the export: the original size falls back to the micrograph's, as RELION
            // would assume for an unbinned micrograph, and the report counts the rows this happened to.
            return null;
        }
    }

    private static List<T> Accepted<T>(IReadOnlyList<SetRow<T>> rows) where T : notnull => rows.Where(r => r.Reason is null).Select(r => r.Row).ToList();

    public static int WriteParticles(string path, IReadOnlyList<ParticleRow> rows, Func<string, string> pathOf)
    {
        var optics = rows.Select(r => r.Optics()).Distinct().OrderBy(o => o.Number).ToList();
        if (optics.DistinctBy(o => o.Number).Count() != optics.Count)
            throw new InvalidParameterException("particles", "two particles of one optics group number differ in their optics values.");
        RelionParticles.Write(path, optics, rows.Select(r => r.ToRecord(pathOf(r.ImagePath))).ToList());
        return rows.Count;
    }

    /// <summary>
    /// Writes micrographs as RELION 3.1's corrected_micrographs.star: in data_optics rlnMicrographPixelSize is the
    /// micrograph's pixel size and rlnMicrographOriginalPixelSize the movie's (from <paramref name="moviePixelSizeA"/>),
    /// which differ when motion correction binned. A group none of whose movies is known gets the micrograph's size for
    /// both, which is what RELION reads for unbinned micrographs.
    /// </summary>
    public static int WriteMicrographs(string path, IReadOnlyList<CorrectedMicrographRow> rows, Func<string, string> pathOf,
        Func<CorrectedMicrographRow, double?> moviePixelSizeA)
    {
        var groups = rows.GroupBy(r => (r.OpticsGroup, r.PixelSizeA, r.VoltageKv, r.SphericalAberrationMm, r.AmplitudeContrast))
            .Select(g => (Optics: g.Key, Movie: g.Select(moviePixelSizeA).OfType<double>().Select(Round).Distinct().ToList()))
            .OrderBy(g => g.Optics.OpticsGroup).ToList();
        if (groups.DistinctBy(g => g.Optics.OpticsGroup).Count() != groups.Count)
            throw new InvalidParameterException("micrographs", "two micrographs of one optics group number differ in pixel size or optics.");
        var optics = new StarTable([StarLabels.OpticsGroupName, StarLabels.OpticsGroup, StarLabels.MicrographOriginalPixelSize, StarLabels.Voltage,
            StarLabels.SphericalAberration, StarLabels.AmplitudeContrast, StarLabels.MicrographPixelSize]);
        foreach (var (g, movie) in groups)
        {
            if (movie.Count > 1)
                throw new InvalidParameterException("micrographs", $"optics group {g.OpticsGroup} holds micrographs from movies of different pixel sizes ({string.Join(", ", movie.Select(F))} Å).");
            double original = movie.Count == 1 ? movie[0] : g.PixelSizeA;
            optics.AddRow($"opticsGroup{g.OpticsGroup}", I(g.OpticsGroup), F(original), F(g.VoltageKv), F(g.SphericalAberrationMm), F(g.AmplitudeContrast), F(g.PixelSizeA));
        }
        var table = new StarTable([StarLabels.MicrographName, StarLabels.OpticsGroup, StarLabels.AccumMotionTotal, StarLabels.AccumMotionEarly, StarLabels.AccumMotionLate]);
        // RELION's rlnMicrographName is the dose-weighted sum when dose weighting is on (the plain sum is *_noDW.mrc).
        foreach (var r in rows)
            table.AddRow(pathOf(r.DoseWeightedPath ?? r.Path), I(r.OpticsGroup), F(r.TotalMotionA), F(r.EarlyMotionA), F(r.LateMotionA));
        var document = new StarDocument();
        document.Add("optics").Loops.Add(optics);
        document.Add("micrographs").Loops.Add(table);
        StarWriter.Write(path, document);
        return rows.Count;
    }

    /// <summary>To the 6 decimals the STAR file holds, so sizes equal in the file count as one.</summary>
    private static double Round(double v) => Math.Round(v, 6);

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
