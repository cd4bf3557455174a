using Concord.Core;
using Concord.Core.Ctf;
using Concord.Core.Fourier;
using Concord.Core.Geometry;
using Concord.Core.Projection;

namespace Concord.Reconstruct.Backprojection;

/// <summary>
/// Turns a particle image with its RELION pose and CTF into what the back-projector inserts, with relion_reconstruct's
/// semantics: the centred spectrum of the image shifted by +origin (rlnOriginX/YAngst bring the particle to the box
/// centre), the CTF evaluated on the same grid (multiplied in by the back-projector, squared into the weights), and
/// the rotation A of (rot, tilt, psi).
/// </summary>
public static class ParticleSpectra
{
    public static void Fill(ParticleSlot slot, ReadOnlySpan<float> image, int boxSize, Pose pose, CtfParameters? ctf, double pixelSizeA, IFftBackend fft)
    {
        var shape = new FftShape(boxSize, boxSize);
        ShapeMismatchException.ThrowIfLengthDiffers(image.Length, shape.RealLength, "particle image");
        fft.GetPlan(shape).Forward(image, slot.Spectrum);
        SpectrumCentering.Apply(slot.Spectrum, shape, +1);
        var (sx, sy) = pose.CentringShiftPx(pixelSizeA);
        if (sx != 0 || sy != 0)
            PhaseShift.ApplyToSpectrum(slot.Spectrum, shape, sx, sy);
        slot.Rotation = Rotation3f.FromMatrix(pose.Matrix);
        slot.HasCtf = ctf is not null;
        if (ctf is not null)
            CtfImage.FillHalfComplex(new CtfModel(ctf), shape, pixelSizeA, slot.Ctf, maxDegreeOfParallelism: 1);
    }
}
