using System.Diagnostics;

namespace Concord.IO.Tests.Infrastructure;

/// <summary>Finds and runs the external programs the interop tests compare against (mrcfile, RELION).</summary>
internal static class ExternalTools
{
    private static readonly Lazy<string?> MrcfilePythonLazy = new(FindMrcfilePython);
    private static readonly Lazy<bool> RelionLazy = new(() => Run("relion_image_handler", ["--version"], out _) == 0);

    /// <summary>A python interpreter that can import mrcfile, or null.</summary>
    public static string? MrcfilePython => MrcfilePythonLazy.Value;

    public static bool HasRelion => RelionLazy.Value;

    private static string? FindMrcfilePython()
    {
        foreach (var candidate in new[] { "python3", "/usr/bin/python3", "python" })
            if (Run(candidate, ["-c", "import mrcfile"], out _) == 0)
                return candidate;
        return null;
    }

    /// <summary>Runs a program, returns its exit code (−1 when it cannot start) and its combined output.</summary>
    public static int Run(string program, IEnumerable<string> args, out string output, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                output = stdout + "\n(timed out)";
                return -1;
            }
            output = stdout + stderr.Result;
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            output = e.Message;
            return -1;
        }
    }
}

/// <summary>A fact that runs only where python3 with the mrcfile package is installed (`.ci/run` installs python3-mrcfile).</summary>
public sealed class FactRequiresMrcfileAttribute : FactAttribute
{
    public FactRequiresMrcfileAttribute()
    {
        if (ExternalTools.MrcfilePython is null)
            Skip = "python3 with mrcfile is not installed (apt-get install python3-mrcfile); MRC validation interop skipped.";
    }
}

/// <summary>A fact that runs only where RELION's command-line programs are on PATH (`.ci/run` installs relion).</summary>
public sealed class FactRequiresRelionAttribute : FactAttribute
{
    public FactRequiresRelionAttribute()
    {
        if (!ExternalTools.HasRelion)
            Skip = "relion_image_handler is not on PATH (apt-get install relion); RELION interop skipped.";
    }
}

/// <summary>A temporary directory deleted with the test class.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "concord-io-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process we started may still hold a file; the OS temp cleaner will take it.
        }
    }
}
