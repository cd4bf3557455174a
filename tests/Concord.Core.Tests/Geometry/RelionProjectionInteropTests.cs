using System.Diagnostics;

using Concord.Core.Geometry;
using Concord.Core.Tests.Infrastructure;

namespace Concord.Core.Tests.Geometry;

/// <summary>
/// Pins the direction of rotation and the origin sign end to end: a map with one off-centre Gaussian blob is projected by
/// relion_project, and the blob must land where <see cref="EulerAngles.ToMatrix"/> and <see cref="Pose"/> predict:
/// at c + (A·r)ₓᵧ − origin/pixel (to 0.25 px: relion_project interpolates in Fourier space; a wrong sign or
/// transposed matrix moves the blob by several pixels).
/// </summary>
public class RelionProjectionInteropTests
{
    private const int Box = 48;

    [FactRequiresRelion]
    public void RelionProject_PutsBlobWhereConcordPredicts()
    {
        var blob = new Vector3d(9, -5, 4);
        string dir = Directory.CreateTempSubdirectory("concord-geometry-").FullName;
        try
        {
            string map = Path.Combine(dir, "blob.mrc");
            WriteVolume(map, blob);
            var poses = new[] { new Pose(0, 0, 0), new Pose(90, 0, 0), new Pose(30, 60, -20), new Pose(-140, 115, 75, 3, -2), new Pose(10, 170, 40, -4, 1) };
            for (int i = 0; i < poses.Length; i++)
            {
                var pose = poses[i];
                var (x, y) = ProjectAndLocate(dir, map, pose, i);
                var inFrame = pose.Matrix * blob;
                var (cx, cy) = pose.ParticleCentrePx(Box, Box, pixelSizeA: 1.0);
                Assert.True(Math.Abs(x - (cx + inFrame.X)) < 0.25 && Math.Abs(y - (cy + inFrame.Y)) < 0.25,
                    $"{pose}: RELION blob at ({x:F3}, {y:F3}), Concord predicts ({cx + inFrame.X:F3}, {cy + inFrame.Y:F3})");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (double X, double Y) ProjectAndLocate(string dir, string map, Pose pose, int index)
    {
        string output = Path.Combine(dir, $"proj{index}.mrc");
        string[] args = ["--i", map, "--o", output, "--angpix", "1",
            "--rot", F(pose.Angles.Rot), "--tilt", F(pose.Angles.Tilt), "--psi", F(pose.Angles.Psi),
            "--xoff", F(pose.OriginXA), "--yoff", F(pose.OriginYA)];
        var info = new ProcessStartInfo(RelionLocator.Find("relion_project")!, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dir,
        };
        using var process = Process.Start(info)!;
        string log = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit(60_000);
        Assert.True(process.ExitCode == 0, $"relion_project failed: {log}");
        return Centroid(ReadImage(output));
    }

    private static string F(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static void WriteVolume(string path, Vector3d blob)
    {
        var data = new float[Box * Box * Box];
        int c = Box / 2;
        for (int z = 0; z < Box; z++)
            for (int y = 0; y < Box; y++)
                for (int x = 0; x < Box; x++)
                {
                    double dx = x - c - blob.X, dy = y - c - blob.Y, dz = z - c - blob.Z;
                    data[(z * Box + y) * Box + x] = (float)Math.Exp(-(dx * dx + dy * dy + dz * dz) / (2 * 1.5 * 1.5));
                }

        using var writer = new BinaryWriter(File.Create(path));
        var header = new byte[1024];
        void Int(int word, int value) => BitConverter.TryWriteBytes(header.AsSpan(4 * word), value);
        void Float(int word, float value) => BitConverter.TryWriteBytes(header.AsSpan(4 * word), value);
        Int(0, Box); Int(1, Box); Int(2, Box); Int(3, 2);
        Int(7, Box); Int(8, Box); Int(9, Box);
        Float(10, Box); Float(11, Box); Float(12, Box);
        Float(13, 90); Float(14, 90); Float(15, 90);
        Int(16, 1); Int(17, 2); Int(18, 3);
        Float(20, 1); Int(22, 1);
        "MAP "u8.CopyTo(header.AsSpan(208));
        header[212] = 0x44; header[213] = 0x44;
        writer.Write(header);
        foreach (float v in data)
            writer.Write(v);
    }

    private static (int Width, int Height, float[] Pixels) ReadImage(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int nx = BitConverter.ToInt32(bytes, 0), ny = BitConverter.ToInt32(bytes, 4), extended = BitConverter.ToInt32(bytes, 92);
        var pixels = new float[nx * ny];
        Buffer.BlockCopy(bytes, 1024 + extended, pixels, 0, pixels.Length * 4);
        return (nx, ny, pixels);
    }

    // Centroid of the positive part above half the maximum: the blob is compact, so this is its centre to ~0.01 px.
    private static (double X, double Y) Centroid((int Width, int Height, float[] Pixels) image)
    {
        float max = image.Pixels.Max();
        double sum = 0, sx = 0, sy = 0;
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                double v = image.Pixels[y * image.Width + x];
                if (v < 0.2 * max)
                    continue;
                sum += v;
                sx += v * x;
                sy += v * y;
            }

        return (sx / sum, sy / sum);
    }
}
