namespace Concord.Workflow.Tests;

/// <summary>A fresh folder under the system temp directory, deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "concord-wf-" + Guid.NewGuid().ToString("N")[..12]);

    public string Write(string name, string text)
    {
        string file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
            Directory.Delete(Path, recursive: true);
    }
}

/// <summary>Pipelines over the mock domain shared by several tests.</summary>
public static class MockPipelines
{
    /// <summary>generate → two transforms (one perturbed) → consensus → sum: item steps, set steps and a DAG.</summary>
    public static string FourStage(int count, int delayMs, int seed = 7) => $"""
        # mock pipeline: numbers, two methods, their consensus, a summary
        [[run]]
        name = "gen"
        protocol = "mock.generate"
        params = {"{"} count = {count}, seed = {seed} {"}"}

        [[run]]
        name = "a"
        protocol = "mock.transform"
        inputs = {"{"} values = "gen.numbers" {"}"}
        [run.params]
        scale = 2.0
        delay_ms = {delayMs}

        [[run]]
        name = "b"
        protocol = "mock.transform"
        inputs = {"{"} values = "gen.numbers" {"}"}
        [run.params]
        scale = 2.0
        perturb_every = 5
        delay_ms = {delayMs}

        [[run]]
        name = "agree"
        protocol = "mock.consensus"
        inputs = {"{"} sets = ["a.result", "b.result"] {"}"}
        params = {"{"} tolerance = 0.5 {"}"}

        [[run]]
        name = "total"
        protocol = "mock.sum"
        inputs = {"{"} values = "agree.agreed" {"}"}
        """;
}
