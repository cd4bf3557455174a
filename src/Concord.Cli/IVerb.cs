using System.CommandLine;

namespace Concord.Cli;

/// <summary>One CLI verb: a file in Verbs/ with its options, a thin handler over Core/IO/protocols, and help with examples.</summary>
public interface IVerb
{
    Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr);
}
