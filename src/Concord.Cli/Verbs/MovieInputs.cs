using Concord.IO;
using Concord.IO.Star;

namespace Concord.Cli.Verbs;

/// <summary>One movie to process: its file, the name it is listed under, and what a movies STAR said about its optics.</summary>
/// <param name="Path">The file to open.</param>
/// <param name="ListedName">The name as the user or the STAR file gave it (written as rlnMicrographMovieName).</param>
/// <param name="PixelSizeA">Pixel size from the STAR optics group, or null.</param>
/// <param name="VoltageKv">Voltage from the STAR optics group, or null.</param>
/// <param name="OpticsGroupName">Optics group name from the STAR file, or null.</param>
/// <param name="SphericalAberrationMm">Cs from the STAR optics group, or null.</param>
/// <param name="AmplitudeContrast">Amplitude contrast from the STAR optics group, or null.</param>
public sealed record MovieInput(string Path, string ListedName, double? PixelSizeA = null, double? VoltageKv = null, string? OpticsGroupName = null,
    double? SphericalAberrationMm = null, double? AmplitudeContrast = null)
{
    /// <summary>The movie's file name without folder and extension: the stem of every output.</summary>
    public string Stem => System.IO.Path.GetFileNameWithoutExtension(Path);
}

/// <summary>
/// Turns the MOVIES arguments of `concord motion` and `concord gain estimate` into movie files: plain paths, shell-style
/// wildcards in the file name (<c>Movies/*.tif</c>, for shells that pass them through), and RELION movies STAR files
/// (<c>data_movies</c> with rlnMicrographMovieName, paths relative to the current folder or to the STAR file's folder,
/// as RELION resolves them; the optics group gives pixel size and voltage).
/// </summary>
public static class MovieInputs
{
    /// <summary>The movies named by <paramref name="arguments"/>, in order, each once; <paramref name="problems"/> gets a
    /// line for each argument that names nothing.</summary>
    public static List<MovieInput> Resolve(IEnumerable<string> arguments, List<string> problems)
    {
        var movies = new List<MovieInput>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(MovieInput m)
        {
            if (seen.Add(System.IO.Path.GetFullPath(m.Path)))
                movies.Add(m);
        }
        foreach (string argument in arguments)
        {
            if (argument.IndexOfAny(['*', '?']) >= 0)
            {
                var matches = Expand(argument);
                if (matches.Count == 0)
                    problems.Add($"{argument}: no file matches.");
                matches.ForEach(p => Add(new MovieInput(p, p)));
            }
            else if (ImageFiles.Detect(argument) == FileFormat.Star)
            {
                if (!File.Exists(argument))
                    problems.Add($"{argument}: no such file.");
                else
                    FromStar(argument).ForEach(Add);
            }
            else
            {
                Add(new MovieInput(argument, argument));
            }
        }
        return movies;
    }

    private static List<string> Expand(string pattern)
    {
        string folder = System.IO.Path.GetDirectoryName(pattern) is { Length: > 0 } d ? d : ".";
        string name = System.IO.Path.GetFileName(pattern);
        if (folder.IndexOfAny(['*', '?']) >= 0)
            throw new Core.InvalidParameterException("MOVIES", $"{pattern}: wildcards are allowed in the file name only, not in folders.");
        if (!Directory.Exists(folder))
            return [];
        return Directory.GetFiles(folder, name).Select(p => folder == "." && !pattern.StartsWith("./", StringComparison.Ordinal) ? System.IO.Path.GetFileName(p) : p)
            .Order(StringComparer.Ordinal).ToList();
    }

    private static List<MovieInput> FromStar(string starPath)
    {
        var document = StarReader.Read(starPath);
        var block = document.Find("movies") ?? document.Find("micrographs")
            ?? throw new StarFormatException(starPath, 0, "", "holds neither data_movies nor data_micrographs.");
        var table = block.RequireLoop(starPath);
        int nameColumn = table.RequireColumn(StarLabels.MicrographMovieName, block.Name);
        int groupColumn = table.ColumnOf(StarLabels.OpticsGroup);
        var optics = ReadOptics(document);
        string starFolder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(starPath))!;
        var movies = new List<MovieInput>(table.RowCount);
        for (int r = 0; r < table.RowCount; r++)
        {
            string listed = table.GetString(r, nameColumn);
            string path = File.Exists(listed) || System.IO.Path.IsPathRooted(listed) ? listed : System.IO.Path.Combine(starFolder, listed);
            int group = groupColumn >= 0 ? table.GetInt(r, groupColumn) : 1;
            optics.TryGetValue(group, out var o);
            movies.Add(new MovieInput(path, listed, o?.PixelSizeA, o?.VoltageKv, o?.Name, o?.Cs, o?.Amplitude));
        }
        return movies;
    }

    private sealed record Optics(string Name, double? PixelSizeA, double? VoltageKv, double? Cs, double? Amplitude);

    private static Dictionary<int, Optics> ReadOptics(StarDocument document)
    {
        var result = new Dictionary<int, Optics>();
        if (document.Find("optics")?.Loop is not { } table)
            return result;
        int number = table.ColumnOf(StarLabels.OpticsGroup), name = table.ColumnOf(StarLabels.OpticsGroupName);
        int pixel = table.ColumnOf(StarLabels.MicrographOriginalPixelSize), voltage = table.ColumnOf(StarLabels.Voltage);
        int cs = table.ColumnOf(StarLabels.SphericalAberration), amplitude = table.ColumnOf(StarLabels.AmplitudeContrast);
        double? Get(int row, int column) => column >= 0 && table.TryGetDouble(row, column, out double v) ? v : null;
        for (int r = 0; r < table.RowCount; r++)
        {
            int group = number >= 0 ? table.GetInt(r, number) : r + 1;
            result[group] = new Optics(name >= 0 ? table.GetString(r, name) : $"opticsGroup{group}", Get(r, pixel), Get(r, voltage), Get(r, cs), Get(r, amplitude));
        }
        return result;
    }
}
