using Concord.IO;
using Concord.IO.Relion;
using Concord.IO.Star;
using Concord.Protocols.Sets;
using Concord.Workflow.Protocols;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Protocols.Relion;

/// <summary>Parameters of <see cref="ImportRelionProtocol"/>.</summary>
public sealed record ImportRelionParameters : ProtocolParameters
{
    [Param("STAR file", "RELION STAR file: particles (data_particles, 3.1 or 3.0) or micrographs (data_micrographs).")]
    public string Path { get; init; } = "";

    [Param("Copy", "Copy the referenced files into the project instead of linking them.")]
    public bool Copy { get; init; }

    public override IEnumerable<ParameterError> Validate()
    {
        foreach (var e in base.Validate())
            yield return e;
        if (string.IsNullOrWhiteSpace(Path))
            yield return new ParameterError("path", "give the STAR file to import.");
        else if (!System.IO.Path.IsPathRooted(Path))
            yield return new ParameterError("path", $"'{Path}' must be an absolute path (a pipeline runs from anywhere).");
    }
}

/// <summary>
/// Reads a RELION STAR file into a set: particles or motion-corrected micrographs. Every file it references (stacks,
/// micrographs) is linked (or copied) into the run's extra/ folder, so rows hold project-relative paths; relative
/// paths in the file are looked up next to the STAR file, then in the project folder (where an in-project export points),
/// then in the current folder (where RELION ran).
/// </summary>
public sealed class ImportRelionProtocol : Protocol<ImportRelionParameters>
{
    public static OutputPort<ParticleRow> Particles { get; } = new("particles", EmKinds.Particle, "imported particles (empty for a micrograph file)");
    public static OutputPort<CorrectedMicrographRow> Micrographs { get; } = new("micrographs", EmKinds.CorrectedMicrograph, "imported micrographs (empty for a particle file)");
    public static OutputPort<FileRow> Star { get; } = new("star", BuiltInKinds.File, "a copy of the imported STAR file");

    public override string Name => "import.relion";
    public override string Summary => "Import a RELION particle or micrograph STAR file as a set, linking the files it references.";
    public override IReadOnlyList<InputPort> Inputs => [];
    public override IReadOnlyList<OutputPort> Outputs => [Particles, Micrographs, Star];

    protected override IReadOnlyList<Step> Steps(ImportRelionParameters parameters) =>
    [
        new SetStep("import", context => Import(parameters, context)),
    ];

    private static void Import(ImportRelionParameters p, StepContext context)
    {
        if (!File.Exists(p.Path))
            throw new FileNotFoundException($"import.relion: {p.Path}: no such file.", p.Path);
        var document = StarReader.Read(p.Path);
        var links = new FileLinker(context, p);
        int count;
        if (document.Find("micrographs") is { } block && document.Find("particles") is null)
            count = ImportMicrographs(document, block.RequireLoop(p.Path), links, context);
        else
            count = ImportParticles(p.Path, document, links, context);
        var copy = context.NewFile(System.IO.Path.GetFileName(p.Path));
        File.Copy(p.Path, copy.TempPath);
        context.Emit(Star, System.IO.Path.GetFileName(p.Path), new FileRow(copy.RelativePath, new FileInfo(p.Path).Length));
        context.Report("import", new { source = p.Path, rows = count, files = links.Count });
    }

    private static int ImportParticles(string path, StarDocument document, FileLinker links, StepContext context)
    {
        var set = RelionParticles.Read(path);
        // Columns RelionParticles does not model: where each particle came from.
        var table = document.Find("particles")?.Loop;
        int mic = table?.ColumnOf(StarLabels.MicrographName) ?? -1, x = table?.ColumnOf(StarLabels.CoordinateX) ?? -1, y = table?.ColumnOf(StarLabels.CoordinateY) ?? -1;
        for (int i = 0; i < set.Particles.Count; i++)
        {
            var particle = set.Particles[i];
            string linked = links.Link(particle.Image.Path);
            var row = ParticleRows.FromRecord(particle with { Image = particle.Image with { Path = linked } }, set.GroupOf(particle),
                mic >= 0 ? table!.GetString(i, mic) : null, x >= 0 ? table!.GetDouble(i, x) : null, y >= 0 ? table!.GetDouble(i, y) : null);
            context.Emit(Particles, ParticleRows.Key(i + 1), row);
        }
        return set.Particles.Count;
    }

    private static int ImportMicrographs(StarDocument document, StarTable table, FileLinker links, StepContext context)
    {
        var optics = document.Require("optics").RequireLoop(table.SourcePath);
        int name = table.RequireColumn(StarLabels.MicrographName, "micrographs");
        int group = table.ColumnOf(StarLabels.OpticsGroup), movie = table.ColumnOf(StarLabels.MicrographMovieName);
        int total = table.ColumnOf(StarLabels.AccumMotionTotal), early = table.ColumnOf(StarLabels.AccumMotionEarly), late = table.ColumnOf(StarLabels.AccumMotionLate);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (int r = 0; r < table.RowCount; r++)
        {
            int g = group >= 0 ? table.GetInt(r, group) : 1;
            int o = FindOptics(optics, g, table.SourcePath);
            int pixelColumn = optics.HasColumn(StarLabels.MicrographPixelSize) ? optics.ColumnOf(StarLabels.MicrographPixelSize) : optics.RequireColumn(StarLabels.MicrographOriginalPixelSize, "optics");
            double Opt(StarLabel label, double fallback) => optics.ColumnOf(label) is int c and >= 0 ? optics.GetDouble(o, c) : fallback;
            double Col(int c) => c >= 0 ? table.GetDouble(r, c) : 0;
            string source = table.GetString(r, name);
            string key = System.IO.Path.GetFileNameWithoutExtension(source);
            if (!keys.Add(key))
                key = $"{key}_{r + 1}";
            var row = new CorrectedMicrographRow(movie >= 0 ? table.GetString(r, movie) : null, links.Link(source), null, null,
                optics.GetDouble(o, pixelColumn), 0, Col(total), Col(early), Col(late), 0, null,
                Opt(StarLabels.Voltage, 300), Opt(StarLabels.SphericalAberration, 2.7), Opt(StarLabels.AmplitudeContrast, 0.1), g,
                optics.ColumnOf(StarLabels.MicrographOriginalPixelSize) is int oc and >= 0 ? optics.GetDouble(o, oc) : null);
            context.Emit(Micrographs, key, row);
        }
        return table.RowCount;
    }

    private static int FindOptics(StarTable optics, int group, string path)
    {
        int column = optics.RequireColumn(StarLabels.OpticsGroup, "optics");
        for (int r = 0; r < optics.RowCount; r++)
            if (optics.GetInt(r, column) == group)
                return r;
        throw new StarFormatException(path, 0, StarLabels.OpticsGroup.Tag, $"optics group {group} is not defined in data_optics.");
    }

    /// <summary>Links (or copies) each referenced file once into extra/, keeping relative layouts such as Particles/x.mrcs.</summary>
    private sealed class FileLinker(StepContext context, ImportRelionParameters p)
    {
        private readonly Dictionary<string, string> _linked = new(StringComparer.Ordinal);
        private readonly string _starFolder = System.IO.Path.GetDirectoryName(p.Path)!;

        public int Count => _linked.Count;

        public string Link(string written)
        {
            if (_linked.TryGetValue(written, out var known))
                return known;
            string source = Locate(written);
            bool plain = !System.IO.Path.IsPathRooted(written) && !written.Split('/', '\\').Contains("..");
            string name = plain ? written.Replace('\\', '/') : $"external/{_linked.Count + 1:D4}_{System.IO.Path.GetFileName(written)}";
            var file = context.NewFile(name);
            if (p.Copy)
                File.Copy(source, file.TempPath);
            else
                File.CreateSymbolicLink(file.TempPath, System.IO.Path.GetFullPath(source));
            context.Emit(Star, name, new FileRow(file.RelativePath, new FileInfo(source).Length));
            return _linked[written] = file.RelativePath;
        }

        private string Locate(string written)
        {
            if (System.IO.Path.IsPathRooted(written))
                return File.Exists(written) ? written : throw new FileNotFoundException($"import.relion: {written} (named in {p.Path}) does not exist.", written);
            foreach (var folder in new[] { _starFolder, context.Resolve(""), Directory.GetCurrentDirectory() })
            {
                string candidate = System.IO.Path.Combine(folder, written);
                if (File.Exists(candidate))
                    return candidate;
            }
            throw new FileNotFoundException($"import.relion: {written} (named in {p.Path}) is not next to the STAR file, in the project folder or in the current folder.", written);
        }
    }
}
