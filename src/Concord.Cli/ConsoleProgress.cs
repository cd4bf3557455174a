using Concord.Core;
using Spectre.Console;

namespace Concord.Cli;

/// <summary>
/// Progress display for long work on stderr: a Spectre.Console bar when stderr is a terminal, otherwise plain
/// lines ("title: 40/100 (40%)") at most every 10% or 5 s, so logs of batch jobs stay readable.
/// </summary>
internal static class ConsoleProgress
{
    public static T Run<T>(string title, TextWriter stderr, Func<IProgress<WorkProgress>, T> work)
    {
        bool terminal = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        return terminal ? RunWithBar(title, work) : RunWithLines(title, stderr, work);
    }

    private static T RunWithBar<T>(string title, Func<IProgress<WorkProgress>, T> work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: 1);
                var sink = new Progress(p =>
                {
                    lock (task)
                    {
                        task.MaxValue = Math.Max(1, p.Total);
                        task.Value = p.Done;
                    }
                });
                result = work(sink);
                task.Value = task.MaxValue;
            });
        return result;
    }

    private static T RunWithLines<T>(string title, TextWriter stderr, Func<IProgress<WorkProgress>, T> work)
    {
        var sink = new LineProgress(title, stderr);
        return work(sink);
    }

    private sealed class Progress(Action<WorkProgress> report) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => report(value);
    }

    private sealed class LineProgress(string title, TextWriter stderr) : IProgress<WorkProgress>
    {
        private readonly object _gate = new();
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private double _lastFraction = -1;
        private double _lastSeconds;

        public void Report(WorkProgress value)
        {
            lock (_gate)
            {
                double seconds = _clock.Elapsed.TotalSeconds;
                bool done = value.Done >= value.Total;
                if (!done && value.Fraction - _lastFraction < 0.1 && seconds - _lastSeconds < 5)
                    return;
                if (done && _lastFraction >= 1)
                    return;
                _lastFraction = value.Fraction;
                _lastSeconds = seconds;
                string item = value.Item is null ? "" : $" {value.Item}";
                stderr.WriteLine($"{title}: {value.Done}/{value.Total} ({value.Fraction:P0}, {seconds:F1} s){item}");
            }
        }
    }
}
