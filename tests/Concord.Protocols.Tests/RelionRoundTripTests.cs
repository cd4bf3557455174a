using Concord.IO.Star;
using Concord.Protocols.Sets;
using Concord.Protocols.Tests.Infrastructure;

namespace Concord.Protocols.Tests;

[Collection(TinyProjectCollection.Name)]
public sealed class RelionRoundTripTests(TinyProject tiny)
{
    [Fact]
    public void Particles_survive_export_and_import_with_every_field()
    {
        var original = tiny.Rows(EmKinds.Particle, "simulate.particles");
        var imported = tiny.Rows(EmKinds.Particle, "import_particles.particles");
        Assert.Equal(original.Select(r => r.Key), imported.Select(r => r.Key));
        for (int i = 0; i < original.Count; i++)
        {
            var (a, b) = (original[i].Row, imported[i].Row);
            Assert.Equal(Bytes(a.ImagePath), Bytes(b.ImagePath));
            // The simulated rows come from a STAR file (≤ 6 decimals), so the round trip is exact, field by field.
            Assert.Equal(a with { ImagePath = "" }, b with { ImagePath = "" });
        }
        AssertStarFieldsEqual(tiny.StarPath("export_particles"), tiny.StarPath("reexport_particles"), "particles", StarLabels.ImageName);
    }

    [Fact]
    public void Micrographs_survive_export_and_import_as_corrected_micrographs()
    {
        var original = tiny.Rows(EmKinds.CorrectedMicrograph, "motion.micrographs");
        var imported = tiny.Rows(EmKinds.CorrectedMicrograph, "import_micrographs.micrographs");
        Assert.Equal(original.Select(r => r.Key + "_dw"), imported.Select(r => r.Key));
        for (int i = 0; i < original.Count; i++)
        {
            var (a, b) = (original[i].Row, imported[i].Row);
            // The STAR file holds 6 decimals.
            Assert.Equal(Bytes(a.DoseWeightedPath!), Bytes(b.Path));
            Assert.Equal(a.TotalMotionA, b.TotalMotionA, tolerance: 5e-7);
            Assert.Equal(a.EarlyMotionA, b.EarlyMotionA, tolerance: 5e-7);
            Assert.Equal(a.LateMotionA, b.LateMotionA, tolerance: 5e-7);
            Assert.Equal((a.PixelSizeA, a.VoltageKv, a.SphericalAberrationMm, a.AmplitudeContrast, a.OpticsGroup),
                (b.PixelSizeA, b.VoltageKv, b.SphericalAberrationMm, b.AmplitudeContrast, b.OpticsGroup));
        }
        AssertStarFieldsEqual(tiny.StarPath("export_micrographs"), tiny.StarPath("reexport_micrographs"), "micrographs", StarLabels.MicrographName);
    }

    private byte[] Bytes(string projectPath) => File.ReadAllBytes(tiny.Project.Resolve(projectPath));

    /// <summary>Both files have the same blocks, columns and values, except the file part of <paramref name="pathColumn"/> (the copies live elsewhere).</summary>
    private static void AssertStarFieldsEqual(string first, string second, string block, StarLabel pathColumn)
    {
        var a = StarReader.Read(first);
        var b = StarReader.Read(second);
        Assert.Equal(a.Blocks.Select(x => x.Name), b.Blocks.Select(x => x.Name));
        Assert.Equal(a.Require("optics").RequireLoop().Columns, b.Require("optics").RequireLoop().Columns);
        Assert.Equal(StarWriter.WriteToString(Only(a, "optics")), StarWriter.WriteToString(Only(b, "optics")));
        var ta = a.Require(block).RequireLoop();
        var tb = b.Require(block).RequireLoop();
        Assert.Equal(ta.Columns, tb.Columns);
        Assert.Equal(ta.RowCount, tb.RowCount);
        int path = ta.RequireColumn(pathColumn);
        for (int r = 0; r < ta.RowCount; r++)
            for (int c = 0; c < ta.Columns.Count; c++)
            {
                string va = ta.GetString(r, c), vb = tb.GetString(r, c);
                if (c == path)
                    Assert.Equal(StarImageReference.Parse(va) with { Path = Path.GetFileName(va) }, StarImageReference.Parse(vb) with { Path = Path.GetFileName(vb) });
                else
                    Assert.Equal(va, vb);
            }
    }

    private static StarDocument Only(StarDocument document, string block)
    {
        var copy = new StarDocument();
        copy.Blocks.Add(document.Require(block));
        return copy;
    }
}
