namespace Concord.Workflow.Running;

/// <summary>Append-only, line-flushed log of one run (Runs/NNN_Name/logs/run.log); safe from parallel items.</summary>
internal sealed class RunLog : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly object _gate = new();

    public RunLog(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public void Write(string message)
    {
        lock (_gate)
            _writer.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss.fff}Z {message}");
    }

    public void Dispose()
    {
        lock (_gate)
            _writer.Dispose();
    }
}
