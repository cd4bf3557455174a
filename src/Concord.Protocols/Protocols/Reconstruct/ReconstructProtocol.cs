using System.Collections.Concurrent;
using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Geometry;
using Concord.Core.Imaging;
using Concord.Core.Projection;
using Concord.IO.Mrc;
using Concord.Protocols.Sets;
using Concord.Reconstruct.Backprojection;
using Concord.Reconstruct.Fsc;
using Concord.Workflow.Protocols;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Protocols.Reconstruct;

/// <summary>Parameters of <see cref="ReconstructProtocol"/>.</summary>
public sealed record ReconstructParameters : ProtocolParameters
{
    [Param("Symmetry", "Point group (RELION names: C1, C7, D5, T, O, I1–I4).")]
    public string Symmetry { get; init; } = "C1";

    [Param("CTF", "Weight the insertion by each particle's CTF (Σ CTF·F / Σ CTF²).")]
    public bool UseCtf { get; init; } = true;

    [Param("Padding", "Padding factor of the Fourier grid.", Min = 1, Max = 4)]
    public int Padding { get; init; } = 2;

    [Param("Max resolution", "Highest resolution inserted (0: Nyquist).", Unit = "Å", Min = 0, Max = 1000)]
    public double MaxResolutionA { get; init; }

    public override IEnumerable<ParameterError> Validate()
    {
        foreach (var e in base.Validate())
            yield return e;
        if (!PointGroup.TryParse(Symmetry, out _))
            yield return new ParameterError("symmetry", $"'{Symmetry}' is not a point group RELION knows (C1, Cn, Dn, T, O, I1–I4).");
    }
}

/// <summary>
/// Gold-standard reconstruction from particles with known poses (relion_reconstruct semantics: origins in Å re-centre
/// the images, CTF-weighted Fourier insertion, gridding correction, symmetry): the two half maps from rlnRandomSubset
/// (or a fixed hash split), their FSC (0.143 criterion, Rosenthal &amp; Henderson 2003), the full map, and optionally
/// the FSC of the full map against a reference (e.g. the true map of a simulation; 0.5 criterion).
/// </summary>
public sealed class ReconstructProtocol : Protocol<ReconstructParameters>
{
    public static InputPort<ParticleRow> Particles { get; } = new("particles", EmKinds.Particle, "particles with poses (and CTFs)");
    public static InputPort<VolumeRow> Reference { get; } = new("reference", EmKinds.Volume, "optional reference map to score the full map against (its first row)", minSets: 0);
    public static OutputPort<VolumeRow> Volumes { get; } = new("volumes", EmKinds.Volume, "full map and half maps (keys full, half1, half2)");
    public static OutputPort<FscRow> Fsc { get; } = new("fsc", EmKinds.Fsc, "FSC between the halves (key halves) and against the reference (key reference)");

    public override string Name => "reconstruct.gold";
    public override string Summary => "Gold-standard reconstruction with CTF from particles with poses: half maps, full map, FSC.";
    public override IReadOnlyList<InputPort> Inputs => [Particles, Reference];
    public override IReadOnlyList<OutputPort> Outputs => [Volumes, Fsc];

    protected override IReadOnlyList<Step> Steps(ReconstructParameters parameters) =>
    [
        new SetStep("reconstruct", context => Reconstruct(parameters, context)),
    ];

    private static void Reconstruct(ReconstructParameters p, StepContext context)
    {
        var particles = context.Read(Particles).Where(r => r.Reason is null).Select(r => r.Row).ToList();
        if (particles.Count == 0)
            throw new InvalidParameterException("particles", "the particle set is empty.");
        var group = PointGroup.Parse(p.Symmetry);
        double pixel = particles[0].PixelSizeA;
        using var readers = new StackReaders(context);
        int box = readers.Get(particles[0].ImagePath).Width;
        using var fft = FftBackends.Create(maxDegreeOfParallelism: context.Threads);
        var accumulators = ParallelBackProjection.Run(particles.Count, box, pixel, 2, (i, slot) =>
        {
            var row = particles[i];
            var reader = readers.Get(row.ImagePath);
            if (reader.Width != box || reader.Height != box)
                throw new ShapeMismatchException($"{row.ImagePath}: images are {reader.Width}×{reader.Height}, the first particle's are {box}×{box}.");
            reader.ReadImage(row.ImageNumber - 1, slot.Image);
            ParticleSpectra.Fill(slot, slot.Image, box, row.Pose(), p.UseCtf ? row.Ctf() : null, pixel, fft);
            slot.Half = row.RandomSubset is 1 or 2 ? row.RandomSubset - 1 : SeededHalf(i);
        }, p.Padding, p.MaxResolutionA, context.Threads, cancellation: context.Cancellation);
        var operators = group.Rotations.Select(r => Rotation3f.FromMatrix(r)).ToList();
        using var half1 = accumulators[0].Reconstruct(fft, symmetry: operators);
        using var half2 = accumulators[1].Reconstruct(fft, symmetry: operators);
        accumulators[0].Add(accumulators[1]);
        using var full = accumulators[0].Reconstruct(fft, symmetry: operators);
        EmitVolume(context, "full", "map.mrc", full);
        EmitVolume(context, "half1", "map_half1.mrc", half1);
        EmitVolume(context, "half2", "map_half2.mrc", half2);
        var halves = FourierShellCorrelation.Compute(half1, half2, fft);
        EmitFsc(context, "halves", "half1", "half2", halves, "gold-standard FSC (unmasked half maps)");
        double? vsReference = ScoreAgainstReference(context, full, fft);
        context.Report("reconstruction", new ReconstructionReport(particles.Count, box, pixel, group.Name, p.UseCtf,
            Finite(halves.ResolutionAt(0.143)), Finite(halves.ResolutionAt(0.5)), vsReference));
    }

    /// <summary>FSC of the full map against the first map of the optional reference port; its 0.5 resolution, or null without one.</summary>
    private static double? ScoreAgainstReference(StepContext context, Volume full, IFftBackend fft)
    {
        if (context.ReadAll(Reference) is not [{ Count: > 0 } references])
            return null;
        var reference = references[0].Row;
        using var referenceMap = ReadVolume(context.Resolve(reference.Path));
        if (referenceMap.NX != full.NX)
            throw new ShapeMismatchException($"reference {reference.Path} is {referenceMap.NX}³, the map is {full.NX}³.");
        var curve = FourierShellCorrelation.Compute(full, referenceMap, fft);
        EmitFsc(context, "reference", "full", reference.Path, curve, "FSC of the map against the reference");
        return Finite(curve.ResolutionAt(0.5));
    }

    /// <summary>JSON has no infinity: a curve that never rises above the threshold has no resolution.</summary>
    internal static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static void EmitVolume(StepContext context, string key, string fileName, Volume map)
    {
        var file = context.NewFile(fileName);
        MrcWriter.Write(file.TempPath, map);
        context.Emit(Volumes, key, new VolumeRow(file.RelativePath, map.PixelSizeA, map.NX));
    }

    private static void EmitFsc(StepContext context, string key, string mapA, string mapB, FscCurve curve, string title)
    {
        var star = context.NewFile($"fsc_{key}.star");
        FscFiles.WriteStar(star.TempPath, curve);
        var png = context.NewFile($"fsc_{key}.png");
        FscFiles.WritePlot(png.TempPath, title, curve);
        context.Emit(Fsc, key, new FscRow(star.RelativePath, png.RelativePath, mapA, mapB, curve.ResolutionAt(0.143), curve.ResolutionAt(0.5),
            curve.ShellCount, curve.PixelSizeA));
    }

    private static Volume ReadVolume(string path)
    {
        using var reader = MrcReader.Open(path);
        return reader.ReadVolume();
    }

    /// <summary>Half-set for particles without rlnRandomSubset: a fixed hash of the index, so reruns split alike.</summary>
    private static int SeededHalf(int index) => (int)(((uint)index * 2654435761u) >> 31);

    /// <summary>One thread-safe MRC reader per stack file of the project.</summary>
    private sealed class StackReaders(StepContext context) : IDisposable
    {
        private readonly ConcurrentDictionary<string, MrcReader> _readers = new(StringComparer.Ordinal);

        public MrcReader Get(string relativePath) => _readers.GetOrAdd(relativePath, p => MrcReader.Open(context.Resolve(p)));

        public void Dispose()
        {
            foreach (var r in _readers.Values)
                r.Dispose();
        }
    }
}

/// <summary>The <c>reconstruction</c> report: what was reconstructed and the resolutions (Å).</summary>
public sealed record ReconstructionReport(int Particles, int BoxPx, double PixelSizeA, string Symmetry, bool Ctf, double? HalfMapResolutionAt0143A,
    double? HalfMapResolutionAt05A, double? ReferenceResolutionAt05A);
