using System.Globalization;
using Concord.Core.Fourier;
using Concord.IO.Mrc;
using Concord.IO.Star;
using Concord.Protocols.Protocols.Ctf;
using Concord.Protocols.Sets;
using Concord.Simulation.Micrographs;
using Concord.Simulation.Movies;
using Concord.Workflow.Projects;
using Concord.Workflow.Protocols;
using Concord.Workflow.Running;
using Concord.Workflow.Sets;

namespace Concord.Protocols.Tests.Infrastructure;

/// <summary>Parameters of <see cref="CtfTestMicrographsProtocol"/>.</summary>
public sealed record CtfTestMicrographsParameters : ProtocolParameters
{
    [Param("Seed", "Seed of the batch.", Min = 0, Max = int.MaxValue)]
    public int Seed { get; init; } = CtfMicrographProject.Seed;
}

/// <summary>
/// Test-only protocol: CTF test micrographs with known CTF and defects (<see cref="CtfMicrographProject.Defects"/>)
/// as a corrected_micrograph set, and their truth table as simulate.preset writes it (<see cref="CtfTruth.TableKey"/>).
/// </summary>
public sealed class CtfTestMicrographsProtocol : Protocol<CtfTestMicrographsParameters>
{
    public static OutputPort<CorrectedMicrographRow> Micrographs { get; } = new("micrographs", EmKinds.CorrectedMicrograph, "test micrographs");
    public static OutputPort<FileRow> Files { get; } = new("files", BuiltInKinds.File, "the truth table");

    public override string Name => "test.ctf_micrographs";
    public override string Summary => "CTF test micrographs with known CTF and defects.";
    public override IReadOnlyList<InputPort> Inputs => [];
    public override IReadOnlyList<OutputPort> Outputs => [Micrographs, Files];

    protected override IReadOnlyList<Step> Steps(CtfTestMicrographsParameters parameters) => [new SetStep("generate", context => Generate(parameters, context))];

    private static void Generate(CtfTestMicrographsParameters p, StepContext context)
    {
        var o = CtfMicrographProject.Options;
        var truth = new StarTable([StarLabels.MicrographMovieName, StarLabels.DefocusU, StarLabels.DefocusV, StarLabels.DefocusAngle]);
        using var fft = FftBackends.CreateDeterministic(context.Threads);
        var generator = new CtfTestMicrographs(o, fft);
        for (int i = 0; i < CtfMicrographProject.Defects.Count; i++)
        {
            using var m = generator.Generate(i, p.Seed, CtfMicrographProject.Defects[i], context.Threads);
            string key = CtfMicrographProject.Key(i), movie = $"Movies/{key}.mrcs";
            var file = context.NewFile(key + ".mrc");
            MrcWriter.Write(file.TempPath, m.Micrograph);
            context.Emit(Micrographs, key, new CorrectedMicrographRow(movie, file.RelativePath, null, null, o.PixelSizeA, 1, 0, 0, 0, 0, null,
                o.VoltageKv, o.SphericalAberrationMm, o.AmplitudeContrast, 1));
            truth.AddRow(movie, F(m.Ctf.DefocusUA), F(m.Ctf.DefocusVA), F(m.Ctf.DefocusAngleDeg));
        }
        var table = context.NewFile(CtfTruth.TableKey);
        var document = new StarDocument();
        document.Add("micrographs").Loops.Add(truth);
        StarWriter.Write(table.TempPath, document);
        context.Emit(Files, CtfTruth.TableKey, new FileRow(table.RelativePath, new FileInfo(table.TempPath).Length));
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>
/// A project on CTF test micrographs whose answer is known: four good micrographs, one without signal, one with
/// strong astigmatism and one in thick ice with a strong ice ring (1024² at 1.2 Å/px, as the CTF acceptance batch), estimated by the periodogram method (ctf_a),
/// the parametric one started from it (ctf_b) and alone (ctf_b_alone), then ctf.consensus of ctf_a and ctf_b.
/// </summary>
public sealed class CtfMicrographProject : IDisposable
{
    public const int Seed = 20261124;

    /// <summary>Options of the CTF acceptance batch (tests/Concord.Ctf.Tests/TestMicrographs.cs).</summary>
    public static readonly CtfTestMicrographOptions Options = new() { Width = 1024, Height = 1024, SpecimenPhaseRad = 0.2, EnvelopeBFactorA2 = 40 };

    public static readonly IReadOnlyList<MicrographDefect> Defects =
    [
        MicrographDefect.None, MicrographDefect.None, MicrographDefect.None, MicrographDefect.None, MicrographDefect.NoSignal, MicrographDefect.StrongAstigmatism,
        MicrographDefect.ThickIce,
    ];

    public const string Pipeline = """
        [[run]]
        name = "mics"
        protocol = "test.ctf_micrographs"

        [[run]]
        name = "ctf_a"
        protocol = "ctf.estimate"
        inputs = { micrographs = "mics.micrographs", truth = "mics.files" }
        params = { method = "periodogram", min_defocus_a = 3000, max_defocus_a = 40000 }

        [[run]]
        name = "ctf_b"
        protocol = "ctf.estimate"
        inputs = { micrographs = "mics.micrographs", start = "ctf_a.ctfs", truth = "mics.files" }
        params = { method = "parametric", min_defocus_a = 3000, max_defocus_a = 40000, plots = false }

        [[run]]
        name = "ctf_b_alone"
        protocol = "ctf.estimate"
        inputs = { micrographs = "mics.micrographs" }
        params = { method = "parametric", min_defocus_a = 3000, max_defocus_a = 40000, plots = false }

        [[run]]
        name = "consensus"
        protocol = "ctf.consensus"
        inputs = { ctfs = ["ctf_a.ctfs", "ctf_b.ctfs"], micrographs = "mics.micrographs", truth = "mics.files" }
        """;

    public CtfMicrographProject()
    {
        Root = Path.Combine(Path.GetTempPath(), "concord-ctf-protocols-" + Guid.NewGuid().ToString("N")[..12]);
        Project = Project.Open(Root, StageProtocols.Kinds, create: true);
        Registry = new ProtocolRegistry(EngineProtocols.All.Concat(StageProtocols.All).Append(new CtfTestMicrographsProtocol()));
        Runner = new Runner(Project, Registry, new RunnerOptions(Threads: 2));
        Runner.RunPipeline(PipelineParser.Parse(Pipeline, "ctf.toml"));
    }

    public static string Key(int index) => $"mic_{index:D2}";

    public string Root { get; }
    public Project Project { get; }
    public ProtocolRegistry Registry { get; }
    public Runner Runner { get; }

    public IReadOnlyList<SetRow<T>> Rows<T>(SetKind<T> kind, string spec) where T : notnull => Project.ReadRows(kind, Project.FindSet(spec).Id);

    public RunInfo Run(string name) => Project.Runs().Last(r => r.Name == name);

    public T Report<T>(string run, string name) => System.Text.Json.JsonSerializer.Deserialize<T>(Project.Reports(Run(run).Id)[name])!;

    public void Dispose()
    {
        Project.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class CtfMicrographProjectCollection : ICollectionFixture<CtfMicrographProject>
{
    public const string Name = "ctf micrograph project";
}
