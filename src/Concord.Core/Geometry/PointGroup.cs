using System.Globalization;
using System.Text.RegularExpressions;

namespace Concord.Core.Geometry;

/// <summary>
/// A point group named as in RELION (Cn, Ci, Cs, Cnv, Cnh, Sn, Dn, Dnv, Dnh, T, Td, Th, O, Oh, I, I1–I4, Ih, I1h–I4h;
/// case-insensitive) with RELION's orientation settings (symmetries.cpp, <c>fill_symmetry_class</c>): Cn about z,
/// Dn with a 2-fold along x, T with a 3-fold on z and a 2-fold in the y-z plane, O with 4-folds on x, y, z, and the
/// icosahedral settings I1 (2-folds on x, y, z; 5-fold in the x-z plane at (φ, 0, −1)), I2 = I (2-folds on x, y, z; 5-fold
/// at (1, 0, φ)), I3 (5-fold on z, 2-fold at (−1, 0, φ)), I4 (5-fold at (2, 0, 1), 2-fold at (1, 0, φ)).
/// The operator list is the closure of RELION's generators, identity first.
/// </summary>
public sealed partial class PointGroup
{
    private const double ClosureTolerance = 1e-6;
    private const int MaxOrder = 1000;

    private static readonly double Phi = (1 + Math.Sqrt(5)) / 2;

    private PointGroup(string name, IReadOnlyList<Matrix3> operators)
    {
        Name = name;
        Operators = operators;
        Rotations = operators.Where(m => m.Determinant > 0).ToArray();
    }

    /// <summary>Canonical upper-case name ("C7", "D5", "I2"; "I" is reported as "I2", as RELION treats them alike).</summary>
    public string Name { get; }

    /// <summary>All operators (rotations, and reflections/inversions for the improper groups), identity first.</summary>
    public IReadOnlyList<Matrix3> Operators { get; }

    /// <summary>The proper rotations only (determinant +1), identity first: the operators that relate equivalent poses.</summary>
    public IReadOnlyList<Matrix3> Rotations { get; }

    public int Order => Operators.Count;

    public bool IsChiral => Rotations.Count == Operators.Count;

    public static PointGroup C1 { get; } = Parse("C1");

    /// <summary>Parses a RELION symmetry name; throws <see cref="InvalidParameterException"/> naming it when unknown.</summary>
    public static PointGroup Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = name.Trim().ToUpperInvariant();
        var generators = Generators(key);
        if (generators is null)
            throw new InvalidParameterException("symmetry", $"unknown point group '{name}'; expected a RELION name such as C1, C7, Ci, Cs, C4v, C4h, S4, D5, D5v, D5h, T, Td, Th, O, Oh, I, I1, I2, I3, I4, Ih or I1h–I4h.");
        string canonical = key switch { "I" => "I2", "IH" => "I2H", _ => key };
        return new PointGroup(canonical, Close(generators, name));
    }

    public static bool TryParse(string name, out PointGroup? group)
    {
        try
        {
            group = Parse(name);
            return true;
        }
        catch (InvalidParameterException)
        {
            group = null;
            return false;
        }
    }

    public override string ToString() => $"{Name} (order {Order})";

    [GeneratedRegex(@"^([CDS])(\d{1,2})([VH]?)$")]
    private static partial Regex AxialPattern();

    private static List<Matrix3>? Generators(string key)
    {
        var match = AxialPattern().Match(key);
        if (match.Success)
            return AxialGenerators(match.Groups[1].Value[0], int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), match.Groups[3].Value);
        var z = Vector3d.UnitZ;
        return key switch
        {
            "CI" => [Inversion],
            "CS" => [Matrix3.Reflection(z)],
            "T" => Tetrahedral(),
            "TD" => [.. Tetrahedral(), Matrix3.Reflection(new Vector3d(Math.Sqrt(2), Math.Sqrt(6), 0))],
            "TH" => [.. Tetrahedral(), Inversion],
            "O" => Octahedral(),
            "OH" => [.. Octahedral(), Matrix3.Reflection(new Vector3d(0, 1, 1))],
            "I" or "I2" => Icosahedral(2),
            "I1" => Icosahedral(1),
            "I3" => Icosahedral(3),
            "I4" => Icosahedral(4),
            "IH" or "I2H" => [.. Icosahedral(2), Matrix3.Reflection(Vector3d.UnitX)],
            "I1H" => [.. Icosahedral(1), Matrix3.Reflection(-z)],
            "I3H" => [.. Icosahedral(3), Matrix3.Reflection(new Vector3d(Phi, 0, 1))],
            "I4H" => [.. Icosahedral(4), Matrix3.Reflection(new Vector3d(Phi, 0, -1))],
            _ => null,
        };
    }

    private static Matrix3 Inversion => new(-1, 0, 0, 0, -1, 0, 0, 0, -1);

    private static List<Matrix3>? AxialGenerators(char family, int n, string suffix)
    {
        if (n < 1)
            return null;
        var z = Vector3d.UnitZ;
        switch (family)
        {
            case 'C':
                var c = new List<Matrix3> { Fold(z, n) };
                if (suffix == "V")
                    c.Add(Matrix3.Reflection(Vector3d.UnitY));
                else if (suffix == "H")
                    c.Add(Matrix3.Reflection(z));
                return c;
            case 'D':
                var d = new List<Matrix3> { Fold(z, n), Fold(Vector3d.UnitX, 2) };
                if (suffix == "V")
                    d.Add(Matrix3.Reflection(Vector3d.UnitX));
                else if (suffix == "H")
                    d.Add(Matrix3.Reflection(z));
                return d;
            default:
                // RELION defines Sn (n even) as an n/2-fold axis on z plus the inversion; odd n is refused.
                if (suffix.Length > 0 || n % 2 != 0)
                    return null;
                return [Fold(z, n / 2), Inversion];
        }
    }

    private static List<Matrix3> Tetrahedral() =>
        [Fold(Vector3d.UnitZ, 3), Fold(new Vector3d(0, Math.Sqrt(2.0 / 3.0), Math.Sqrt(1.0 / 3.0)), 2)];

    private static List<Matrix3> Octahedral() => [Fold(new Vector3d(1, 1, 1), 3), Fold(Vector3d.UnitZ, 4)];

    // RELION's axes (symmetries.cpp) written exactly: φ is the golden ratio, so (1, 0, φ)/|·| = (0.525731, 0, 0.850651).
    // RELION lists I3 and I4 axes to 10 digits; they are I2 turned about y by ∓atan(1/φ) (I2's 5-fold onto z for I3,
    // its z 2-fold onto (1, 0, φ) for I4), which is how they are built here so the group closes to machine precision.
    private static List<Matrix3> Icosahedral(int setting)
    {
        double s3 = Math.Sqrt(3);
        List<Matrix3> i2 = [Fold(Vector3d.UnitZ, 2), Fold(new Vector3d(1, 0, Phi), 5), Fold(new Vector3d(0, 1 / (Phi * s3), Phi / s3), 3)];
        double alphaDegrees = Math.Atan(1 / Phi) * (180.0 / Math.PI);
        return setting switch
        {
            1 => [Fold(Vector3d.UnitX, 2), Fold(new Vector3d(Phi, 0, -1), 5), Fold(new Vector3d(Phi / s3, 1 / (Phi * s3), 0), 3)],
            2 => i2,
            3 => Conjugate(i2, Matrix3.FromAxisAngle(Vector3d.UnitY, -alphaDegrees)),
            _ => Conjugate(i2, Matrix3.FromAxisAngle(Vector3d.UnitY, alphaDegrees)),
        };
    }

    private static List<Matrix3> Conjugate(List<Matrix3> operators, Matrix3 turn) =>
        operators.ConvertAll(s => turn * s * turn.Transpose());

    private static Matrix3 Fold(Vector3d axis, int n) => Matrix3.FromAxisAngle(axis, 360.0 / n);

    // Breadth-first closure under multiplication, as RELION's compute_subgroup, with duplicates merged within 1e-6.
    private static Matrix3[] Close(List<Matrix3> generators, string name)
    {
        var elements = new List<Matrix3> { Matrix3.Identity };
        var frontier = new Queue<Matrix3>();
        frontier.Enqueue(Matrix3.Identity);
        while (frontier.Count > 0)
        {
            var element = frontier.Dequeue();
            foreach (var generator in generators)
            {
                var product = generator * element;
                if (elements.Exists(e => e.ApproximatelyEquals(product, ClosureTolerance)))
                    continue;
                if (elements.Count >= MaxOrder)
                    throw new InvalidParameterException("symmetry", $"'{name}' does not close into a finite group of at most {MaxOrder} operators.");
                elements.Add(product);
                frontier.Enqueue(product);
            }
        }

        return [.. elements];
    }
}
