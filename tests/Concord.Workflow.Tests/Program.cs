using Concord.Workflow.Projects;
using Concord.Workflow.Running;
using Concord.Workflow.Tests.Mock;

namespace Concord.Workflow.Tests;

/// <summary>
/// Runner host for the crash test: `dotnet exec Concord.Workflow.Tests.dll run|resume PROJECT [PIPELINE] THREADS`.
/// Prints "ready" once the project is open, so the test can time its kills into the work.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        using var project = Project.Open(args[1], MockKinds.Registry, create: true);
        Console.Out.WriteLine("ready");
        Console.Out.Flush();
        int threads = int.Parse(args[^1], System.Globalization.CultureInfo.InvariantCulture);
        var runner = new Runner(project, MockKinds.Protocols, new RunnerOptions(threads));
        if (args[0] == "run")
            runner.RunPipeline(PipelineParser.ParseFile(args[2]));
        else
            runner.Resume();
        Console.Out.WriteLine("done");
        return 0;
    }
}
