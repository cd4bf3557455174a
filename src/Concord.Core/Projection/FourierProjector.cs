using Concord.Core.Fourier;
using Concord.Core.Imaging;

namespace Concord.Core.Projection;

/// <summary>
/// Projects a volume at any orientation by extracting central slices from its padded 3D Fourier transform
/// (the Fourier slice theorem), with trilinear interpolation and gridding pre-correction, as RELION's Projector.
/// For an orientation with RELION matrix A, the 2D frequency k of the projection is read at Aᵀ·(kx, ky, 0)·padding.
/// Thread-safe after construction: many threads may project at once.
/// </summary>
public sealed class FourierProjector
{
    private readonly CenteredHalfGrid _grid;
    private readonly IFftBackend _fft;

    /// <param name="volume">Cubic map to project; its centre is voxel N/2.</param>
    /// <param name="fft">FFT backend (injected).</param>
    /// <param name="padding">Oversampling factor of the Fourier grid (2 as in RELION); higher is more accurate.</param>
    public FourierProjector(Volume volume, IFftBackend fft, int padding = 2)
    {
        if (!volume.IsCube)
            throw new InvalidDimensionsException($"Projection needs a cubic volume, got {volume.NX}×{volume.NY}×{volume.NZ}.");
        if (padding < 1 || padding > 4)
            throw new InvalidParameterException("padding", $"must be 1 to 4, got {padding}.");
        _fft = fft;
        BoxSize = volume.NX;
        Padding = padding;
        PixelSizeA = volume.PixelSizeA;
        int m = BoxSize * padding;
        _grid = new CenteredHalfGrid(m / 2, withWeights: false);
        Prepare(volume, m);
    }

    public int BoxSize { get; }
    public int Padding { get; }
    public double PixelSizeA { get; }

    /// <summary>Largest 2D frequency (in pixels of the N box) that projections contain: N/2.</summary>
    public int MaxRadius => BoxSize / 2;

    private void Prepare(Volume volume, int m)
    {
        int n = BoxSize;
        var shape = new FftShape(m, m, m);
        var padded = new float[shape.RealLength];
        var profile = GriddingCorrection.AxisProfile(n, m);
        int offset = m / 2 - n / 2;
        var src = volume.Span;
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
            {
                int row = ((z + offset) * m + y + offset) * m + offset;
                float pyz = profile[y] * profile[z];
                for (int x = 0; x < n; x++)
                    padded[row + x] = src[(z * n + y) * n + x] / (profile[x] * pyz);
            }
        var spectrum = new Complex32[shape.ComplexLength];
        _fft.GetPlan(shape).Forward(padded, spectrum);
        SpectrumCentering.Apply(spectrum, shape, +1);
        int r = _grid.Radius;
        long r2 = (long)r * r;
        for (int kz = -r; kz <= r; kz++)
            for (int ky = -r; ky <= r; ky++)
                for (int kx = 0; kx <= r; kx++)
                {
                    if ((long)kx * kx + ky * ky + kz * kz > r2)
                        continue;
                    _grid.Data[_grid.IndexOf(kx, ky, kz)] = spectrum[FourierLayout.HalfComplexIndex(kx, ky, kz, shape)];
                }
    }

    /// <summary>
    /// The centred half-complex spectrum (N/2+1)×N of the projection at RELION matrix <paramref name="a"/>
    /// (see <see cref="SpectrumCentering"/>); frequencies beyond N/2 are zero.
    /// </summary>
    public void ProjectSpectrum(in Rotation3f a, Span<Complex32> spectrum)
    {
        var shape = new FftShape(BoxSize, BoxSize);
        ShapeMismatchException.ThrowIfLengthDiffers(spectrum.Length, shape.ComplexLength, "projection spectrum");
        int n = BoxSize, hx = shape.HalfNX, rmax = MaxRadius;
        float p = Padding;
        // Columns of Aᵀ's first two columns = rows of A: frequency (kx, ky, 0) maps to kx·A[0,:] + ky·A[1,:].
        float ax = a.M00 * p, ay = a.M01 * p, az = a.M02 * p;
        float bx = a.M10 * p, by = a.M11 * p, bz = a.M12 * p;
        for (int yi = 0; yi < n; yi++)
        {
            int ky = FourierLayout.FrequencyOfIndex(yi, n);
            var row = spectrum.Slice(yi * hx, hx);
            for (int kx = 0; kx < hx; kx++)
            {
                if (kx * kx + ky * ky > rmax * rmax)
                {
                    row[kx] = Complex32.Zero;
                    continue;
                }
                row[kx] = _grid.Sample(kx * ax + ky * bx, kx * ay + ky * by, kx * az + ky * bz);
            }
        }
    }

    /// <summary>The N×N real-space projection at RELION matrix <paramref name="a"/>, centred at pixel N/2.</summary>
    public void Project(in Rotation3f a, Span<float> image)
    {
        var shape = new FftShape(BoxSize, BoxSize);
        ShapeMismatchException.ThrowIfLengthDiffers(image.Length, shape.RealLength, "projection image");
        var spectrum = new Complex32[shape.ComplexLength];
        ProjectSpectrum(a, spectrum);
        SpectrumCentering.Apply(spectrum, shape, -1);
        _fft.GetPlan(shape).Inverse(spectrum, image);
    }
}
