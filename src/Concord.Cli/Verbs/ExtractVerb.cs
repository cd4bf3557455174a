using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Concord.Core;
using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Geometry;
using Concord.IO.Mrc;
using Concord.IO.Relion;
using Concord.IO.Star;
using Concord.Picking;
using Concord.Picking.Extraction;

namespace Concord.Cli.Verbs;

/// <summary>
/// `concord extract MICROGRAPHS --coordinates coordinates.star --box PX -o DIR`: cuts particles out of micrographs
/// (optionally binned, contrast-inverted and phase-flipped), one stack per micrograph, and a RELION 3.1 particle file.
/// A micrograph that fails is reported and the others continue.
/// </summary>
public sealed class ExtractVerb : IVerb
{
    public sealed record Failure(string Micrograph, string Error);

    public sealed record MicrographSummary(string Micrograph, string Stack, int Coordinates, int Extracted, int DroppedAtEdges);

    public sealed record Summary(int Micrographs, int Extracted, int Particles, int DroppedAtEdges, int BoxPx, double PixelSizeA, bool PhaseFlipped,
        int HalfSet1, int HalfSet2, int HalfSetsKept, string ParticlesStar, IReadOnlyList<MicrographSummary> Stacks, IReadOnlyList<Failure> Failures, double Seconds);

    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var flags = new Flags();
        var command = new Command("extract", """
            Extract particles: for each micrograph, the boxes around its coordinates (rlnMicrographName,
            rlnCoordinateX/Y as concord pick or RELION write them), Fourier-binned with --bin-to, background
            normalised (mean 0, σ 1 outside 75% of the half box), optionally contrast-inverted and phase-flipped with the
            micrograph's CTF. Writes DIR/<mic>_particles.mrcs and DIR/particles.star (RELION 3.1), with gold-standard
            half-sets (rlnRandomSubset 1/2) drawn balanced with --seed, or kept from the coordinates with --keep-subsets.

            Examples:
              concord extract CtfFind/job003/micrographs_ctf.star --coordinates AutoPick/job004/coordinates.star --box 256 --bin-to 64 --invert -o Extract/job005
              concord extract mics/*.mrc --coordinates picks/coordinates.star --box 128 --phase-flip --ctf ctf/micrographs_ctf.star -o particles
            """);
        command.Arguments.Add(flags.Micrographs);
        foreach (var option in flags.Options)
            command.Options.Add(option);
        VerbAction.Bind(command, global, stdout, stderr, (parse, ctx) => Run(parse, ctx, flags));
        return command;
    }

    private static int Run(ParseResult parse, VerbContext ctx, Flags flags)
    {
        var clock = Stopwatch.StartNew();
        int box = parse.GetValue(flags.Box);
        var options = new ExtractionOptions
        {
            BoxSizePx = box,
            RescaledBoxSizePx = parse.GetValue(flags.BinTo),
            InvertContrast = parse.GetValue(flags.Invert),
            MaxDegreeOfParallelism = ctx.Threads,
        };
        options.Validate();
        string? ctfPath = parse.GetValue(flags.Ctf);
        bool phaseFlip = parse.GetValue(flags.PhaseFlip);
        if (phaseFlip && ctfPath is null)
            throw new InvalidParameterException("--phase-flip", "needs the micrographs' CTF: --ctf micrographs_ctf.star.");
        var ctfs = ctfPath is null ? null : ReadCtf(ctfPath);
        var inputs = CtfOutput.ResolveInputs(parse.GetValue(flags.Micrographs)!, parse.GetValue(flags.PixelSize));
        string coordinatesPath = parse.GetValue(flags.Coordinates)!;
        var coordinates = ReadCoordinates(coordinatesPath);
        var subsets = parse.GetValue(flags.KeepSubsets) ? ReadSubsets(coordinatesPath) : null;
        if (parse.GetValue(flags.KeepSubsets) && subsets is null)
            ctx.Say($"{coordinatesPath} has no rlnRandomSubset; every half-set is drawn");
        var existingSubsets = new List<int>();
        string dir = parse.GetValue(flags.Output)!;
        Directory.CreateDirectory(dir);
        using var fft = FftBackends.Create(maxDegreeOfParallelism: 1);
        var particles = new List<ParticleRecord>();
        var stacks = new List<MicrographSummary>();
        var failures = new List<Failure>();
        double pixelA = double.NaN;
        foreach (var input in inputs)
        {
            ctx.Cancellation.ThrowIfCancellationRequested();
            try
            {
                var picks = Lookup(coordinates, input.Name) ?? [];
                if (picks.Count == 0)
                {
                    ctx.Say($"{input.Name}: no coordinates; skipped");
                    continue;
                }
                var ctf = ctfs is null ? null : Lookup(ctfs, input.Name)
                    ?? throw new InvalidParameterException("--ctf", $"{ctfPath} has no CTF for {input.Name}.");
                var (summary, records, keptIndices, a) = ExtractOne(input, picks, options with { PhaseFlipCtf = phaseFlip ? ctf : null }, ctf, dir, fft);
                stacks.Add(summary);
                particles.AddRange(records);
                var given = subsets is null ? null : Lookup(subsets, input.Name);
                existingSubsets.AddRange(keptIndices.Select(k => given is null ? 0 : given[k]));
                pixelA = a;
            }
            catch (Exception e) when (e is ConcordException or IOException or UnauthorizedAccessException or InvalidDataException)
            {
                failures.Add(new Failure(input.Name, e.Message));
                ctx.Error.WriteLine($"error: {input.Name}: {e.Message}");
            }
        }
        if (stacks.Count == 0)
            throw new ConcordException($"no micrograph could be extracted ({failures.Count} failed, {inputs.Count - failures.Count} without coordinates in {parse.GetValue(flags.Coordinates)}).");
        var reference = ctfs?.Values.FirstOrDefault();
        var optics = new OpticsGroup(1, "opticsGroup1", pixelA, options.RescaledBoxSizePx ?? box, reference?.VoltageKv ?? parse.GetValue(flags.Voltage),
            reference?.SphericalAberrationMm ?? parse.GetValue(flags.Cs), reference?.AmplitudeContrast ?? parse.GetValue(flags.AmplitudeContrast));
        var halves = HalfSets.Assign(existingSubsets, parse.GetValue(flags.Seed));
        particles = particles.Select((p, i) => p with { RandomSubset = halves[i] }).ToList();
        string star = Path.Combine(dir, "particles.star");
        RelionParticles.Write(star, [optics], particles);
        var result = new Summary(inputs.Count, stacks.Count, particles.Count, stacks.Sum(s => s.DroppedAtEdges), optics.ImageSize, pixelA, phaseFlip,
            halves.Count(h => h == 1), halves.Count(h => h == 2), existingSubsets.Count(h => h is 1 or 2), star, stacks, failures, clock.Elapsed.TotalSeconds);
        ctx.WriteJsonSummary(result);
        ctx.Say($"{particles.Count} particles ({optics.ImageSize} px, {pixelA:0.###} Å/px) from {stacks.Count} of {inputs.Count} micrographs in {result.Seconds:F1} s: {star}");
        if (result.DroppedAtEdges > 0)
            ctx.Say($"  {result.DroppedAtEdges} coordinates too close to an edge for the box were left out");
        return VerbAction.Success;
    }

    private static (MicrographSummary, List<ParticleRecord>, IReadOnlyList<int> KeptIndices, double PixelSizeA) ExtractOne(CtfOutput.Input input, IReadOnlyList<Pick> picks,
        ExtractionOptions options, CtfParameters? ctf, string dir, IFftBackend fft)
    {
        if (!File.Exists(input.Path))
            throw new FileNotFoundException($"{input.Path}: no such file.", input.Path);
        using var reader = MrcReader.Open(input.Path);
        using var micrograph = reader.ReadImage(0);
        if (input.PixelSizeA is double a)
            micrograph.PixelSizeA = a;
        using var extracted = new ParticleExtractor(fft).Extract(micrograph, picks, options);
        string stack = Path.Combine(dir, Path.GetFileNameWithoutExtension(input.Name) + "_particles.mrcs");
        MrcWriter.Write(stack, extracted.Particles);
        var records = extracted.Kept.Select((p, i) => new ParticleRecord(StarImageReference.ForIndex(stack, i), new Pose(0, 0, 0), ctf, 0, 1,
            new Dictionary<StarLabel, string>
            {
                [StarLabels.MicrographName] = input.Name,
                [StarLabels.CoordinateX] = F(p.XPx),
                [StarLabels.CoordinateY] = F(p.YPx),
                [StarLabels.AutopickFigureOfMerit] = F(p.Score),
            })).ToList();
        return (new MicrographSummary(input.Name, stack, picks.Count, extracted.Kept.Count, extracted.DroppedAtEdges), records, extracted.KeptIndices,
            extracted.Particles.PixelSizeA);
    }

    /// <summary>Picks per micrograph name from any table with rlnMicrographName and rlnCoordinateX/Y (figure of merit when present).</summary>
    internal static Dictionary<string, List<Pick>> ReadCoordinates(string path)
    {
        var table = FindTable(path, StarLabels.CoordinateX, "coordinates");
        bool fom = table.HasColumn(StarLabels.AutopickFigureOfMerit);
        var byMicrograph = new Dictionary<string, List<Pick>>(StringComparer.Ordinal);
        for (int r = 0; r < table.RowCount; r++)
        {
            string name = table.GetString(r, StarLabels.MicrographName);
            if (!byMicrograph.TryGetValue(name, out var list))
                byMicrograph[name] = list = [];
            list.Add(new Pick(table.GetDouble(r, StarLabels.CoordinateX), table.GetDouble(r, StarLabels.CoordinateY),
                fom ? table.GetDouble(r, StarLabels.AutopickFigureOfMerit) : 0));
        }
        return byMicrograph;
    }

    /// <summary>rlnRandomSubset per micrograph name, in the order of <see cref="ReadCoordinates"/>'s picks; null when the table has none.</summary>
    internal static Dictionary<string, List<int>>? ReadSubsets(string path)
    {
        var table = FindTable(path, StarLabels.CoordinateX, "coordinates");
        if (!table.HasColumn(StarLabels.RandomSubset))
            return null;
        var byMicrograph = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int r = 0; r < table.RowCount; r++)
        {
            string name = table.GetString(r, StarLabels.MicrographName);
            if (!byMicrograph.TryGetValue(name, out var list))
                byMicrograph[name] = list = [];
            list.Add(table.GetInt(r, StarLabels.RandomSubset));
        }
        return byMicrograph;
    }

    /// <summary>CTF per micrograph name from a micrographs CTF STAR (data_optics voltage, Cs, Q; data_micrographs defocus).</summary>
    internal static Dictionary<string, CtfParameters> ReadCtf(string path)
    {
        var document = StarReader.Read(path);
        var table = FindTable(path, StarLabels.DefocusU, "CTF");
        var optics = document.Find("optics")?.Loop;
        double Optic(StarLabel label, double fallback) => optics is not null && optics.RowCount > 0 && optics.HasColumn(label) ? optics.GetDouble(0, label) : fallback;
        var result = new Dictionary<string, CtfParameters>(StringComparer.Ordinal);
        for (int r = 0; r < table.RowCount; r++)
        {
            double u = table.GetDouble(r, StarLabels.DefocusU);
            result[table.GetString(r, StarLabels.MicrographName)] = new CtfParameters
            {
                VoltageKv = Optic(StarLabels.Voltage, 300),
                SphericalAberrationMm = Optic(StarLabels.SphericalAberration, 2.7),
                AmplitudeContrast = Optic(StarLabels.AmplitudeContrast, 0.1),
                DefocusUA = u,
                DefocusVA = table.HasColumn(StarLabels.DefocusV) ? table.GetDouble(r, StarLabels.DefocusV) : u,
                DefocusAngleDeg = table.HasColumn(StarLabels.DefocusAngle) ? table.GetDouble(r, StarLabels.DefocusAngle) : 0,
                PhaseShiftDeg = table.HasColumn(StarLabels.PhaseShift) ? table.GetDouble(r, StarLabels.PhaseShift) : 0,
            }.Validate();
        }
        return result;
    }

    private static StarTable FindTable(string path, StarLabel required, string what)
    {
        var document = StarReader.Read(path);
        return document.Blocks.Select(b => b.Loop).FirstOrDefault(l => l is not null && l.HasColumn(StarLabels.MicrographName) && l.HasColumn(required))
            ?? throw new InvalidParameterException(what, $"{path}: no table with rlnMicrographName and {required.Tag}.");
    }

    /// <summary>The entry for a micrograph: by its name as written, else by file name (STAR files from another folder).</summary>
    internal static T? Lookup<T>(IReadOnlyDictionary<string, T> table, string name) where T : class =>
        table.TryGetValue(name, out var exact) ? exact
        : table.FirstOrDefault(kv => string.Equals(Path.GetFileName(kv.Key), Path.GetFileName(name), StringComparison.Ordinal)).Value;

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>The verb's argument and options.</summary>
    private sealed class Flags
    {
        public Argument<string[]> Micrographs { get; } = new("micrographs") { Description = "Micrograph MRC files, or micrograph STAR files (rlnMicrographName).", Arity = ArgumentArity.OneOrMore };
        public Option<string> Output { get; } = new("--out", "-o") { Description = "Output folder (created).", Required = true };
        public Option<string> Coordinates { get; } = new("--coordinates") { Description = "Coordinates STAR (rlnMicrographName, rlnCoordinateX/Y), e.g. concord pick's coordinates.star.", Required = true };
        public Option<int> Box { get; } = new("--box") { Description = "Box edge in micrograph pixels (even).", Required = true };
        public Option<int?> BinTo { get; } = new("--bin-to") { Description = "Box edge after Fourier binning (even, ≤ --box)." };
        public Option<bool> Invert { get; } = new("--invert") { Description = "Invert contrast (protein bright, as refinement expects)." };
        public Option<bool> PhaseFlip { get; } = new("--phase-flip") { Description = "Flip phases where the CTF is negative (needs --ctf)." };
        public Option<string?> Ctf { get; } = new("--ctf") { Description = "Micrographs CTF STAR (concord ctf or RELION CtfFind): CTF columns in particles.star." };
        public Option<double?> PixelSize { get; } = new("--angpix") { Description = "Pixel size (Å); default: the MRC header, or the STAR file's optics group." };
        public Option<double> Voltage { get; } = new("--voltage") { Description = "Voltage (kV) for data_optics when no --ctf is given.", DefaultValueFactory = _ => 300 };
        public Option<double> Cs { get; } = new("--cs") { Description = "Spherical aberration (mm) for data_optics when no --ctf is given.", DefaultValueFactory = _ => 2.7 };
        public Option<double> AmplitudeContrast { get; } = new("--amplitude-contrast") { Description = "Amplitude contrast for data_optics when no --ctf is given.", DefaultValueFactory = _ => 0.1 };

        public Option<int> Seed { get; } = new("--seed") { Description = "Seed of the half-set draw (rlnRandomSubset): the same seed gives the same halves.", DefaultValueFactory = _ => 1 };
        public Option<bool> KeepSubsets { get; } = new("--keep-subsets") { Description = "Keep rlnRandomSubset 1/2 where the coordinates STAR has it (re-extraction); draw only the rest." };

        public IEnumerable<Option> Options => [Output, Coordinates, Box, BinTo, Invert, PhaseFlip, Ctf, PixelSize, Voltage, Cs, AmplitudeContrast, Seed, KeepSubsets];
    }
}
