using Concord.Simulation.Movies;

namespace Concord.Simulation.Tests.Movies;

public class ContaminationTests
{
    /// <summary>
    /// A carbon edge is the rim of the hole the exposure sits in: the film lies outside a circle, covers a minority of
    /// the field (5–35 %) and never the field's centre. (The film used to be laid on the centre's side, over 80–95 %.)
    /// </summary>
    [Theory]
    [InlineData(1024, 4000.0)]
    [InlineData(256, 1200.0)]
    [InlineData(512, 400.0)]
    public void Carbon_film_lies_outside_the_hole_and_covers_a_minority_of_the_field(int size, double holeRadiusPx)
    {
        var coverages = new List<double>();
        for (int seed = 0; seed < 40; seed++)
        {
            var regions = Contamination.RandomRegions(size, size, new Random(seed), particleRadiusPx: 10, carbonProbability: 1,
                meanIceCrystals: 0, meanAggregates: 0, holeRadiusPx: holeRadiusPx);
            var carbon = Assert.Single(regions);
            Assert.Equal(ContaminationKind.CarbonEdge, carbon.Kind);
            Assert.False(carbon.Contains(carbon.CenterX, carbon.CenterY), $"seed {seed}: the hole's centre is on the film");
            var potential = new float[size * size];
            Contamination.AddPotential(potential, size, size, regions, particleScale: 1, particleRadiusPx: 10, new Random(seed));
            Assert.True(potential[size / 2 * size + size / 2] == 0, $"seed {seed}: the field's centre is on the film");
            double film = potential.Count(v => v > 0.75f) / (double)potential.Length;
            Assert.InRange(film, Contamination.MinCarbonCoverage - 0.02, Contamination.MaxCarbonCoverage + 0.02);
            double mask = Contamination.Mask(size, size, regions).Average(v => (double)v);
            Assert.True(mask >= film && mask < 0.5, $"seed {seed}: mask covers {mask:F3}, film {film:F3}");
            coverages.Add(film);
        }
        Assert.True(coverages.Max() - coverages.Min() > 0.15, "film coverage does not vary between micrographs");
    }

    [Fact]
    public void A_hole_smaller_than_the_field_is_refused() =>
        Assert.Throws<Core.InvalidParameterException>(() => Contamination.CarbonEdge(512, 512, 30, 0.2, holeRadiusPx: 300, bandPx: 20));
}
