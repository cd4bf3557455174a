using Concord.Workflow.Sets;

namespace Concord.Protocols.Sets;

/// <summary>The set kinds of the EM stages; each has its own table (set_NAME) with one column per row property.</summary>
public static class EmKinds
{
    public static SetKind<MovieRow> Movie { get; } = new("movie");
    public static SetKind<CorrectedMicrographRow> CorrectedMicrograph { get; } = new("corrected_micrograph", version: 2);
    /// <summary>Version 2 added <see cref="CtfRow.IceRingRatio"/> (null in rows of version-1 projects).</summary>
    public static SetKind<CtfRow> Ctf { get; } = new("ctf", version: 2);
    public static SetKind<CoordinateRow> Coordinate { get; } = new("coordinate");
    public static SetKind<ParticleRow> Particle { get; } = new("particle");
    public static SetKind<Class2DRow> Class2D { get; } = new("class2d");
    public static SetKind<Class3DRow> Class3D { get; } = new("class3d");
    public static SetKind<FscRow> Fsc { get; } = new("fsc");
    public static SetKind<ConsensusReportRow> ConsensusReport { get; } = new("consensus_report");

    /// <summary>Volumes are the engine's built-in kind (Path, PixelSizeA, BoxPx).</summary>
    public static SetKind<VolumeRow> Volume => BuiltInKinds.Volume;

    public static IReadOnlyList<SetKind> All { get; } = [Movie, CorrectedMicrograph, Ctf, Coordinate, Particle, Class2D, Class3D, Fsc, ConsensusReport];

    /// <summary>The kinds a Concord project opened by the product knows: built-in plus these.</summary>
    public static SetKindRegistry Registry { get; } = SetKindRegistry.BuiltIn.With([.. All]);
}
