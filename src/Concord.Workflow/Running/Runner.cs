using System.Text.Json;
using Concord.Core;
using Concord.Workflow.Projects;
using Concord.Workflow.Protocols;

namespace Concord.Workflow.Running;

/// <summary>How a runner works: threads for per-item work, progress sink and cancellation.</summary>
public sealed record RunnerOptions(int Threads, IProgress<WorkProgress>? Progress = null, CancellationToken Cancellation = default);

/// <summary>A run of a plan that could not finish; the run is recorded as failed and `concord resume` retries it.</summary>
public sealed class RunFailedException(string runName, string message, Exception inner) : ConcordException($"run '{runName}' failed: {message}", inner)
{
    public string RunName { get; } = runName;
}

/// <summary>
/// Executes plans against a project: each planned run is matched by hash to an existing run (finished: reused;
/// unfinished: resumed) or created as a new run folder, then its unfinished steps run. Nothing is overwritten:
/// different parameters or inputs make a different hash and therefore a new run.
/// </summary>
public sealed class Runner(Project project, ProtocolRegistry protocols, RunnerOptions options)
{
    /// <summary>Validates and runs a pipeline file; it is stored in the project so that <see cref="Resume"/> can continue it.</summary>
    public IReadOnlyList<RunInfo> RunPipeline(Pipeline pipeline)
    {
        var plan = Planner.Plan(pipeline, protocols, project);
        lock (project.WriteLock)
            project.Execute("INSERT INTO pipelines(source, text, created_utc) VALUES ($s, $t, $c)", null,
                ("$s", pipeline.Source), ("$t", pipeline.Text), ("$c", Project.Now()));
        return Execute(plan);
    }

    /// <summary>Continues the last pipeline started in this project: finished runs are reused, the rest continue.</summary>
    public IReadOnlyList<RunInfo> Resume()
    {
        string? source = project.Scalar<string>("SELECT source FROM pipelines ORDER BY id DESC LIMIT 1");
        string? text = project.Scalar<string>("SELECT text FROM pipelines ORDER BY id DESC LIMIT 1");
        if (source is null || text is null)
            throw new ProjectException($"{project.Root}: nothing to resume (no pipeline was ever run here).");
        return Execute(Planner.Plan(PipelineParser.Parse(text, source), protocols, project));
    }

    /// <summary>Runs a validated plan, run by run in dependency order.</summary>
    public IReadOnlyList<RunInfo> Execute(Plan plan)
    {
        var outputs = new Dictionary<string, IReadOnlyDictionary<string, long>>(StringComparer.Ordinal);
        var runs = new List<RunInfo>();
        foreach (var planned in plan.Runs)
        {
            var run = project.FindRunByHash(planned.Hash) ?? Create(planned, outputs);
            var sets = project.Sets(run.Id).ToDictionary(s => s.Port, s => s.Id);
            outputs[planned.Name] = sets;
            if (run.Status != RunStatus.Finished)
                run = ExecuteRun(run, planned, sets, InputSets(planned, outputs));
            runs.Add(run);
        }
        return runs;
    }

    private RunInfo Create(PlannedRun planned, Dictionary<string, IReadOnlyDictionary<string, long>> outputs)
    {
        var inputs = InputSets(planned, outputs);
        long id;
        lock (project.WriteLock)
        {
            using var tx = project.Connection.BeginTransaction(deferred: false);
            project.Execute("""
                INSERT INTO runs(name, protocol, protocol_version, params_json, inputs_json, hash, folder, status, created_utc)
                VALUES ($n, $p, $v, $j, $i, $h, '', $s, $c)
                """, tx, ("$n", planned.Name), ("$p", planned.Protocol.Name), ("$v", planned.Protocol.Version), ("$j", planned.Parameters.ToJson()),
                ("$i", JsonSerializer.Serialize(planned.Inputs.ToDictionary(kv => kv.Key, kv => kv.Value.Select(x => x.Reference)))),
                ("$h", planned.Hash), ("$s", nameof(RunStatus.Created)), ("$c", Project.Now()));
            id = project.Scalar<long>("SELECT last_insert_rowid()", tx);
            project.Execute("UPDATE runs SET folder=$f WHERE id=$id", tx, ("$f", RunFolders.FolderName(id, planned.Name)), ("$id", id));
            foreach (var output in planned.Protocol.Outputs)
                project.Execute("INSERT INTO sets(run_id, port, kind) VALUES ($r, $p, $k)", tx, ("$r", id), ("$p", output.Name), ("$k", output.Kind.Name));
            foreach (var (port, setIds) in inputs)
                for (int i = 0; i < setIds.Count; i++)
                    project.Execute("INSERT INTO run_inputs(run_id, port, position, set_id) VALUES ($r, $p, $i, $s)", tx, ("$r", id), ("$p", port), ("$i", i), ("$s", setIds[i]));
            tx.Commit();
        }
        return project.FindRun(id)!;
    }

    private RunInfo ExecuteRun(RunInfo run, PlannedRun planned, IReadOnlyDictionary<string, long> outputSets, IReadOnlyDictionary<string, IReadOnlyList<long>> inputSets)
    {
        RunFolders.Create(project, run);
        int swept = RunFolders.SweepUncommitted(project, run);
        SetStatus(run.Id, RunStatus.Running, started: true);
        using var execution = new RunExecution(project, run, planned.Protocol, planned.Parameters, inputSets, outputSets, options);
        execution.Log.Write(run.Status == RunStatus.Created
            ? $"run {run.Name} ({planned.Protocol.Name} v{planned.Protocol.Version}) started; parameters {planned.Parameters.ToJson()}"
            : $"run {run.Name} resumed from status {run.Status}; removed {swept} uncommitted files");
        try
        {
            execution.Execute();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            execution.Log.Write($"run failed: {e.GetType().Name}: {e.Message}");
            SetStatus(run.Id, RunStatus.Failed, error: e.Message);
            throw new RunFailedException(run.Name, e.Message, e);
        }
        lock (project.WriteLock)
        {
            using var tx = project.Connection.BeginTransaction(deferred: false);
            project.Execute("UPDATE sets SET complete=1 WHERE run_id=$r", tx, ("$r", run.Id));
            project.Execute("UPDATE runs SET status=$s, finished_utc=$t, error=NULL WHERE id=$r", tx,
                ("$s", nameof(RunStatus.Finished)), ("$t", Project.Now()), ("$r", run.Id));
            tx.Commit();
        }
        execution.Log.Write("run finished");
        return project.FindRun(run.Id)!;
    }

    private void SetStatus(long runId, RunStatus status, bool started = false, string? error = null)
    {
        lock (project.WriteLock)
            project.Execute($"UPDATE runs SET status=$s, error=$e{(started ? ", started_utc=COALESCE(started_utc, $t)" : "")} WHERE id=$r", null,
                ("$s", status.ToString()), ("$e", error), ("$t", Project.Now()), ("$r", runId));
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<long>> InputSets(PlannedRun planned, Dictionary<string, IReadOnlyDictionary<string, long>> outputs) =>
        planned.Inputs.ToDictionary(kv => kv.Key,
            kv => (IReadOnlyList<long>)kv.Value.Select(i => i.ExistingSetId ?? outputs[i.PlannedRun!][i.Port]).ToList());
}
