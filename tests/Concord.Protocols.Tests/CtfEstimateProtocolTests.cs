using Concord.Protocols.Sets;
using Concord.Protocols.Tests.Infrastructure;

namespace Concord.Protocols.Tests;

[Collection(TinyProjectCollection.Name)]
public sealed class CtfEstimateProtocolTests(TinyProject tiny)
{
    [Fact]
    public void Every_kept_micrograph_gets_one_ctf_keyed_by_its_movie_within_the_searched_range()
    {
        var micrographs = tiny.Rows(EmKinds.CorrectedMicrograph, "motion.micrographs");
        var ctfs = tiny.Rows(EmKinds.Ctf, "ctf.ctfs");
        // Per-item provenance: one CTF per micrograph, same key, pointing at that micrograph's file.
        Assert.Equal(micrographs.Select(m => (m.Key, m.Row.Path)), ctfs.Select(c => (c.Key, c.Row.MicrographPath)));
        Assert.NotEmpty(ctfs);
        Assert.All(ctfs, c =>
        {
            Assert.Null(c.Reason);
            Assert.True(c.Row.DefocusUA >= c.Row.DefocusVA);
            Assert.InRange(c.Row.DefocusVA, 5000, 40000);
            Assert.InRange(c.Row.DefocusUA, 5000, 40000);
            Assert.True(double.IsFinite(c.Row.FitScore));
        });
    }
}
