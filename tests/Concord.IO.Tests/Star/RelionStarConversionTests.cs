using Concord.IO.Star;
using Concord.IO.Tests.Infrastructure;

namespace Concord.IO.Tests.Star;

public sealed class RelionStarConversionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    internal const string Relion30Particles = """

        data_

        loop_
        _rlnImageName #1
        _rlnMicrographName #2
        _rlnDefocusU #3
        _rlnVoltage #4
        _rlnSphericalAberration #5
        _rlnAmplitudeContrast #6
        _rlnMagnification #7
        _rlnDetectorPixelSize #8
        _rlnOriginX #9
        _rlnOriginY #10
        _rlnAnglePsi #11
        _rlnClassNumber #12
        _rlnLabUnknown #13
        000001@Particles/a.mrcs mics/a.mrc 12000.5 300 2.7 0.1 50000 5.0 1.5 -2.25 10.0 1 keep1
        000002@Particles/a.mrcs mics/a.mrc 13000.5 300 2.7 0.1 50000 5.0 0.5 2.0 20.0 2 keep2
        000001@Particles/b.mrcs mics/b.mrc 14000.5 200 2.7 0.1 40000 5.0 -1 3 30.0 1 keep3
        """;

    [Fact]
    public void Relion30_particles_become_optics_groups_and_origins_in_angstrom()
    {
        var doc30 = StarReader.ParseText(Relion30Particles);
        Assert.Equal(RelionStarVersion.Relion30, RelionStarConversion.DetectVersion(doc30));
        var doc = RelionStarConversion.ConvertTo31(doc30, new Relion30ConversionOptions(ImageSizePx: 64));
        Assert.Equal(RelionStarVersion.Relion31, RelionStarConversion.DetectVersion(doc));
        Assert.Equal(["optics", "particles"], doc.Blocks.Select(b => b.Name));

        var optics = new RelionOpticsGroups(doc);
        Assert.Equal(2, optics.Count);
        Assert.Equal(1.0, optics.GetDouble(1, StarLabels.ImagePixelSize), 12);
        Assert.Equal(1.25, optics.GetDouble(2, StarLabels.ImagePixelSize), 12);
        Assert.Equal(200, optics.GetDouble(2, StarLabels.Voltage));
        Assert.Equal(64, optics.GetDouble(1, StarLabels.ImageSize));

        var p = doc.Require("particles").RequireLoop();
        Assert.Equal([1, 1, 2], Enumerable.Range(0, 3).Select(r => p.GetInt(r, StarLabels.OpticsGroup)));
        Assert.Equal([1.5, 0.5, -1.25], Enumerable.Range(0, 3).Select(r => p.GetDouble(r, StarLabels.OriginXAngst)));
        Assert.Equal([-2.25, 2.0, 3.75], Enumerable.Range(0, 3).Select(r => p.GetDouble(r, StarLabels.OriginYAngst)));
        foreach (var gone in new[] { StarLabels.OriginX, StarLabels.Voltage, StarLabels.Magnification, StarLabels.DetectorPixelSize })
            Assert.False(p.HasColumn(gone), gone.Tag);
        Assert.Equal("keep3", p.GetString(2, StarLabel.Get("rlnLabUnknown")));
    }

    [Fact]
    public void Relion30_without_pixel_size_needs_one()
    {
        var doc30 = StarReader.ParseText("data_\nloop_\n_rlnMicrographName\n_rlnDefocusU\na.mrc 1000\n", "m.star");
        var e = Assert.Throws<StarFormatException>(() => RelionStarConversion.ConvertTo31(doc30));
        Assert.Equal("_rlnDetectorPixelSize", e.Label);
        var doc = RelionStarConversion.ConvertTo31(doc30, new Relion30ConversionOptions(PixelSizeA: 0.9));
        Assert.Equal(0.9, new RelionOpticsGroups(doc).GetDouble(1, StarLabels.MicrographPixelSize));
        Assert.Equal("micrographs", doc.Blocks[1].Name);
    }

    [FactRequiresRelion]
    public void Conversion_matches_relion_convert_star()
    {
        string input = _dir.File("r30.star"), output = _dir.File("r31.star");
        File.WriteAllText(input, Relion30Particles);
        int code = ExternalTools.Run("relion_convert_star", ["--i", input, "--o", output], out string log);
        Assert.True(code == 0, log);
        var relion = StarReader.Read(output);
        var ours = RelionStarConversion.ConvertTo31(StarReader.Read(input));

        var ro = new RelionOpticsGroups(relion);
        var oo = new RelionOpticsGroups(ours);
        Assert.Equal(ro.Count, oo.Count);
        for (int g = 1; g <= ro.Count; g++)
            foreach (var label in new[] { StarLabels.ImagePixelSize, StarLabels.Voltage, StarLabels.SphericalAberration, StarLabels.AmplitudeContrast })
                Assert.Equal(ro.GetDouble(g, label), oo.GetDouble(g, label), 6);

        var rp = relion.Require("particles").RequireLoop();
        var op = ours.Require("particles").RequireLoop();
        Assert.Equal(rp.RowCount, op.RowCount);
        foreach (var label in new[] { StarLabels.OpticsGroup, StarLabels.OriginXAngst, StarLabels.OriginYAngst, StarLabels.DefocusU, StarLabels.AnglePsi })
            for (int r = 0; r < rp.RowCount; r++)
                Assert.Equal(rp.GetDouble(r, label), op.GetDouble(r, label), 4);
        Assert.Equal(rp.Columns.Where(c => c.IsKnown).Select(c => c.Name).Order(), op.Columns.Where(c => c.IsKnown).Select(c => c.Name).Order());
    }
}
