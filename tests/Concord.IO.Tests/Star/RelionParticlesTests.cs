using Concord.IO.Relion;
using Concord.IO.Star;

namespace Concord.IO.Tests.Star;

/// <summary>Reading particle files: the lazy table (<see cref="RelionParticles.Open"/>) and the eager list agree row by row.</summary>
public sealed class RelionParticlesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("concord-particles-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Open_builds_the_same_records_as_Read_and_shares_stack_paths()
    {
        string path = Path.Combine(_dir, "particles.star");
        File.WriteAllText(path, StarSamples.Particles(2500, seed: 5));
        var eager = RelionParticles.Read(path);
        var lazy = RelionParticles.Open(path);
        Assert.Equal(2500, lazy.Count);
        Assert.Equal(eager.Particles.Count, lazy.Count);
        for (int r = 0; r < lazy.Count; r += 7)
        {
            var a = eager.Particles[r];
            var b = lazy[r];
            Assert.Equal(a.Image, b.Image);
            Assert.Equal(a.Pose, b.Pose);
            Assert.Equal(a.Ctf, b.Ctf);
            Assert.Equal(a.RandomSubset, b.RandomSubset);
            Assert.Equal(a.OpticsGroup, b.OpticsGroup);
        }
        Assert.Equal(1.06, lazy.GroupOf(0).PixelSizeA, 9);
        // Rows 0 and 999 name the same stack: one string, not one per row.
        Assert.Same(lazy[0].Image.Path, lazy[999].Image.Path);
        Assert.NotEqual(lazy[0].Image.Path, lazy[1000].Image.Path);
    }

    [Fact]
    public void An_undefined_optics_group_is_an_error_naming_the_file_and_line()
    {
        string path = Path.Combine(_dir, "bad.star");
        File.WriteAllText(path, StarSamples.Relion31Particles.Replace("MotionCorr/b.mrc 1.4e4 0 1 1", "MotionCorr/b.mrc 1.4e4 0 1 7"));
        var table = RelionParticles.Open(path);
        Assert.Equal(2, table[1].OpticsGroup);
        var error = Assert.Throws<StarFormatException>(() => table[2]);
        Assert.Contains("bad.star", error.Message);
        Assert.Contains("optics group 7", error.Message);
        Assert.Throws<StarFormatException>(() => RelionParticles.Read(path));
    }
}
