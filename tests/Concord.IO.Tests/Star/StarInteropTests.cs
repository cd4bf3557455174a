using Concord.IO.Star;
using Concord.IO.Tests.Infrastructure;

namespace Concord.IO.Tests.Star;

/// <summary>RELION reads the STAR files Concord writes, and Concord reads what RELION writes back, value for value.</summary>
public sealed class StarInteropTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string WriteConcordParticles(int rows)
    {
        var doc = StarReader.ParseText(StarSamples.Particles(rows, seed: 11));
        string path = _dir.File("concord.star");
        StarWriter.Write(path, doc);
        return path;
    }

    [FactRequiresRelion]
    public void Relion_star_handler_round_trips_Concord_values()
    {
        string input = WriteConcordParticles(500), output = _dir.File("relion.star");
        int code = ExternalTools.Run("relion_star_handler", ["--i", input, "--o", output, "--operate", "rlnDefocusU", "--multiply_by", "1"], out string log);
        Assert.True(code == 0, log);
        var ours = StarReader.Read(input);
        var theirs = StarReader.Read(output);
        var a = ours.Require("particles").RequireLoop();
        var b = theirs.Require("particles").RequireLoop();
        Assert.Equal(a.RowCount, b.RowCount);
        Assert.Equal(a.Columns.Select(c => c.Name), b.Columns.Select(c => c.Name));
        for (int r = 0; r < a.RowCount; r++)
        {
            for (int c = 0; c < a.Columns.Count; c++)
            {
                var label = a.Columns[c];
                if (label.Type == StarValueType.String)
                    Assert.Equal(a.GetString(r, c), b.GetString(r, b.RequireColumn(label)));
                else
                    Assert.Equal(a.GetDouble(r, c), b.GetDouble(r, b.RequireColumn(label)));
            }
        }
        Assert.Equal(new RelionOpticsGroups(ours).GetDouble(1, StarLabels.ImagePixelSize), new RelionOpticsGroups(theirs).GetDouble(1, StarLabels.ImagePixelSize));
    }

    [FactRequiresRelion]
    public void Relion_selects_the_same_rows_Concord_counts()
    {
        string input = WriteConcordParticles(500), output = _dir.File("class3.star");
        int code = ExternalTools.Run("relion_star_handler", ["--i", input, "--o", output, "--select", "rlnClassNumber", "--minval", "3", "--maxval", "3"], out string log);
        Assert.True(code == 0, log);
        var all = StarReader.Read(input).Require("particles").RequireLoop();
        int expected = Enumerable.Range(0, all.RowCount).Count(r => all.GetInt(r, StarLabels.ClassNumber) == 3);
        Assert.InRange(expected, 1, 499);
        Assert.Equal(expected, StarReader.Read(output).Require("particles").RequireLoop().RowCount);
    }
}
