using System.Security.Cryptography;
using Concord.Workflow.Projects;
using Concord.Workflow.Tests.Mock;

namespace Concord.Workflow.Tests;

/// <summary>Everything a finished mock project holds, as comparable lines: runs, sets, rows, file contents, reports.</summary>
public static class ProjectSnapshot
{
    public static IReadOnlyList<string> Take(Project project)
    {
        var lines = new List<string>();
        foreach (var run in project.Runs())
        {
            lines.Add($"run {run.Id} {run.Name} {run.Protocol} {run.Status} {run.Hash} {run.Folder} {run.ItemsDone}/{run.ItemsTotal} failed {run.ItemsFailed}");
            foreach (var (name, json) in project.Reports(run.Id))
                lines.Add($"  report {name} {json}");
            foreach (var set in project.Sets(run.Id))
            {
                lines.Add($"  set {set.Port} {set.Kind} complete={set.Complete} rows={set.Rows}");
                foreach (var row in project.ReadRows(MockKinds.Number, set.Id))
                {
                    string content = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(project.Resolve(row.Row.Path))));
                    lines.Add($"    {row.Key} {row.Row.Value:R} {row.Row.Path} {content[..16]} {row.Reason}");
                }
            }
        }
        return lines;
    }
}
