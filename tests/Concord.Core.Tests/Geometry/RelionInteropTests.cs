using System.Diagnostics;
using System.Globalization;

using Concord.Core.Geometry;
using Concord.Core.Tests.Infrastructure;

namespace Concord.Core.Tests.Geometry;

/// <summary>Compares Concord's symmetry operators and Euler decomposition with RELION's own output.</summary>
public class RelionInteropTests
{
    private static readonly string[] Groups = ["C7", "D5", "T", "O", "I1", "I2", "I3", "I4", "C4v", "D3h", "Td", "Oh", "I3h"];

    [FactRequiresRelion]
    public void SymmetryOperators_AndTheirEulerAngles_MatchRelionRefine()
    {
        foreach (string name in Groups)
        {
            var relion = ReadRelionOperators(name);
            var group = PointGroup.Parse(name);
            Assert.Equal(relion.Count, group.Order);
            foreach (var (matrix, angles) in relion)
            {
                // RELION prints 5 to 8 significant digits depending on the value.
                Assert.True(group.Operators.Any(s => s.MaxAbsDifference(matrix) < 1e-4), $"{name}: RELION operator {matrix} is missing");
                if (angles is { } printed && matrix.Determinant > 0)
                {
                    var ours = EulerAngles.FromMatrix(matrix);
                    Assert.True(AnglesAgree(ours, printed), $"{name}: {matrix} gives {ours}, RELION printed {printed}");
                }
            }
        }
    }

    // RELION prints angles with 6 significant digits; compare on the circle, and through the matrix when the tilt
    // is so close to 0/180 that the print rounding can move the decomposition between branches.
    private static bool AnglesAgree(EulerAngles a, EulerAngles b)
    {
        static double Wrap(double d) => Math.Abs(Math.IEEERemainder(d, 360));
        bool direct = Wrap(a.Rot - b.Rot) < 1e-3 && Math.Abs(a.Tilt - b.Tilt) < 1e-3 && Wrap(a.Psi - b.Psi) < 1e-3;
        return direct || a.ToMatrix().MaxAbsDifference(b.ToMatrix()) < 1e-4;
    }

    private static List<(Matrix3 Matrix, EulerAngles? Angles)> ReadRelionOperators(string name)
    {
        var info = new ProcessStartInfo(RelionLocator.Find("relion_refine")!, ["--sym", name, "--print_symmetry_ops"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        using var process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit(30_000);
        var lines = output.Split('\n');
        var result = new List<(Matrix3, EulerAngles?)>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].TrimStart().StartsWith("R(", StringComparison.Ordinal))
                continue;
            var v = lines.Skip(i + 1).Take(3).SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();
            var matrix = new Matrix3(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
            EulerAngles? angles = null;
            if (i + 4 < lines.Length && lines[i + 4].Contains("Euler angles:", StringComparison.Ordinal))
            {
                var a = lines[i + 4].Split(':')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();
                angles = new EulerAngles(a[0], a[1], a[2]);
            }

            result.Add((matrix, angles));
        }

        return result;
    }
}
