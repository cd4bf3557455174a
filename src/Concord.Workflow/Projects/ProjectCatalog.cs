using Concord.Workflow.Sets;
using Microsoft.Data.Sqlite;

namespace Concord.Workflow.Projects;

/// <summary>A run as recorded: identity, parameters, status and item counts.</summary>
public sealed record RunInfo(
    long Id, string Name, string Protocol, int ProtocolVersion, string ParametersJson, string InputsJson, string Hash,
    string Folder, RunStatus Status, string CreatedUtc, string? StartedUtc, string? FinishedUtc, string? Error,
    int ItemsTotal, int ItemsDone, int ItemsFailed);

/// <summary>Where a run stands; a <see cref="Running"/> run found by a new runner was interrupted and is resumed.</summary>
public enum RunStatus
{
    Created,
    Running,
    Finished,
    Failed,
}

/// <summary>An output set: the run and port that produced it, its kind, whether it is complete, and its size.</summary>
public sealed record SetInfo(long Id, long RunId, string RunName, string Port, string Kind, bool Complete, int Rows, int Rejected);

/// <summary>One failed item of a run, with the error it raised.</summary>
public sealed record ItemFailure(long RunId, string Step, string ItemKey, string Error);

/// <summary>Read-only queries over a project: what the status and provenance verbs and the viewer show.</summary>
public static class ProjectCatalog
{
    public static IReadOnlyList<RunInfo> Runs(this Project project) => QueryRuns(project, "1=1", []);

    public static RunInfo? FindRun(this Project project, long id) => QueryRuns(project, "r.id=$v", [("$v", id)]).FirstOrDefault();

    public static RunInfo? FindRunByHash(this Project project, string hash) => QueryRuns(project, "r.hash=$v", [("$v", hash)]).FirstOrDefault();

    public static IReadOnlyList<SetInfo> Sets(this Project project, long? runId = null)
    {
        var sets = new List<SetInfo>();
        using var cmd = project.Command(
            "SELECT s.id, s.run_id, r.name, s.port, s.kind, s.complete FROM sets s JOIN runs r ON r.id=s.run_id " +
            (runId is null ? "" : "WHERE s.run_id=$r ") + "ORDER BY s.id", null, ("$r", runId));
        using (var reader = cmd.ExecuteReader())
            while (reader.Read())
                sets.Add(new SetInfo(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5) != 0, 0, 0));
        return sets.Select(s => s with { Rows = CountRows(project, s, false), Rejected = CountRows(project, s, true) }).ToList();
    }

    /// <summary>Finds a set by id ("12") or by "RUN.PORT" (run name or number, latest run of that name).</summary>
    public static SetInfo FindSet(this Project project, string spec)
    {
        var sets = project.Sets();
        SetInfo? found = long.TryParse(spec, out long id) ? sets.FirstOrDefault(s => s.Id == id) : null;
        int dot = spec.LastIndexOf('.');
        if (found is null && dot > 0)
        {
            string run = spec[..dot], port = spec[(dot + 1)..];
            found = sets.Where(s => s.Port == port && (s.RunName == run || s.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture) == run))
                .OrderByDescending(s => s.RunId).FirstOrDefault();
        }
        return found ?? throw new ProjectException($"{project.Root}: no set '{spec}' (give a set id or RUN.PORT; `concord status` lists them).");
    }

    /// <summary>The rows of a set, ordered by item key so that reads are deterministic whatever the commit order.</summary>
    public static IReadOnlyList<SetRow<TRow>> ReadRows<TRow>(this Project project, SetKind<TRow> kind, long setId) where TRow : notnull
    {
        var rows = new List<SetRow<TRow>>();
        var columns = string.Join(", ", kind.Columns.Select(c => $"\"{c.Name}\""));
        using var cmd = project.Command(
            $"SELECT item_key, reason{(columns.Length > 0 ? ", " + columns : "")} FROM {kind.TableName} WHERE set_id=$s ORDER BY item_key",
            null, ("$s", setId));
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            rows.Add(new SetRow<TRow>(reader.GetString(0), kind.Read(reader, 2), reader.IsDBNull(1) ? null : reader.GetString(1)));
        return rows;
    }

    /// <summary>Every project-relative file path referenced by rows of the given set.</summary>
    public static IReadOnlyList<string> ReferencedPaths(this Project project, SetInfo set)
    {
        if (!project.Kinds.TryGet(set.Kind, out var kind))
            return [];
        var paths = new List<string>();
        foreach (var column in kind.Columns.Where(c => c.IsProjectPath))
        {
            using var cmd = project.Command($"SELECT \"{column.Name}\" FROM {kind.TableName} WHERE set_id=$s AND \"{column.Name}\" IS NOT NULL", null, ("$s", set.Id));
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
                paths.Add(reader.GetString(0));
        }
        return paths;
    }

    public static IReadOnlyList<ItemFailure> Failures(this Project project, long runId)
    {
        var failures = new List<ItemFailure>();
        using var cmd = project.Command("SELECT run_id, step, item_key, error FROM items WHERE run_id=$r AND ok=0 ORDER BY step, item_key", null, ("$r", runId));
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            failures.Add(new ItemFailure(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? "" : reader.GetString(3)));
        return failures;
    }

    /// <summary>Named JSON reports of a run (e.g. a consensus protocol's statistics).</summary>
    public static IReadOnlyDictionary<string, string> Reports(this Project project, long runId)
    {
        var reports = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var cmd = project.Command("SELECT name, json FROM reports WHERE run_id=$r", null, ("$r", runId));
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            reports[reader.GetString(0)] = reader.GetString(1);
        return reports;
    }

    /// <summary>The input sets of a run, by port, in the order they were given.</summary>
    public static IReadOnlyList<(string Port, long SetId)> RunInputs(this Project project, long runId)
    {
        var inputs = new List<(string, long)>();
        using var cmd = project.Command("SELECT port, set_id FROM run_inputs WHERE run_id=$r ORDER BY port, position", null, ("$r", runId));
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            inputs.Add((reader.GetString(0), reader.GetInt64(1)));
        return inputs;
    }

    private static int CountRows(Project project, SetInfo set, bool rejectedOnly) =>
        project.Kinds.TryGet(set.Kind, out var kind)
            ? (int)project.Scalar<long>($"SELECT COUNT(*) FROM {kind.TableName} WHERE set_id=$s{(rejectedOnly ? " AND reason IS NOT NULL" : "")}", null, ("$s", set.Id))
            : 0;

    private static List<RunInfo> QueryRuns(Project project, string where, (string, object?)[] args)
    {
        var runs = new List<RunInfo>();
        using var cmd = project.Command($"""
            SELECT r.id, r.name, r.protocol, r.protocol_version, r.params_json, r.inputs_json, r.hash, r.folder, r.status,
                   r.created_utc, r.started_utc, r.finished_utc, r.error,
                   (SELECT COALESCE(SUM(total), 0) FROM steps s WHERE s.run_id=r.id),
                   (SELECT COUNT(*) FROM items i WHERE i.run_id=r.id AND i.ok=1),
                   (SELECT COUNT(*) FROM items i WHERE i.run_id=r.id AND i.ok=0)
            FROM runs r WHERE {where} ORDER BY r.id
            """, null, args);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            runs.Add(new RunInfo(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4), reader.GetString(5),
                reader.GetString(6), reader.GetString(7), Enum.Parse<RunStatus>(reader.GetString(8)), reader.GetString(9),
                Nullable(reader, 10), Nullable(reader, 11), Nullable(reader, 12), reader.GetInt32(13), reader.GetInt32(14), reader.GetInt32(15)));
        return runs;
    }

    private static string? Nullable(SqliteDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
}
