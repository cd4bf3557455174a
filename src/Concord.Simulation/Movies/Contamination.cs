namespace Concord.Simulation.Movies;

/// <summary>What spoils a region of a micrograph (the things a micrograph cleaner must find).</summary>
public enum ContaminationKind
{
    CarbonEdge,
    IceCrystal,
    Aggregate,
}

/// <summary>
/// One contaminated region, in pixels of the micrograph. For <see cref="ContaminationKind.CarbonEdge"/> the region is
/// the support film outside a circular hole centred at (CenterX, CenterY) (usually outside the field) of radius
/// RadiusY, plus a band of RadiusX pixels inside the hole's edge; AngleDeg is the direction from the hole's centre to
/// the film in the field. For the others an ellipse with semi-axes RadiusX, RadiusY rotated by AngleDeg.
/// </summary>
public sealed record ContaminationRegion(ContaminationKind Kind, double CenterX, double CenterY, double RadiusX, double RadiusY, double AngleDeg)
{
    /// <summary>Whether pixel (x, y) lies in the region (for carbon: on the carbon or within the edge band).</summary>
    public bool Contains(double x, double y)
    {
        double a = AngleDeg * Math.PI / 180, c = Math.Cos(a), s = Math.Sin(a);
        double dx = x - CenterX, dy = y - CenterY;
        if (Kind == ContaminationKind.CarbonEdge)
            return Math.Sqrt(dx * dx + dy * dy) >= RadiusY - RadiusX;
        double u = (c * dx + s * dy) / RadiusX, v = (-s * dx + c * dy) / RadiusY;
        return u * u + v * v <= 1;
    }
}

/// <summary>
/// Draws contamination as ground truth: where it is (a mask and a list of regions) and the projected potential it
/// adds. Amplitudes are relative to <c>particleScale</c>, the peak projected potential of one particle, so the
/// contrast of contamination against particles is the same at any pixel size.
/// </summary>
public static class Contamination
{
    /// <summary>
    /// Random regions: one carbon edge with probability <paramref name="carbonProbability"/>, and Poisson-many ice
    /// crystals and aggregates. A carbon edge is the rim of the hole the ice spans (<paramref name="holeRadiusPx"/>;
    /// Quantifoil R1.2/1.3 holes are 1.2 µm across): film outside the circle, covering a random minority
    /// (<see cref="MinCarbonCoverage"/>–<see cref="MaxCarbonCoverage"/>) of the field, as when an exposure is placed
    /// in a hole close to its edge; the field's centre is always in the hole.
    /// </summary>
    public static List<ContaminationRegion> RandomRegions(int width, int height, Random random, double particleRadiusPx,
        double carbonProbability = 0.3, double meanIceCrystals = 1, double meanAggregates = 1, double holeRadiusPx = 4000)
    {
        var regions = new List<ContaminationRegion>();
        if (random.NextDouble() < carbonProbability)
        {
            double angle = random.NextDouble() * 360;
            double coverage = MinCarbonCoverage + (MaxCarbonCoverage - MinCarbonCoverage) * random.NextDouble();
            regions.Add(CarbonEdge(width, height, angle, coverage, holeRadiusPx, 2 * particleRadiusPx));
        }
        int crystals = Poisson.Sample(meanIceCrystals, random);
        for (int i = 0; i < crystals; i++)
        {
            double r = particleRadiusPx * (1.5 + 3 * random.NextDouble());
            regions.Add(new ContaminationRegion(ContaminationKind.IceCrystal, random.NextDouble() * width, random.NextDouble() * height,
                r, r * (0.5 + 0.5 * random.NextDouble()), random.NextDouble() * 180));
        }
        int aggregates = Poisson.Sample(meanAggregates, random);
        for (int i = 0; i < aggregates; i++)
        {
            double r = particleRadiusPx * (2 + 2 * random.NextDouble());
            regions.Add(new ContaminationRegion(ContaminationKind.Aggregate, random.NextDouble() * width, random.NextDouble() * height,
                r, r * (0.6 + 0.4 * random.NextDouble()), random.NextDouble() * 180));
        }
        return regions;
    }

    /// <summary>Smallest share of the field a carbon edge's film covers.</summary>
    public const double MinCarbonCoverage = 0.05;

    /// <summary>Largest share of the field a carbon edge's film covers (the field's centre stays in the hole).</summary>
    public const double MaxCarbonCoverage = 0.35;

    /// <summary>
    /// A hole of <paramref name="holeRadiusPx"/> whose film (outside it) covers <paramref name="coverage"/> of the
    /// field, lying towards <paramref name="angleDeg"/> from the field's centre: the hole's centre is moved back along
    /// that direction until the film's share of the field (sampled on a 64² grid) matches, by bisection.
    /// </summary>
    public static ContaminationRegion CarbonEdge(int width, int height, double angleDeg, double coverage, double holeRadiusPx, double bandPx)
    {
        if (!(coverage > 0 && coverage < 0.5))
            throw new Core.InvalidParameterException(nameof(coverage), $"the film must cover less than half the field, got {coverage}.");
        double a = angleDeg * Math.PI / 180, ux = Math.Cos(a), uy = Math.Sin(a);
        double diagonal = Math.Sqrt((double)width * width + (double)height * height);
        // Real holes (≥ 1 µm) are larger than any field; a hole smaller than the field would put film all round it.
        if (!(holeRadiusPx >= diagonal / 2))
            throw new Core.InvalidParameterException(nameof(holeRadiusPx), $"the hole ({holeRadiusPx:F0} px radius) must hold the whole {width}×{height} field.");
        // Coverage grows with the hole centre's distance behind the field centre: none at R − diagonal, all at R + diagonal.
        double low = holeRadiusPx - diagonal, high = holeRadiusPx + diagonal;
        for (int iteration = 0; iteration < 50; iteration++)
        {
            double mid = 0.5 * (low + high);
            if (FilmShare(width, height, width / 2.0 - mid * ux, height / 2.0 - mid * uy, holeRadiusPx) < coverage)
                low = mid;
            else
                high = mid;
        }
        double d = 0.5 * (low + high);
        return new ContaminationRegion(ContaminationKind.CarbonEdge, width / 2.0 - d * ux, height / 2.0 - d * uy, bandPx, holeRadiusPx, angleDeg);
    }

    private static double FilmShare(int width, int height, double cx, double cy, double radius)
    {
        const int grid = 64;
        int outside = 0;
        for (int j = 0; j < grid; j++)
            for (int i = 0; i < grid; i++)
            {
                double x = (i + 0.5) * width / grid - cx, y = (j + 0.5) * height / grid - cy;
                if (x * x + y * y >= radius * radius)
                    outside++;
            }
        return (double)outside / (grid * grid);
    }

    /// <summary>Adds the projected potential of every region to <paramref name="potential"/> (width × height, x fastest).</summary>
    public static void AddPotential(Span<float> potential, int width, int height, IReadOnlyList<ContaminationRegion> regions,
        double particleScale, double particleRadiusPx, Random random)
    {
        foreach (var region in regions)
        {
            switch (region.Kind)
            {
                case ContaminationKind.CarbonEdge:
                    AddCarbon(potential, width, height, region, particleScale);
                    break;
                case ContaminationKind.IceCrystal:
                    AddEllipse(potential, width, height, region, 2.5 * particleScale, edgePx: 2);
                    break;
                default:
                    AddAggregate(potential, width, height, region, particleScale, particleRadiusPx, random);
                    break;
            }
        }
    }

    /// <summary>1 inside any region, 0 elsewhere: the truth a micrograph cleaner is scored against.</summary>
    public static float[] Mask(int width, int height, IReadOnlyList<ContaminationRegion> regions)
    {
        var mask = new float[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                if (regions.Any(r => r.Contains(x, y)))
                    mask[y * width + x] = 1;
        return mask;
    }

    private static void AddCarbon(Span<float> p, int width, int height, ContaminationRegion r, double scale)
    {
        // Thick amorphous carbon: a plateau of 1.5× a particle's peak projection with a 3-pixel soft edge at the hole's rim.
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double d = Math.Sqrt((x - r.CenterX) * (x - r.CenterX) + (y - r.CenterY) * (y - r.CenterY)) - r.RadiusY;
                double t = Math.Clamp((d + 1.5) / 3, 0, 1);
                p[y * width + x] += (float)(1.5 * scale * t);
            }
    }

    private static void AddEllipse(Span<float> p, int width, int height, ContaminationRegion r, double amplitude, double edgePx)
    {
        double a = r.AngleDeg * Math.PI / 180, c = Math.Cos(a), s = Math.Sin(a);
        int x0 = Math.Max(0, (int)(r.CenterX - r.RadiusX - edgePx - 1)), x1 = Math.Min(width - 1, (int)(r.CenterX + r.RadiusX + edgePx + 1));
        int y0 = Math.Max(0, (int)(r.CenterY - r.RadiusX - edgePx - 1)), y1 = Math.Min(height - 1, (int)(r.CenterY + r.RadiusX + edgePx + 1));
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
            {
                double dx = x - r.CenterX, dy = y - r.CenterY;
                double u = (c * dx + s * dy) / r.RadiusX, v = (-s * dx + c * dy) / r.RadiusY;
                double rho = Math.Sqrt(u * u + v * v);
                double edge = edgePx / Math.Min(r.RadiusX, r.RadiusY);
                double t = Math.Clamp((1 + edge - rho) / (2 * edge), 0, 1);
                // A crystal is thickest in the middle: a dome profile under the soft edge.
                p[y * width + x] += (float)(amplitude * t * Math.Sqrt(Math.Max(0, 1 - 0.5 * rho * rho)));
            }
    }

    private static void AddAggregate(Span<float> p, int width, int height, ContaminationRegion r, double scale, double particleRadiusPx, Random random)
    {
        // Clumped, partly denatured protein: many overlapping particle-sized blobs inside the ellipse.
        int blobs = 8 + random.Next(10);
        double a = r.AngleDeg * Math.PI / 180, c = Math.Cos(a), s = Math.Sin(a);
        for (int b = 0; b < blobs; b++)
        {
            double rr = Math.Sqrt(random.NextDouble()), phi = 2 * Math.PI * random.NextDouble();
            double u = rr * Math.Cos(phi) * r.RadiusX * 0.8, v = rr * Math.Sin(phi) * r.RadiusY * 0.8;
            double bx = r.CenterX + c * u - s * v, by = r.CenterY + s * u + c * v;
            double sigma = particleRadiusPx * (0.4 + 0.4 * random.NextDouble());
            int reach = (int)Math.Ceiling(3 * sigma);
            for (int y = Math.Max(0, (int)by - reach); y <= Math.Min(height - 1, (int)by + reach); y++)
                for (int x = Math.Max(0, (int)bx - reach); x <= Math.Min(width - 1, (int)bx + reach); x++)
                {
                    double d2 = (x - bx) * (x - bx) + (y - by) * (y - by);
                    p[y * width + x] += (float)(0.8 * scale * Math.Exp(-d2 / (2 * sigma * sigma)));
                }
        }
    }
}
