using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Imaging;

namespace Concord.Reconstruct.Fsc;

/// <summary>The curves of a masked gold-standard FSC with the phase-randomisation correction.</summary>
public sealed record MaskedFscResult(
    FscCurve Unmasked,
    FscCurve Masked,
    FscCurve PhaseRandomizedMasked,
    FscCurve Corrected,
    int RandomizedFromShell);

/// <summary>
/// Masked FSC corrected for the correlation the mask itself introduces (Chen et al. 2013), as relion_postprocess does:
/// phases of both half maps are randomised from the first shell s ≥ 1 where the unmasked FSC drops below
/// <c>randomizeBelowFsc</c> (0.8 in RELION; every component with |k| ≥ s), the randomised maps are masked and
/// correlated (FSC_n), and FSC_true = (FSC_t − FSC_n) / (1 − FSC_n) is used from shell s + 2 on; below it the masked
/// FSC is kept (RELION moved the switch two shells up to avoid artefacts at the randomisation edge).
/// </summary>
public static class MaskedFsc
{
    public static MaskedFscResult Compute(Volume half1, Volume half2, Volume mask, IFftBackend fft, int seed = 0, double randomizeBelowFsc = 0.8)
    {
        half1.RequireSameShape(half2, "masked FSC half maps");
        half1.RequireSameShape(mask, "masked FSC mask");
        // Each half map is transformed once: its spectrum gives the unmasked FSC and is the start of its phase randomisation.
        var shape = new FftShape(half1.NX, half1.NY, half1.NZ);
        var plan = fft.GetPlan(shape);
        var spectrum1 = new Complex32[shape.ComplexLength];
        var spectrum2 = new Complex32[shape.ComplexLength];
        plan.Forward(half1.Span, spectrum1);
        plan.Forward(half2.Span, spectrum2);
        var unmasked = FourierShellCorrelation.FromSpectra(spectrum1, spectrum2, shape, half1.PixelSizeA);
        using var m1 = MaskedCopy(half1, mask);
        using var m2 = MaskedCopy(half2, mask);
        var masked = FourierShellCorrelation.Compute(m1, m2, fft);

        int first = unmasked.FirstShellBelow(randomizeBelowFsc);
        int randomizeAt = first < 0 ? unmasked.ShellCount - 1 : first;
        using var r1 = RandomizedMasked(spectrum1, half1, mask, randomizeAt, seed, plan);
        using var r2 = RandomizedMasked(spectrum2, half2, mask, randomizeAt, seed + 1, plan);
        var random = FourierShellCorrelation.Compute(r1, r2, fft);

        var corrected = new double[masked.ShellCount];
        for (int s = 0; s < corrected.Length; s++)
        {
            double fn = random.Fsc[s];
            corrected[s] = s >= randomizeAt + 2 && fn < 1 ? (masked.Fsc[s] - fn) / (1 - fn) : masked.Fsc[s];
        }
        return new MaskedFscResult(unmasked, masked, random, masked with { Fsc = corrected }, randomizeAt);
    }

    private static Volume MaskedCopy(Volume map, Volume mask)
    {
        var copy = map.Clone();
        System.Numerics.Tensors.TensorPrimitives.Multiply(copy.Span, mask.Span, copy.Span);
        return copy;
    }

    /// <summary>Randomises <paramref name="spectrum"/> (the map's own transform, consumed) from the shell on, back to real space, masked.</summary>
    private static Volume RandomizedMasked(Complex32[] spectrum, Volume map, Volume mask, int fromShell, int seed, IRealFft plan)
    {
        PhaseRandomization.RandomizeFrom(spectrum, plan.Shape, fromShell, seed);
        var result = Volume.CreateUninitialized(map.NX, map.NY, map.NZ, map.PixelSizeA);
        plan.Inverse(spectrum, result.Span);
        System.Numerics.Tensors.TensorPrimitives.Multiply(result.Span, mask.Span, result.Span);
        return result;
    }
}
