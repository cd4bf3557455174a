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
    int RandomizedBeyondShell);

/// <summary>
/// Masked FSC corrected for the correlation the mask itself introduces (Chen et al. 2013), as relion_postprocess does:
/// phases of both half maps are randomised beyond the shell where the unmasked FSC first drops below
/// <c>randomizeBelowFsc</c> (0.8 in RELION), the randomised maps are masked and correlated (FSC_n), and
/// FSC_true = (FSC_t − FSC_n) / (1 − FSC_n) is used from two shells past the randomisation shell on (below it the
/// masked FSC is kept, since there the randomised maps equal the originals).
/// </summary>
public static class MaskedFsc
{
    public static MaskedFscResult Compute(Volume half1, Volume half2, Volume mask, IFftBackend fft, int seed = 0, double randomizeBelowFsc = 0.8)
    {
        half1.RequireSameShape(half2, "masked FSC half maps");
        half1.RequireSameShape(mask, "masked FSC mask");
        var unmasked = FourierShellCorrelation.Compute(half1, half2, fft);
        using var m1 = MaskedCopy(half1, mask);
        using var m2 = MaskedCopy(half2, mask);
        var masked = FourierShellCorrelation.Compute(m1, m2, fft);

        int first = unmasked.FirstShellBelow(randomizeBelowFsc);
        int randomizeAt = first < 0 ? unmasked.ShellCount - 1 : first;
        using var r1 = RandomizedMasked(half1, mask, randomizeAt, seed, fft);
        using var r2 = RandomizedMasked(half2, mask, randomizeAt, seed + 1, fft);
        var random = FourierShellCorrelation.Compute(r1, r2, fft);

        var corrected = new double[masked.ShellCount];
        for (int s = 0; s < corrected.Length; s++)
        {
            double fn = random.Fsc[s];
            corrected[s] = s > randomizeAt + 2 && fn < 1 ? (masked.Fsc[s] - fn) / (1 - fn) : masked.Fsc[s];
        }
        return new MaskedFscResult(unmasked, masked, random, masked with { Fsc = corrected }, randomizeAt);
    }

    private static Volume MaskedCopy(Volume map, Volume mask)
    {
        var copy = map.Clone();
        System.Numerics.Tensors.TensorPrimitives.Multiply(copy.Span, mask.Span, copy.Span);
        return copy;
    }

    private static Volume RandomizedMasked(Volume map, Volume mask, int beyondShell, int seed, IFftBackend fft)
    {
        var shape = new FftShape(map.NX, map.NY, map.NZ);
        var plan = fft.GetPlan(shape);
        var spectrum = new Complex32[shape.ComplexLength];
        plan.Forward(map.Span, spectrum);
        PhaseRandomization.RandomizeBeyond(spectrum, shape, beyondShell, seed);
        var result = Volume.CreateUninitialized(map.NX, map.NY, map.NZ, map.PixelSizeA);
        plan.Inverse(spectrum, result.Span);
        System.Numerics.Tensors.TensorPrimitives.Multiply(result.Span, mask.Span, result.Span);
        return result;
    }
}
