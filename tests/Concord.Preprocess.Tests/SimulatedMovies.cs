using Concord.Core.Fourier;
using Concord.Core.Imaging;
using Concord.Simulation.Movies;

namespace Concord.Preprocess.Tests;

/// <summary>A rendered movie with its ground truth.</summary>
internal sealed record SimulatedMovie(ImageStack Frames, MotionModel Motion, CameraModel Camera, float[] Truth) : IDisposable
{
    public void Dispose() => Frames.Dispose();
}

/// <summary>Movies with known motion and camera from Concord.Simulation, small enough for the reference DFT.</summary>
internal static class SimulatedMovies
{
    /// <summary>Shared by all tests: the reference backend holds only immutable plans.</summary>
    public static readonly ReferenceDftBackend Fft = new();

    /// <summary>The fast test backend for power-of-two sizes (checked against <see cref="Fft"/>).</summary>
    public static readonly Infrastructure.Radix2FftBackend FastFft = new();

    /// <summary>A specimen phase image of random Gaussian blobs (σ 1.5–3.5 px).</summary>
    public static float[] BlobPhase(int width, int height, int seed, int blobs, double amplitude)
    {
        var random = new Random(seed);
        var phase = new float[width * height];
        for (int b = 0; b < blobs; b++)
        {
            double cx = random.NextDouble() * width, cy = random.NextDouble() * height, s = 1.5 + (2 * random.NextDouble());
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    // Periodic distance, so the specimen has no seam where the renderer's Fourier shift wraps it.
                    double dx = Wrap(x - cx, width), dy = Wrap(y - cy, height);
                    phase[(y * width) + x] += (float)(amplitude * Math.Exp(-((dx * dx) + (dy * dy)) / (2 * s * s)));
                }
        }
        return phase;
    }

    public static SimulatedMovie Render(int width, int height, double pixelSizeA, MotionModel motion, CameraModel camera, ExposureModel exposure,
        float[] phase, int seed, IceModel? ice = null, IFftBackend? fft = null)
    {
        var stack = new ImageStack(width, height, exposure.Frames, pixelSizeA);
        var truth = new MovieRenderer(fft ?? Fft).Render(phase, width, height, pixelSizeA, ReadOnlySpan<float>.Empty, motion, camera,
            ice ?? new IceModel(ThicknessA: 0, StructureScale: 0), exposure, seed, (f, frame) => frame.CopyTo(stack.Slice(f)));
        return new SimulatedMovie(stack, motion, camera, truth);
    }

    /// <summary>The alignment shift the truth implies for frame f at (x, y): −(d_f(x, y) − d_ref(x, y)).</summary>
    public static (double X, double Y) TrueAlignmentShift(MotionModel motion, int frame, int reference, double x, double y)
    {
        var (fx, fy) = motion.Total(frame, x, y);
        var (rx, ry) = motion.Total(reference, x, y);
        return (-(fx - rx), -(fy - ry));
    }

    private static double Wrap(double d, int n) => d - (n * Math.Round(d / n));
}
