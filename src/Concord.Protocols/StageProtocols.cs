using Concord.Protocols.Protocols.Ctf;
using Concord.Protocols.Protocols.Picking;
using Concord.Protocols.Protocols.Preprocess;
using Concord.Protocols.Protocols.Reconstruct;
using Concord.Protocols.Protocols.Relion;
using Concord.Protocols.Protocols.Simulation;
using Concord.Protocols.Sets;
using Concord.Workflow.Protocols;
using Concord.Workflow.Sets;

namespace Concord.Protocols;

/// <summary>The stage protocols of the catalogue, and the registries the product opens projects and runs pipelines with.</summary>
public static class StageProtocols
{
    public static IReadOnlyList<IProtocol> All { get; } =
    [
        new SimulateProtocol(),
        new MotionCorrectProtocol(),
        new CtfEstimateProtocol(),
        new CtfConsensusProtocol(),
        new PickLogProtocol(),
        new PickTemplateProtocol(),
        new PickLearnedProtocol(),
        new PickConsensusProtocol(),
        new PickDeepConsensusProtocol(),
        new PickCleanProtocol(),
        new ExtractParticlesProtocol(),
        new ReconstructProtocol(),
        new ExportRelionProtocol(),
        new ImportRelionProtocol(),
    ];

    /// <summary>Engine protocols (import.files) and the stage catalogue.</summary>
    public static ProtocolRegistry Registry() => new(EngineProtocols.All.Concat(All));

    /// <summary>Built-in set kinds and the EM kinds.</summary>
    public static SetKindRegistry Kinds => EmKinds.Registry;
}
