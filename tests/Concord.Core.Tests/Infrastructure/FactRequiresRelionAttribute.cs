namespace Concord.Core.Tests.Infrastructure;

/// <summary>A fact that runs only when RELION's <c>relion_refine</c> is on PATH; otherwise it is skipped with the reason.</summary>
public sealed class FactRequiresRelionAttribute : FactAttribute
{
    public FactRequiresRelionAttribute()
    {
        if (RelionLocator.Find("relion_refine") is null)
            Skip = "relion_refine is not on PATH (install RELION 3.1, e.g. `apt-get install relion`, to run RELION interop tests).";
    }
}

/// <summary>Finds RELION executables on PATH.</summary>
public static class RelionLocator
{
    public static string? Find(string program)
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
            return null;
        foreach (string dir in path.Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
                return candidate;
        }

        return null;
    }
}
