using Concord.Preprocess.Methods.Motion;

namespace Concord.Preprocess.Tests.Motion;

public class RelionLocalModelTests
{
    /// <summary>RELION's getShiftAt (X = x/W − 0.5, Y = y/H − 0.5, z = 0-based frame, index 3·j + p − 1) written out here
    /// independently, evaluated on the converted coefficients, must equal Concord's model everywhere.</summary>
    [Fact]
    public void Relion_coefficients_evaluate_to_the_same_local_shifts()
    {
        var random = new Random(3);
        var cx = Enumerable.Range(0, 18).Select(_ => random.NextDouble() - 0.5).ToArray();
        var cy = Enumerable.Range(0, 18).Select(_ => random.NextDouble() - 0.5).ToArray();
        var model = new LocalMotionModel(300, 200, 9, 0, cx, cy);
        var relion = model.ToRelionCoefficients();
        Assert.Equal(36, relion.Length);
        foreach (var (x, y, f) in new[] { (0.0, 0.0, 0), (150.0, 100.0, 4), (299.0, 17.0, 8), (42.0, 199.0, 3) })
        {
            double u = (x / 300) - 0.5, v = (y / 200) - 0.5, z = f;
            double[] b = [1, u, u * u, v, v * v, u * v];
            double rx = 0, ry = 0;
            for (int j = 0; j < 6; j++)
                for (int p = 1; p <= 3; p++)
                {
                    rx += relion[(3 * j) + p - 1] * Math.Pow(z, p) * b[j];
                    ry += relion[18 + (3 * j) + p - 1] * Math.Pow(z, p) * b[j];
                }
            var (ex, ey) = model.Evaluate(x, y, f);
            Assert.Equal(ex, rx, 9);
            Assert.Equal(ey, ry, 9);
        }
        Assert.Throws<Core.InvalidParameterException>(() => new LocalMotionModel(300, 200, 9, 2, cx, cy).ToRelionCoefficients());
    }
}
