using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Concord.Cli;

/// <summary>What a verb's handler gets: the global settings, the output streams and progress reporting.</summary>
public sealed class VerbContext
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public VerbContext(int threads, bool json, TextWriter stdout, TextWriter stderr, CancellationToken cancellation)
    {
        Threads = threads;
        Json = json;
        Out = stdout;
        Error = stderr;
        Cancellation = cancellation;
    }

    /// <summary>Degree of parallelism asked for with --threads.</summary>
    public int Threads { get; }

    /// <summary>True when --json was given: stdout carries only the JSON summary.</summary>
    public bool Json { get; }

    public TextWriter Out { get; }
    public TextWriter Error { get; }
    public CancellationToken Cancellation { get; }

    public ParallelOptions ParallelOptions => new() { MaxDegreeOfParallelism = Threads, CancellationToken = Cancellation };

    /// <summary>A human-readable line: stdout normally, stderr under --json so stdout stays parseable.</summary>
    public void Say(string line) => (Json ? Error : Out).WriteLine(line);

    /// <summary>Writes the JSON summary when --json was given (no-op otherwise).</summary>
    public void WriteJsonSummary<T>(T summary)
    {
        if (Json)
            Out.WriteLine(JsonSerializer.Serialize(summary, JsonOptions));
    }

    /// <summary>Runs <paramref name="work"/> with a progress display on stderr (a bar on a terminal, throttled lines otherwise).</summary>
    public T WithProgress<T>(string title, Func<IProgress<Core.WorkProgress>, T> work) =>
        ConsoleProgress.Run(title, Error, work);

    internal static VerbContext From(ParseResult parse, GlobalOptions global, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        int threads = parse.GetValue(global.Threads);
        if (threads < 1)
            throw new Core.InvalidParameterException("--threads", $"must be at least 1, got {threads}.");
        return new VerbContext(threads, parse.GetValue(global.Json), stdout, stderr, ct);
    }
}
