using Concord.Workflow.Sets;

namespace Concord.Workflow.Protocols;

/// <summary>Parameters of <see cref="ImportFilesProtocol"/>.</summary>
public sealed record ImportFilesParameters : ProtocolParameters
{
    [Param("Files", "Glob of the files to import, e.g. /data/session1/*.tiff (absolute, or relative to the working directory).")]
    public string Pattern { get; init; } = "";

    [Param("Copy", "Copy the files into the project instead of linking them (links keep raw data where it is).")]
    public bool Copy { get; init; }

    public override IEnumerable<ParameterError> Validate()
    {
        foreach (var e in base.Validate())
            yield return e;
        if (string.IsNullOrWhiteSpace(Pattern))
            yield return new ParameterError("pattern", "give a glob of files, e.g. /data/*.mrc.");
        else if (Path.GetFileName(Pattern).Length == 0)
            yield return new ParameterError("pattern", $"'{Pattern}' names a folder; add a file pattern such as *.mrc.");
    }
}

/// <summary>
/// Brings files into a project as a <c>file</c> set: each is linked (or copied) into the run's extra/ folder so
/// that rows hold project-relative paths, and keyed by its file name.
/// </summary>
public sealed class ImportFilesProtocol : Protocol<ImportFilesParameters>
{
    public static OutputPort<FileRow> Files { get; } = new("files", BuiltInKinds.File, "the imported files, keyed by file name");

    public override string Name => "import.files";
    public override string Summary => "Import files matching a glob as a set (linked, or copied with copy = true).";
    public override IReadOnlyList<InputPort> Inputs => [];
    public override IReadOnlyList<OutputPort> Outputs => [Files];

    protected override IReadOnlyList<Step> Steps(ImportFilesParameters parameters) =>
    [
        new SetStep("import", context =>
        {
            var matches = Match(parameters.Pattern);
            if (matches.Count == 0)
                throw new FileNotFoundException($"import.files: no file matches '{parameters.Pattern}'.");
            foreach (var source in matches)
            {
                var file = context.NewFile(Path.GetFileName(source));
                if (parameters.Copy)
                    File.Copy(source, file.TempPath);
                else
                    File.CreateSymbolicLink(file.TempPath, source);
                context.Emit(Files, Path.GetFileName(source), new FileRow(file.RelativePath, new FileInfo(source).Length));
            }
        }),
    ];

    /// <summary>Files matching a glob whose wildcards are in the file name only (/data/*.tiff), sorted by name.</summary>
    public static IReadOnlyList<string> Match(string pattern)
    {
        string full = Path.GetFullPath(pattern);
        string folder = Path.GetDirectoryName(full)!;
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder, Path.GetFileName(full)).Order(StringComparer.Ordinal).ToList()
            : [];
    }
}

/// <summary>The protocols the product ships in the engine itself; stage protocols are added by Concord.Protocols.</summary>
public static class EngineProtocols
{
    public static IReadOnlyList<IProtocol> All { get; } = [new ImportFilesProtocol()];
}
