using Concord.Workflow.Projects;

namespace Concord.Workflow.Running;

/// <summary>The folder of a run (Runs/NNN_Name/ with logs/, extra/, tmp/) and the clean-up done before resuming it.</summary>
internal static class RunFolders
{
    public static string FolderName(long runId, string runName)
    {
        var safe = new string(runName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_').ToArray());
        return $"{Project.RunsFolder}/{runId:D3}_{safe}";
    }

    public static void Create(Project project, RunInfo run)
    {
        string folder = project.Resolve(run.Folder);
        foreach (var sub in new[] { "logs", "extra", "tmp" })
            Directory.CreateDirectory(Path.Combine(folder, sub));
    }

    /// <summary>
    /// Before a run (re)starts: empties tmp/ (work of items in flight when the last runner died) and deletes files in
    /// extra/ that no committed row references (renamed into place just before a crash, ahead of their commit).
    /// </summary>
    public static int SweepUncommitted(Project project, RunInfo run)
    {
        string folder = project.Resolve(run.Folder);
        string tmp = Path.Combine(folder, "tmp");
        int removed = 0;
        foreach (var file in Directory.EnumerateFiles(tmp, "*", SearchOption.AllDirectories))
        {
            File.Delete(file);
            removed++;
        }
        foreach (var scratch in Directory.EnumerateDirectories(tmp))
            Directory.Delete(scratch, recursive: true);
        var referenced = new HashSet<string>(project.Sets(run.Id).SelectMany(project.ReferencedPaths), StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(folder, "extra"), "*", SearchOption.AllDirectories))
        {
            if (referenced.Contains(project.Relative(file)))
                continue;
            File.Delete(file);
            removed++;
        }
        return removed;
    }
}
