using Concord.IO.Mrc;
using Concord.IO.Relion;
using Concord.IO.Star;

namespace Concord.Cli.Tests;

public sealed class ExtractVerbTests(PickMicrographsFixture mics) : IClassFixture<PickMicrographsFixture>
{
    [Fact]
    public void Extracts_every_pick_into_stacks_that_RELION_particle_files_describe()
    {
        string picks = Path.Combine(mics.Dir, "extract-picks");
        Assert.Equal(0, CliHarness.Run(["pick", .. mics.Micrographs, "--diameter", "80", "-o", picks, "--no-plots"]).ExitCode);
        string coordinates = Path.Combine(picks, "coordinates.star");
        int rows = StarReader.Read(coordinates).Blocks[0].Loop!.RowCount;
        string dir = Path.Combine(mics.Dir, "extract-out");
        var result = CliHarness.Run(["extract", .. mics.Micrographs, "--coordinates", coordinates, "--box", "64", "--bin-to", "32", "--invert", "-o", dir, "--json"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var set = RelionParticles.Read(Path.Combine(dir, "particles.star"));
        Assert.Equal(32, set.Optics[0].ImageSize);
        Assert.Equal(3.0, set.Optics[0].PixelSizeA, 6);
        int inStacks = 0;
        foreach (string mic in mics.Micrographs)
        {
            using var reader = MrcReader.Open(Path.Combine(dir, Path.GetFileNameWithoutExtension(mic) + "_particles.mrcs"));
            Assert.Equal(32, reader.Width);
            inStacks += reader.ImageCount;
        }
        Assert.Equal(set.Particles.Count, inStacks);
        Assert.True(set.Particles.Count >= rows * 0.8, $"{set.Particles.Count} of {rows} picks extracted");
        Assert.True(set.Particles.Count <= rows);
        var last = set.Particles[^1].Image;
        Assert.True(File.Exists(last.Path));
        using (var stack = MrcReader.Open(last.Path))
            Assert.True(last.Index < stack.ImageCount);
    }

    [Fact]
    public void Bad_input_exits_with_code_2()
    {
        string coordinates = Path.Combine(mics.Dir, "none.star");
        Assert.Equal(2, CliHarness.Run(["extract", mics.Micrographs[0], "--coordinates", coordinates, "--box", "64", "-o", Path.Combine(mics.Dir, "x1")]).ExitCode);
        Assert.Equal(2, CliHarness.Run(["extract", mics.Micrographs[0], "--coordinates", coordinates, "--box", "63", "-o", Path.Combine(mics.Dir, "x2")]).ExitCode);
        Assert.Equal(2, CliHarness.Run(["extract", mics.Micrographs[0], "--coordinates", coordinates, "--box", "64", "--phase-flip", "-o", Path.Combine(mics.Dir, "x3")]).ExitCode);
    }

    [Fact]
    public void Phase_flipping_with_a_CTF_star_writes_CTF_columns_and_optics()
    {
        string picks = Path.Combine(mics.Dir, "flip-picks");
        Assert.Equal(0, CliHarness.Run(["pick", .. mics.Micrographs, "--diameter", "80", "--clean", "-o", picks, "--no-plots"]).ExitCode);
        var optics = new StarTable([StarLabels.OpticsGroup, StarLabels.Voltage, StarLabels.SphericalAberration, StarLabels.AmplitudeContrast]);
        optics.AddRow("1", "200", "2.0", "0.07");
        var table = new StarTable([StarLabels.MicrographName, StarLabels.DefocusU, StarLabels.DefocusV, StarLabels.DefocusAngle]);
        foreach (string mic in mics.Micrographs)
            table.AddRow(mic, "15000", "14000", "30");
        var document = new StarDocument();
        document.Add("optics").Loops.Add(optics);
        document.Add("micrographs").Loops.Add(table);
        string ctf = Path.Combine(mics.Dir, "micrographs_ctf.star");
        StarWriter.Write(ctf, document);
        string dir = Path.Combine(mics.Dir, "flip-out");
        var result = CliHarness.Run(["extract", .. mics.Micrographs, "--coordinates", Path.Combine(picks, "coordinates.star"), "--box", "64",
            "--phase-flip", "--ctf", ctf, "-o", dir]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var set = RelionParticles.Read(Path.Combine(dir, "particles.star"));
        Assert.NotEmpty(set.Particles);
        Assert.Equal(200, set.Optics[0].VoltageKv);
        Assert.Equal(0.07, set.Optics[0].AmplitudeContrast, 6);
        Assert.Equal(1.5, set.Optics[0].PixelSizeA, 6);
        Assert.All(set.Particles, p => Assert.Equal(14000, p.Ctf!.DefocusVA, 3));
    }
}
