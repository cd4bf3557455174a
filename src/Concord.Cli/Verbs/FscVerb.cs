using System.CommandLine;
using Concord.Core.Fourier;
using Concord.IO.Mrc;
using Concord.IO.Star;
using Concord.Reconstruct.Fsc;

namespace Concord.Cli.Verbs;

/// <summary>`concord fsc A.mrc B.mrc [--mask M.mrc]`: Fourier shell correlation, masked with the phase-randomisation correction.</summary>
public sealed class FscVerb : IVerb
{
    public sealed record Summary(string MapA, string MapB, string? Mask, double ResolutionAt0143A, double ResolutionAt05A, double? UnmaskedAt0143A,
        int? RandomizedFromShell, string Star, string Png, IReadOnlyList<FscOutput.Point> Curve);

    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var a = new Argument<string>("mapA") { Description = "First map (e.g. half map 1)." };
        var b = new Argument<string>("mapB") { Description = "Second map (half map 2, or a reference/true map)." };
        var mask = new Option<string?>("--mask") { Description = "Soft mask (same box): masked FSC with the Chen et al. (2013) phase-randomisation correction." };
        var output = new Option<string?>("--out", "-o") { Description = "Output prefix for PREFIX.star and PREFIX.png (default: fsc next to map A)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the phase randomisation.", DefaultValueFactory = _ => 0 };
        var command = new Command("fsc", """
            Fourier shell correlation between two maps: resolution at FSC 0.143 (half maps) and 0.5 (against a
            reference), the curve as a STAR table and a PNG plot. With --mask, the masked FSC is corrected for the
            mask's own correlation by phase randomisation beyond the resolution where the unmasked FSC drops below 0.8,
            as relion_postprocess does.

            Examples:
              concord fsc half1.mrc half2.mrc
              concord fsc half1.mrc half2.mrc --mask mask.mrc -o postprocess_fsc --json
            """)
        { a, b, mask, output, seed };
        VerbAction.Bind(command, global, stdout, stderr, (parse, ctx) =>
        {
            string pathA = parse.GetValue(a)!, pathB = parse.GetValue(b)!;
            string? maskPath = parse.GetValue(mask);
            string prefix = parse.GetValue(output) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(pathA))!, "fsc");
            using var fft = FftBackends.Create(maxDegreeOfParallelism: ctx.Threads);
            using var mapA = ReadVolume(pathA);
            using var mapB = ReadVolume(pathB);
            Summary summary;
            if (maskPath is null)
            {
                var curve = FourierShellCorrelation.Compute(mapA, mapB, fft);
                FscOutput.Write(prefix + ".star", prefix + ".png", "FSC", ("FSC", curve, StarLabels.FourierShellCorrelation));
                summary = new Summary(pathA, pathB, null, curve.ResolutionAt(0.143), curve.ResolutionAt(0.5), null, null, prefix + ".star", prefix + ".png", FscOutput.Points(curve));
            }
            else
            {
                using var maskMap = ReadVolume(maskPath);
                var r = MaskedFsc.Compute(mapA, mapB, maskMap, fft, parse.GetValue(seed));
                FscOutput.Write(prefix + ".star", prefix + ".png", "masked FSC (phase-randomisation corrected)",
                    ("unmasked", r.Unmasked, StarLabels.FourierShellCorrelationUnmaskedMaps),
                    ("masked", r.Masked, StarLabels.FourierShellCorrelationMaskedMaps),
                    ("phase-randomised masked", r.PhaseRandomizedMasked, StarLabels.CorrectedFourierShellCorrelationPhaseRandomizedMaskedMaps),
                    ("corrected", r.Corrected, StarLabels.FourierShellCorrelationCorrected));
                summary = new Summary(pathA, pathB, maskPath, r.Corrected.ResolutionAt(0.143), r.Corrected.ResolutionAt(0.5), r.Unmasked.ResolutionAt(0.143),
                    r.RandomizedFromShell, prefix + ".star", prefix + ".png", FscOutput.Points(r.Corrected));
            }
            ctx.WriteJsonSummary(summary);
            ctx.Say($"FSC 0.143: {summary.ResolutionAt0143A:F2} Å   FSC 0.5: {summary.ResolutionAt05A:F2} Å" +
                (summary.UnmaskedAt0143A is double u ? $"   (unmasked 0.143: {u:F2} Å)" : ""));
            ctx.Say($"curve: {summary.Star}, plot: {summary.Png}");
            return VerbAction.Success;
        });
        return command;
    }

    internal static Core.Imaging.Volume ReadVolume(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such file.", path);
        using var reader = MrcReader.Open(path);
        return reader.ReadVolume();
    }
}
