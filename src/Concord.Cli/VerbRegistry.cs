using Concord.Cli.Verbs;

namespace Concord.Cli;

/// <summary>The explicit list of verbs, in the order `concord --help` shows them.</summary>
public static class VerbRegistry
{
    public static IReadOnlyList<IVerb> All { get; } =
    [
        new SystemVerb(),
        new InfoVerb(),
        new ConvertVerb(),
        new SimulateVerb(),
        new ProjectVerb(),
        new ReconstructVerb(),
        new FscVerb(),
        new CtfVerb(),
        new MotionVerb(),
        new GainVerb(),
        new DemoVerb(),
        new RunVerb(),
        new ResumeVerb(),
        new StatusVerb(),
        new ProtocolsVerb(),
        new ProvenanceVerb(),
        new PickVerb(),
        new ExtractVerb(),
        new ExportVerb(),
        new ImportVerb(),
    ];
}
