using Concord.Core;
using Concord.Core.Fourier;
using Concord.Core.Projection;

namespace Concord.Simulation.Movies;

/// <summary>A particle in a micrograph: centre (px, sub-pixel), orientation (RELION matrix A), and which projector (conformation or junk model) draws it.</summary>
public readonly record struct PlacedParticle(double X, double Y, Rotation3f Rotation, int Model);

/// <summary>Vitreous ice of a micrograph: thickness (Å) with a linear gradient across the field, and its structural noise.</summary>
/// <param name="ThicknessA">Thickness at the centre of the field.</param>
/// <param name="GradientFraction">Relative thickness change from the left to the right edge (0.2: ±10%).</param>
/// <param name="StructureScale">Amplitude of the ice's structural phase noise relative to amorphous water (<see cref="AmorphousIce"/>): 1 is physical, 0 none.</param>
/// <param name="CrystallineFraction">Share of the ice that is hexagonal, with its Bragg ring at 3.67 Å (0 for perfectly vitreous ice).</param>
public sealed record IceModel(double ThicknessA = 400, double GradientFraction = 0.2, double StructureScale = 1.0, double CrystallineFraction = 0.0)
{
    /// <summary>Inelastic mean free path at 300 kV with an energy filter, in Å (Rice et al. 2018 report ≈ 3,000–4,000 Å).</summary>
    public const double InelasticMeanFreePathA = 3500;

    public double ThicknessAt(double x, int width) => ThicknessA * (1 + GradientFraction * (x / width - 0.5));
}

/// <summary>
/// Builds the projected phase image of a micrograph's specimen: particles (Fourier-slice projections placed with
/// sub-pixel accuracy), contamination and ice structure, in radians of phase shift (weak-phase approximation).
/// </summary>
public sealed class SpecimenComposer
{
    private readonly IReadOnlyList<FourierProjector> _projectors;
    private readonly IFftBackend _fft;

    /// <param name="projectors">One projector per model (conformations, junk fragments), all of the same box size and pixel size.</param>
    public SpecimenComposer(IReadOnlyList<FourierProjector> projectors, IFftBackend fft)
    {
        if (projectors.Count == 0)
            throw new InvalidParameterException("projectors", "at least one model is needed.");
        if (projectors.Any(p => p.BoxSize != projectors[0].BoxSize))
            throw new ShapeMismatchException("Specimen models must share one box size.");
        _projectors = projectors;
        _fft = fft;
    }

    public int BoxSize => _projectors[0].BoxSize;

    /// <summary>Peak projected Σf of model 0 seen along z (a scale for contamination contrast).</summary>
    public double ParticleScale()
    {
        var image = new float[BoxSize * BoxSize];
        _projectors[0].Project(Rotation3f.Identity, image);
        return image.Max();
    }

    /// <summary>Adds every particle's projected Σf (Å per pixel column) into <paramref name="projected"/> (width × height).</summary>
    public void AddParticles(Span<float> projected, int width, int height, IReadOnlyList<PlacedParticle> particles, int maxDegreeOfParallelism = -1)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(projected.Length, (long)width * height, "specimen image");
        int n = BoxSize;
        var shape = new FftShape(n, n);
        var boxes = new float[particles.Count][];
        Parallel.For(0, particles.Count, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, i =>
        {
            var p = particles[i];
            if ((uint)p.Model >= (uint)_projectors.Count)
                throw new InvalidParameterException("particle model", $"{p.Model} is not one of the {_projectors.Count} models.");
            var spectrum = new Complex32[shape.ComplexLength];
            _projectors[p.Model].ProjectSpectrum(p.Rotation, spectrum);
            // Sub-pixel position: shift the centred projection by the fractional part before going to real space.
            PhaseShift.ApplyToSpectrum(spectrum, shape, p.X - Math.Floor(p.X), p.Y - Math.Floor(p.Y));
            SpectrumCentering.Apply(spectrum, shape, -1);
            var box = new float[n * n];
            _fft.GetPlan(shape).Inverse(spectrum, box);
            boxes[i] = box;
        });
        for (int i = 0; i < particles.Count; i++)
            Paste(projected, width, height, boxes[i], n, (int)Math.Floor(particles[i].X) - n / 2, (int)Math.Floor(particles[i].Y) - n / 2);
    }

    /// <summary>
    /// Adds the structural fluctuations of the ice to <paramref name="projected"/>, in the units of
    /// <see cref="AddParticles"/> (projected Σf, Å per pixel column): Gaussian noise with the power spectrum of
    /// <see cref="AmorphousIce.ProjectedPowerSpectralDensity"/> for 1,000 Å of ice, scaled per column by
    /// √(thickness / 1,000 Å) because independent layers add their powers. White noise of unit variance per pixel
    /// has the density p² (p the pixel size); a column sums the density over p², hence the filter p·√P(q).
    /// Frequencies up to Nyquist only (the detector's pixels average finer detail away). Deterministic per seed.
    /// </summary>
    public void AddIceStructure(Span<float> projected, int width, int height, double pixelSizeA, IceModel ice, int seed)
    {
        ShapeMismatchException.ThrowIfLengthDiffers(projected.Length, (long)width * height, "ice image");
        if (ice.StructureScale <= 0)
            return;
        const double referenceA = 1000;
        var shape = new FftShape(width, height);
        var noise = new float[shape.RealLength];
        var random = new Random(seed);
        for (int i = 0; i < noise.Length; i++)
            noise[i] = (float)MotionModel.Gaussian(random);
        var spectrum = new Complex32[shape.ComplexLength];
        var plan = _fft.GetPlan(shape);
        plan.Forward(noise, spectrum);
        FourierLayout.ForEach(shape, (i, kx, ky, _) =>
        {
            double fx = kx / (width * pixelSizeA), fy = ky / (height * pixelSizeA);
            double psd = AmorphousIce.ProjectedPowerSpectralDensity(Math.Sqrt(fx * fx + fy * fy), referenceA, ice.CrystallineFraction);
            spectrum[i] *= (float)(ice.StructureScale * pixelSizeA * Math.Sqrt(psd));
        });
        // The mean is the inner potential, a uniform phase the renderer drops anyway.
        spectrum[0] = Complex32.Zero;
        plan.Inverse(spectrum, noise);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                projected[y * width + x] += (float)(noise[y * width + x] * Math.Sqrt(Math.Max(ice.ThicknessAt(x, width), 0) / referenceA));
    }

    private static void Paste(Span<float> target, int width, int height, float[] box, int n, int left, int top)
    {
        for (int y = 0; y < n; y++)
        {
            int ty = top + y;
            if (ty < 0 || ty >= height)
                continue;
            for (int x = 0; x < n; x++)
            {
                int tx = left + x;
                if (tx >= 0 && tx < width)
                    target[ty * width + tx] += box[y * n + x];
            }
        }
    }
}
