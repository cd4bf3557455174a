using Concord.Core.Atoms;

namespace Concord.Simulation.Phantoms;

/// <summary>
/// Deterministic protein-like pseudo-atomic models: α-helices (radius 2.3 Å, 100° and 1.5 Å per residue) packed in a
/// globule of the radius a protein of that mass has (R ≈ 0.66·M^{1/3} Å with M in Da; Erickson 2009), joined by
/// loops of 3.8 Å Cα steps, with backbone N, C, O, Cβ and side-chain pseudo-atoms per residue (~110 Da/residue).
/// No symmetry: helix placement is drawn from a seeded generator, so every seed gives one fixed, asymmetric fold.
/// </summary>
public static class ProteinFold
{
    private const double HelixRadius = 2.3, HelixRise = 1.5, HelixTurnDeg = 100, CaStep = 3.8;

    /// <summary>A globular fold of about <paramref name="residues"/> residues, centred at the origin.</summary>
    public static AtomicModel Build(int residues = 360, int seed = 17, int helixLength = 16)
    {
        if (residues < helixLength)
            throw new Core.InvalidParameterException("residues", $"must be at least one helix ({helixLength}), got {residues}.");
        var random = new Random(seed);
        double radius = 0.66 * Math.Pow(residues * 110.0, 1.0 / 3.0);
        var axes = PlaceHelixAxes(random, residues / (helixLength + 6), radius, helixLength * HelixRise);
        var trace = new List<(double X, double Y, double Z, bool Helix)>();
        for (int h = 0; h < axes.Count; h++)
        {
            var helix = HelixTrace(axes[h], helixLength);
            if (trace.Count > 0)
                trace.AddRange(Loop(trace[^1], helix[0], random));
            trace.AddRange(helix);
        }
        var atoms = new List<Atom>();
        for (int i = 0; i < trace.Count; i++)
            AddResidue(atoms, trace, i, random, radius);
        return new AtomicModel(atoms, $"fold-{residues}-seed{seed}").Centered();
    }

    internal readonly record struct Axis(double Cx, double Cy, double Cz, double Dx, double Dy, double Dz);

    private static List<Axis> PlaceHelixAxes(Random random, int count, double radius, double length)
    {
        var axes = new List<Axis>();
        double inner = Math.Max(radius - length / 2, radius * 0.5);
        for (int attempt = 0; axes.Count < count && attempt < 20000; attempt++)
        {
            var (cx, cy, cz) = RandomInBall(random, inner);
            var (dx, dy, dz) = RandomUnit(random);
            // Keep helix centres ≥ 8 Å apart (packed helices sit ~10 Å apart), relaxing slowly if the globule is crowded.
            double minDistance = Math.Max(5, 8.5 - attempt / 4000.0);
            if (axes.All(a => Distance(a.Cx, a.Cy, a.Cz, cx, cy, cz) >= minDistance))
                axes.Add(new Axis(cx, cy, cz, dx, dy, dz));
        }
        // Visit helices in a nearest-neighbour order so loops stay short.
        var ordered = new List<Axis> { axes[0] };
        var left = axes.Skip(1).ToList();
        while (left.Count > 0)
        {
            var last = ordered[^1];
            var next = left.MinBy(a => Distance(a.Cx, a.Cy, a.Cz, last.Cx, last.Cy, last.Cz));
            ordered.Add(next);
            left.Remove(next);
        }
        return ordered;
    }

    private static List<(double X, double Y, double Z, bool Helix)> HelixTrace(Axis axis, int residues)
    {
        // Orthonormal frame (u, v) perpendicular to the axis direction d.
        var (dx, dy, dz) = (axis.Dx, axis.Dy, axis.Dz);
        var (ux, uy, uz) = Math.Abs(dx) < 0.9 ? Cross(dx, dy, dz, 1, 0, 0) : Cross(dx, dy, dz, 0, 1, 0);
        double un = Math.Sqrt(ux * ux + uy * uy + uz * uz);
        (ux, uy, uz) = (ux / un, uy / un, uz / un);
        var (vx, vy, vz) = Cross(dx, dy, dz, ux, uy, uz);
        var trace = new List<(double, double, double, bool)>();
        for (int i = 0; i < residues; i++)
        {
            double t = (i - (residues - 1) / 2.0) * HelixRise;
            double phi = i * HelixTurnDeg * Math.PI / 180;
            double cu = HelixRadius * Math.Cos(phi), cv = HelixRadius * Math.Sin(phi);
            trace.Add((axis.Cx + t * dx + cu * ux + cv * vx, axis.Cy + t * dy + cu * uy + cv * vy, axis.Cz + t * dz + cu * uz + cv * vz, true));
        }
        return trace;
    }

    private static IEnumerable<(double X, double Y, double Z, bool Helix)> Loop((double X, double Y, double Z, bool H) from, (double X, double Y, double Z, bool H) to, Random random)
    {
        double length = Distance(from.X, from.Y, from.Z, to.X, to.Y, to.Z);
        int steps = Math.Max(1, (int)Math.Ceiling(length / CaStep * 1.3));
        // A loop bulges outwards from the straight line, as surface loops do.
        var (bx, by, bz) = RandomUnit(random);
        double bulge = 0.25 * length;
        for (int s = 1; s < steps; s++)
        {
            double t = (double)s / steps, arc = Math.Sin(Math.PI * t) * bulge;
            yield return (from.X + t * (to.X - from.X) + arc * bx, from.Y + t * (to.Y - from.Y) + arc * by, from.Z + t * (to.Z - from.Z) + arc * bz, false);
        }
    }

    private static void AddResidue(List<Atom> atoms, List<(double X, double Y, double Z, bool Helix)> trace, int i, Random random, double radius)
    {
        var ca = trace[i];
        var prev = i > 0 ? trace[i - 1] : (ca.X - 1, ca.Y, ca.Z, ca.Helix);
        var next = i + 1 < trace.Count ? trace[i + 1] : (ca.X + 1, ca.Y, ca.Z, ca.Helix);
        double r = Math.Sqrt(ca.X * ca.X + ca.Y * ca.Y + ca.Z * ca.Z);
        // Surface residues are more mobile: B grows from 15 Å² in the core to ~45 Å² at the surface.
        double b = 15 + 30 * Math.Clamp(r / radius, 0, 1.3);
        var (ox, oy, oz) = r > 1e-6 ? (ca.X / r, ca.Y / r, ca.Z / r) : (0.0, 0.0, 1.0);
        atoms.Add(new Atom("C", ca.X, ca.Y, ca.Z, b, 1, "CA", "ALA", "A", i + 1));
        atoms.Add(Toward("N", ca, prev, 1.46, b, i));
        atoms.Add(Toward("C", ca, next, 1.52, b, i));
        var c = atoms[^1];
        atoms.Add(new Atom("O", c.X + 1.23 * ox, c.Y + 1.23 * oy, c.Z + 1.23 * oz, b, 1, "O", "ALA", "A", i + 1));
        // Side chain: Cβ plus 1–3 pseudo-atoms stepping outwards (mean ≈ 2, matching an average residue's mass).
        int side = 1 + random.Next(3);
        for (int s = 0; s <= side; s++)
        {
            double d = 1.53 * (s + 1);
            string element = s == side && random.NextDouble() < 0.35 ? (random.NextDouble() < 0.7 ? "O" : "N") : "C";
            atoms.Add(new Atom(element, ca.X + d * ox + 0.4 * (random.NextDouble() - 0.5), ca.Y + d * oy + 0.4 * (random.NextDouble() - 0.5),
                ca.Z + d * oz + 0.4 * (random.NextDouble() - 0.5), b + 5 * s, 1, s == 0 ? "CB" : $"CG{s}", "ALA", "A", i + 1));
        }
    }

    private static Atom Toward(string element, (double X, double Y, double Z, bool H) from, (double X, double Y, double Z, bool H) to, double distance, double b, int i)
    {
        double d = Math.Max(Distance(from.X, from.Y, from.Z, to.X, to.Y, to.Z), 1e-6);
        double f = distance / d;
        return new Atom(element, from.X + f * (to.X - from.X), from.Y + f * (to.Y - from.Y), from.Z + f * (to.Z - from.Z), b, 1, element, "ALA", "A", i + 1);
    }

    internal static (double X, double Y, double Z) RandomUnit(Random random)
    {
        double z = 2 * random.NextDouble() - 1, phi = 2 * Math.PI * random.NextDouble(), s = Math.Sqrt(1 - z * z);
        return (s * Math.Cos(phi), s * Math.Sin(phi), z);
    }

    private static (double X, double Y, double Z) RandomInBall(Random random, double radius)
    {
        var (x, y, z) = RandomUnit(random);
        double r = radius * Math.Cbrt(random.NextDouble());
        return (r * x, r * y, r * z);
    }

    private static (double, double, double) Cross(double ax, double ay, double az, double bx, double by, double bz) =>
        (ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx);

    private static double Distance(double ax, double ay, double az, double bx, double by, double bz) =>
        Math.Sqrt((ax - bx) * (ax - bx) + (ay - by) * (ay - by) + (az - bz) * (az - bz));
}
