namespace Concord.Workflow.Sets;

/// <summary>A file known to the project, for generic imports.</summary>
public sealed record FileRow([property: ProjectPath] string Path, long SizeBytes);

/// <summary>A 2D image (an aligned, summed movie) on disk with its pixel size.</summary>
public sealed record MicrographRow([property: ProjectPath] string Path, double PixelSizeA);

/// <summary>A cubic 3D map on disk with its pixel size and box edge in pixels.</summary>
public sealed record VolumeRow([property: ProjectPath] string Path, double PixelSizeA, int BoxPx);

/// <summary>The built-in kinds; later stages declare theirs next to their protocols.</summary>
public static class BuiltInKinds
{
    public static SetKind<FileRow> File { get; } = new("file");
    public static SetKind<MicrographRow> Micrograph { get; } = new("micrograph");
    public static SetKind<VolumeRow> Volume { get; } = new("volume");

    public static IReadOnlyList<SetKind> All { get; } = [File, Micrograph, Volume];
}
