using System.Text.Json;
using Concord.Core;
using Concord.Workflow.Projects;
using Concord.Workflow.Protocols;
using Concord.Workflow.Sets;
using Microsoft.Data.Sqlite;

namespace Concord.Workflow.Running;

/// <summary>
/// One run being executed: runs its steps, skipping those persisted as finished, and commits every item in one
/// transaction after renaming its files from tmp/ into extra/. Items run in parallel; commits are serialised.
/// </summary>
internal sealed class RunExecution : IDisposable
{
    internal static readonly JsonSerializerOptions ReportJson = new() { WriteIndented = false };

    private readonly Dictionary<SetKind, SqliteCommand> _insertCommands = [];
    private readonly IReadOnlyDictionary<string, long> _outputSets;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<long>> _inputSets;
    private readonly RunnerOptions _options;
    private int _stepPosition;
    private SqliteCommand? _itemCommand;

    public RunExecution(Project project, RunInfo run, IProtocol protocol, ProtocolParameters parameters,
        IReadOnlyDictionary<string, IReadOnlyList<long>> inputSets, IReadOnlyDictionary<string, long> outputSets, RunnerOptions options)
    {
        Project = project;
        Run = run;
        Protocol = protocol;
        Parameters = parameters;
        _inputSets = inputSets;
        _outputSets = outputSets;
        _options = options;
        Folder = project.Resolve(run.Folder);
        Log = new RunLog(Path.Combine(Folder, "logs", "run.log"));
    }

    public Project Project { get; }
    public RunInfo Run { get; }
    public IProtocol Protocol { get; }
    public ProtocolParameters Parameters { get; }
    public string Folder { get; }
    public RunLog Log { get; }
    public CancellationToken Cancellation => _options.Cancellation;
    public int Threads => _options.Threads;

    public void Dispose()
    {
        foreach (var cmd in _insertCommands.Values)
            cmd.Dispose();
        _itemCommand?.Dispose();
        Log.Dispose();
    }

    /// <summary>Runs every unfinished step in order.</summary>
    public void Execute()
    {
        foreach (var step in Protocol.CreateSteps(Parameters))
        {
            _stepPosition++;
            if (StepFinished(step.Name))
                continue;
            Cancellation.ThrowIfCancellationRequested();
            step.Execute(this);
        }
    }

    public void ExecuteItems<TIn>(ItemStep<TIn> step, InputPort<TIn> source, Action<ItemContext<TIn>> work) where TIn : notnull
    {
        var rows = Project.ReadRows(source.Kind, _inputSets[source.Name].Single());
        var done = DoneItems(step.Name);
        var todo = rows.Where(r => !done.Contains(r.Key)).ToList();
        lock (Project.WriteLock)
            Project.Execute("INSERT OR IGNORE INTO steps(run_id, step, position, total) VALUES ($r, $s, $p, $t)", null,
                ("$r", Run.Id), ("$s", step.Name), ("$p", _stepPosition), ("$t", rows.Count));
        Log.Write($"step {step.Name}: {rows.Count} items, {rows.Count - todo.Count} already done");
        int finished = rows.Count - todo.Count, failed = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.Threads, CancellationToken = Cancellation };
        Parallel.ForEach(todo, parallel, item =>
        {
            var context = new ItemContext<TIn>(this, item);
            try
            {
                work(context);
                Commit(context, step.Name, item.Key, error: null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Discard(context);
                Interlocked.Increment(ref failed);
                Log.Write($"step {step.Name}: item {item.Key} failed: {e.GetType().Name}: {e.Message}");
                Commit(null, step.Name, item.Key, e.Message);
            }
            int count = Interlocked.Increment(ref finished);
            _options.Progress?.Report(new WorkProgress(count, rows.Count, $"{Run.Name}: {step.Name}"));
        });
        lock (Project.WriteLock)
            Project.Execute("UPDATE steps SET finished_utc=$t WHERE run_id=$r AND step=$s", null, ("$t", Project.Now()), ("$r", Run.Id), ("$s", step.Name));
        Log.Write($"step {step.Name}: finished ({failed} failed this time)");
    }

    public void ExecuteSet(SetStep step, Action<StepContext> work)
    {
        Log.Write($"step {step.Name}: started");
        var context = new StepContext(this);
        try
        {
            work(context);
        }
        catch
        {
            Discard(context);
            throw;
        }
        Commit(context, step.Name, itemKey: null, error: null);
        _options.Progress?.Report(new WorkProgress(1, 1, $"{Run.Name}: {step.Name}"));
        Log.Write($"step {step.Name}: finished, {context.Rows.Count} rows");
    }

    public PendingFile ReserveFile(string fileName)
    {
        string relative = $"{Run.Folder}/extra/{fileName.Replace('\\', '/')}";
        // A unique temp name per reservation: a retried item never collides with the leftovers of a killed attempt.
        string temp = Path.Combine(Folder, "tmp", $"{Guid.NewGuid():N}_{Path.GetFileName(fileName)}");
        return new PendingFile(temp, relative);
    }

    public IReadOnlyList<IReadOnlyList<SetRow<TRow>>> ReadInputs<TRow>(InputPort<TRow> port) where TRow : notnull
    {
        lock (Project.WriteLock)
            return _inputSets.TryGetValue(port.Name, out var ids) ? ids.Select(id => Project.ReadRows(port.Kind, id)).ToList() : [];
    }

    public IReadOnlyList<SetRow<TRow>> ReadOutput<TRow>(OutputPort<TRow> port) where TRow : notnull
    {
        lock (Project.WriteLock)
            return Project.ReadRows(port.Kind, _outputSets[port.Name]);
    }

    public IReadOnlyList<string> SourceNames(InputPort port)
    {
        lock (Project.WriteLock)
            return _inputSets[port.Name].Select(id => Project.Sets().Single(s => s.Id == id)).Select(s => $"{s.RunName}.{s.Port}").ToList();
    }

    private bool StepFinished(string step) =>
        Project.Scalar<long>("SELECT COUNT(*) FROM steps WHERE run_id=$r AND step=$s AND finished_utc IS NOT NULL", null, ("$r", Run.Id), ("$s", step)) > 0;

    private HashSet<string> DoneItems(string step)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        using var cmd = Project.Command("SELECT item_key FROM items WHERE run_id=$r AND step=$s AND ok=1", null, ("$r", Run.Id), ("$s", step));
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            done.Add(reader.GetString(0));
        return done;
    }

    /// <summary>
    /// Renames the buffer's files into place, then records its rows and the item (or step) as done in one
    /// transaction. A crash after a rename but before the commit leaves an unreferenced file that
    /// <see cref="RunFolders.SweepUncommitted"/> deletes before the item is redone.
    /// </summary>
    private void Commit(OutputBuffer? buffer, string step, string? itemKey, string? error)
    {
        foreach (var file in buffer?.Files ?? [])
        {
            if (!File.Exists(file.TempPath))
                throw new InvalidOperationException($"{Protocol.Name}/{step}: reserved file {file.RelativePath} was never written.");
            string final = Project.Resolve(file.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            File.Move(file.TempPath, final, overwrite: true);
        }
        lock (Project.WriteLock)
        {
            using var tx = Project.Connection.BeginTransaction(deferred: false);
            foreach (var (port, key, row, reason) in buffer?.Rows ?? [])
                InsertRow(tx, port, key, row, reason);
            foreach (var (name, json) in buffer?.ReportsJson ?? [])
                Project.Execute("INSERT OR REPLACE INTO reports(run_id, name, json) VALUES ($r, $n, $j)", tx, ("$r", Run.Id), ("$n", name), ("$j", json));
            if (itemKey is not null)
                RecordItem(tx, step, itemKey, error);
            else
                Project.Execute("INSERT OR REPLACE INTO steps(run_id, step, position, total, finished_utc) VALUES ($r, $s, $p, 0, $t)", tx,
                    ("$r", Run.Id), ("$s", step), ("$p", _stepPosition), ("$t", Project.Now()));
            tx.Commit();
        }
    }

    private void RecordItem(SqliteTransaction tx, string step, string itemKey, string? error)
    {
        // Prepared once per run: re-preparing per item costs as much as the insert itself.
        _itemCommand ??= Project.Command("INSERT OR REPLACE INTO items(run_id, step, item_key, ok, error) VALUES ($r, $s, $k, $ok, $e)", null,
            ("$r", Run.Id), ("$s", ""), ("$k", ""), ("$ok", 0), ("$e", null));
        _itemCommand.Transaction = tx;
        _itemCommand.Parameters["$s"].Value = step;
        _itemCommand.Parameters["$k"].Value = itemKey;
        _itemCommand.Parameters["$ok"].Value = error is null ? 1 : 0;
        _itemCommand.Parameters["$e"].Value = (object?)error ?? DBNull.Value;
        _itemCommand.ExecuteNonQuery();
    }

    private void InsertRow(SqliteTransaction tx, OutputPort port, string key, object row, string? reason)
    {
        var kind = port.Kind;
        if (!_insertCommands.TryGetValue(kind, out var cmd))
        {
            var names = string.Join("", kind.Columns.Select(c => $", \"{c.Name}\""));
            var values = string.Join("", kind.Columns.Select((_, i) => $", $c{i}"));
            cmd = Project.Command($"INSERT INTO {kind.TableName}(set_id, item_key, reason{names}) VALUES ($set, $key, $reason{values})");
            cmd.Parameters.Add("$set", SqliteType.Integer);
            cmd.Parameters.Add("$key", SqliteType.Text);
            cmd.Parameters.Add("$reason", SqliteType.Text);
            for (int i = 0; i < kind.Columns.Count; i++)
                cmd.Parameters.Add($"$c{i}", SqliteType.Text);
            _insertCommands[kind] = cmd;
        }
        cmd.Transaction = tx;
        cmd.Parameters[0].Value = _outputSets[port.Name];
        cmd.Parameters[1].Value = key;
        cmd.Parameters[2].Value = (object?)reason ?? DBNull.Value;
        for (int i = 0; i < kind.Columns.Count; i++)
        {
            cmd.Parameters[3 + i].Value = kind.ToDb(row, i);
            cmd.Parameters[3 + i].SqliteType = kind.Columns[i].SqlType.StartsWith("REAL", StringComparison.Ordinal) ? SqliteType.Real
                : kind.Columns[i].SqlType.StartsWith("INTEGER", StringComparison.Ordinal) ? SqliteType.Integer : SqliteType.Text;
        }
        cmd.ExecuteNonQuery();
    }

    private static void Discard(OutputBuffer buffer)
    {
        foreach (var file in buffer.Files)
            File.Delete(file.TempPath);
    }
}
