using Concord.Workflow.Running;
using Concord.Workflow.Sets;

namespace Concord.Workflow.Protocols;

/// <summary>A unit of a run that is persisted when finished, so that resume skips it.</summary>
public abstract class Step(string name)
{
    public string Name { get; } = name;

    internal abstract void Execute(RunExecution run);
}

/// <summary>
/// Per-item work over the rows of one input port: items run in parallel (bounded by the runner's thread count) and
/// each one commits atomically; on resume only items without a committed result run again.
/// </summary>
public sealed class ItemStep<TIn>(string name, InputPort<TIn> source, Action<ItemContext<TIn>> work) : Step(name) where TIn : notnull
{
    public InputPort<TIn> Source { get; } = source;

    internal override void Execute(RunExecution run) => run.ExecuteItems(this, Source, work);
}

/// <summary>Whole-set work (statistics, consensus, summaries): runs once and commits all its outputs in one transaction.</summary>
public sealed class SetStep(string name, Action<StepContext> work) : Step(name)
{
    internal override void Execute(RunExecution run) => run.ExecuteSet(this, work);
}

/// <summary>A file a step is writing: write to <see cref="TempPath"/>; on commit it is renamed to <see cref="RelativePath"/>.</summary>
public sealed record PendingFile(string TempPath, string RelativePath);

/// <summary>What a step hands to the commit: rows per output port, files and reports, kept until the step returns.</summary>
public abstract class OutputBuffer
{
    private readonly RunExecution _run;

    internal OutputBuffer(RunExecution run) => _run = run;

    internal List<(OutputPort Port, string Key, object Row, string? Reason)> Rows { get; } = [];
    internal List<PendingFile> Files { get; } = [];
    internal List<(string Name, string Json)> ReportsJson { get; } = [];

    /// <summary>The validated parameters of this run.</summary>
    public ProtocolParameters Parameters => _run.Parameters;

    public CancellationToken Cancellation => _run.Cancellation;

    /// <summary>Degree of parallelism the runner was given (--threads), for whole-set work that parallelises inside.</summary>
    public int Threads => _run.Threads;

    /// <summary>Adds a row to an output set; <paramref name="reason"/> marks a rejected row and says why.</summary>
    public void Emit<TRow>(OutputPort<TRow> port, string key, TRow row, string? reason = null) where TRow : notnull
    {
        if (!_run.Protocol.Outputs.Contains(port))
            throw new InvalidOperationException($"{_run.Protocol.Name}: port '{port.Name}' is not one of its declared outputs.");
        Rows.Add((port, key, row, reason));
    }

    /// <summary>Reserves a file in the run's extra/ folder; write it at TempPath and store RelativePath in a row.</summary>
    public PendingFile NewFile(string fileName)
    {
        if (fileName.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(fileName))
            throw new ArgumentException($"'{fileName}': output files live inside the run's extra/ folder.", nameof(fileName));
        var file = _run.ReserveFile(fileName);
        Files.Add(file);
        return file;
    }

    /// <summary>
    /// A new empty folder under the run's tmp/ for work files a library writes as a tree (a simulation, a converter);
    /// move what should be kept into files from <see cref="NewFile"/>. tmp/ is emptied whenever the run (re)starts.
    /// </summary>
    public string NewScratchFolder()
    {
        string folder = Path.Combine(_run.Folder, "tmp", "scratch_" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Stores a named JSON report for the run (replacing one of the same name).</summary>
    public void Report(string name, object value) =>
        ReportsJson.Add((name, System.Text.Json.JsonSerializer.Serialize(value, value.GetType(), RunExecution.ReportJson)));

    /// <summary>Absolute path of a project-relative path, to read an input's file.</summary>
    public string Resolve(string relativePath) => _run.Project.Resolve(relativePath);

    /// <summary>A line in the run's log (logs/run.log).</summary>
    public void Log(string message) => _run.Log.Write(message);

    /// <summary>The rows of the single set connected to <paramref name="port"/>.</summary>
    public IReadOnlyList<SetRow<TRow>> Read<TRow>(InputPort<TRow> port) where TRow : notnull => ReadAll(port).Single();

    /// <summary>
    /// The rows of every set connected to <paramref name="port"/>, in the order the pipeline gave them (none for an
    /// optional port left unconnected). Item work reads side inputs here (templates, coordinates of its micrograph, a start estimate).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<SetRow<TRow>>> ReadAll<TRow>(InputPort<TRow> port) where TRow : notnull => _run.ReadInputs(port);

    /// <summary>The rows earlier steps of this run committed to <paramref name="port"/> (a model a training step wrote, for item work).</summary>
    public IReadOnlyList<SetRow<TRow>> ReadOutput<TRow>(OutputPort<TRow> port) where TRow : notnull => _run.ReadOutput(port);

    /// <summary>Names of the runs that produced each set of <paramref name="port"/>, for reasons and reports.</summary>
    public IReadOnlyList<string> SourceNames(InputPort port) => _run.SourceNames(port);
}

/// <summary>The context of one item of an <see cref="ItemStep{TIn}"/>: its key and input row.</summary>
public sealed class ItemContext<TIn> : OutputBuffer where TIn : notnull
{
    internal ItemContext(RunExecution run, SetRow<TIn> item) : base(run) => Item = item;

    public SetRow<TIn> Item { get; }
    public string Key => Item.Key;
    public TIn Row => Item.Row;

    /// <summary>Adds this item's row to an output set (keyed by the item).</summary>
    public void Emit<TRow>(OutputPort<TRow> port, TRow row, string? reason = null) where TRow : notnull => Emit(port, Key, row, reason);
}

/// <summary>The context of a <see cref="SetStep"/>: reads whole input sets and outputs committed by earlier steps.</summary>
public sealed class StepContext : OutputBuffer
{
    internal StepContext(RunExecution run) : base(run)
    {
    }
}
