using System.CommandLine;
using Concord.Core;

namespace Concord.Cli;

/// <summary>
/// Binds a verb handler to its command and turns failures into one clear line and an exit code:
/// 0 success, 2 bad input or parameters (a <see cref="ConcordException"/> or a file problem), 130 cancelled,
/// 70 internal error (with the stack trace, since that is a bug to report).
/// </summary>
public static class VerbAction
{
    public const int Success = 0;
    public const int BadInput = 2;
    public const int InternalError = 70;
    public const int Cancelled = 130;

    public static void Bind(Command command, GlobalOptions global, TextWriter stdout, TextWriter stderr, Func<ParseResult, VerbContext, int> handler)
    {
        command.SetAction((parse, ct) => Task.FromResult(Execute(parse, global, stdout, stderr, handler, ct)));
    }

    private static int Execute(ParseResult parse, GlobalOptions global, TextWriter stdout, TextWriter stderr,
        Func<ParseResult, VerbContext, int> handler, CancellationToken ct)
    {
        try
        {
            var context = VerbContext.From(parse, global, stdout, stderr, ct);
            return handler(parse, context);
        }
        catch (ConcordException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("cancelled");
            return Cancelled;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"internal error: {e.GetType().Name}: {e.Message}");
            stderr.WriteLine("This is a bug in Concord; please report it with the command line and the trace below.");
            stderr.WriteLine(e.StackTrace);
            return InternalError;
        }
    }
}
