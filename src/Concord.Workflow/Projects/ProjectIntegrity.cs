namespace Concord.Workflow.Projects;

/// <summary>
/// Checks the promises a project makes after any crash: SQLite's own integrity check passes, every row's file
/// exists, and no file under Runs/ (outside tmp/ and logs/) is unreferenced by a row.
/// </summary>
public static class ProjectIntegrity
{
    public static IReadOnlyList<string> Check(Project project)
    {
        var problems = new List<string>();
        string? integrity = project.Scalar<string>("PRAGMA integrity_check");
        if (integrity != "ok")
            problems.Add($"PRAGMA integrity_check: {integrity}");
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var set in project.Sets())
            foreach (var path in project.ReferencedPaths(set))
            {
                referenced.Add(path);
                if (!File.Exists(project.Resolve(path)))
                    problems.Add($"set {set.Id} ({set.RunName}.{set.Port}) refers to missing file {path}");
            }
        string runs = Path.Combine(project.Root, Project.RunsFolder);
        foreach (var file in Directory.EnumerateFiles(runs, "*", SearchOption.AllDirectories))
        {
            var parts = project.Relative(file).Split('/');
            bool scratch = parts.Length > 3 && parts[2] is "tmp" or "logs";
            if (!scratch && !referenced.Contains(project.Relative(file)))
                problems.Add($"orphaned file {project.Relative(file)} (no row refers to it)");
        }
        return problems;
    }
}
