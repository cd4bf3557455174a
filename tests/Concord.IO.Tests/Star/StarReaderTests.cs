using Concord.IO.Star;

namespace Concord.IO.Tests.Star;

public sealed class StarReaderTests
{
    [Fact]
    public void Reads_blocks_pairs_loops_comments_and_quoted_strings()
    {
        var doc = StarReader.ParseText(StarSamples.Relion31Particles, "sample.star");
        Assert.Equal(["optics", "particles", "model_general"], doc.Blocks.Select(b => b.Name));
        Assert.Equal(["version 30001"], doc.Blocks[0].LeadingComments);
        Assert.Equal(["a comment inside the block"], doc.Blocks[1].Comments);

        var optics = doc.Require("optics").RequireLoop();
        Assert.Equal(2, optics.RowCount);
        Assert.Equal("group two", optics.GetString(1, StarLabels.OpticsGroupName));
        Assert.Equal(0.07, optics.GetDouble(1, StarLabels.AmplitudeContrast));

        var particles = doc.Require("particles").RequireLoop();
        Assert.Equal(3, particles.RowCount);
        Assert.Equal(14000.0, particles.GetDouble(2, StarLabels.DefocusU));
        Assert.Equal(-3.54, particles.GetDouble(1, StarLabels.OriginXAngst));
        Assert.Equal(2, particles.GetInt(1, StarLabels.ClassNumber));
        int custom = particles.ColumnOf(StarLabel.Get("_myLabInternalScore"));
        Assert.Equal("left handed", particles.GetString(0, custom));
        Assert.Equal("", particles.GetString(2, custom));
        Assert.False(particles.Columns[custom].IsKnown);
        Assert.Equal(34, particles.LineOf(1));

        var model = doc.Require("model_general");
        Assert.Equal("Class2D/job010/run it001_classes.mrcs", model.GetString(StarLabels.ReferenceImage));
        Assert.Equal(8.5, model.GetDouble(StarLabels.EstimatedResolution));
    }

    [Fact]
    public void Round_trip_preserves_every_value_and_unknown_label()
    {
        var doc = StarReader.ParseText(StarSamples.Relion31Particles);
        string written = StarWriter.WriteToString(doc);
        var again = StarReader.ParseText(written);
        Assert.Equal(StarWriter.WriteToString(again), written);
        Assert.Equal(doc.Blocks.Select(b => b.Name), again.Blocks.Select(b => b.Name));
        for (int b = 0; b < doc.Blocks.Count; b++)
        {
            Assert.Equal(doc.Blocks[b].Pairs, again.Blocks[b].Pairs);
            Assert.Equal(doc.Blocks[b].Comments, again.Blocks[b].Comments);
            if (doc.Blocks[b].Loop is not { } t)
                continue;
            var u = again.Blocks[b].Loop!;
            Assert.Equal(t.Columns, u.Columns);
            for (int r = 0; r < t.RowCount; r++)
                for (int c = 0; c < t.Columns.Count; c++)
                    Assert.True(t.GetRaw(r, c).SequenceEqual(u.GetRaw(r, c)), $"row {r} col {c}");
        }
    }

    [Fact]
    public void Built_tables_quote_values_that_need_it()
    {
        var doc = new StarDocument();
        var loop = new StarTable([StarLabels.ImageName, StarLabels.GroupName, StarLabels.DefocusU]);
        loop.AddRow("000001@a b.mrcs", "", "12345.5");
        loop.AddRow("000002@x.mrcs", "data_like", "1e4");
        doc.Add("particles").Loops.Add(loop);
        doc.Blocks[0].Set(StarLabels.EstimatedResolution, 3.25);
        var back = StarReader.ParseText(StarWriter.WriteToString(doc)).Require("particles");
        var t = back.RequireLoop();
        Assert.Equal("000001@a b.mrcs", t.GetString(0, StarLabels.ImageName));
        Assert.Equal("", t.GetString(0, StarLabels.GroupName));
        Assert.Equal("data_like", t.GetString(1, StarLabels.GroupName));
        Assert.Equal(1e4, t.GetDouble(1, StarLabels.DefocusU));
        Assert.Equal(3.25, back.GetDouble(StarLabels.EstimatedResolution));
    }

    [Fact]
    public void Edits_add_and_remove_columns()
    {
        var t = StarReader.ParseText(StarSamples.Relion31Particles).Require("particles").RequireLoop();
        int col = t.AddColumn(StarLabels.AnglePsi, "0");
        t.SetDouble(1, col, 12.5);
        Assert.True(t.RemoveColumn(StarLabels.MicrographName));
        Assert.Equal(12.5, t.GetDouble(1, StarLabels.AnglePsi));
        Assert.Equal(0, t.GetDouble(2, StarLabels.AnglePsi));
        Assert.Equal(13000.5, t.GetDouble(1, StarLabels.DefocusU));
        Assert.False(t.HasColumn(StarLabels.MicrographName));
        Assert.Equal(t.Columns.Count, StarReader.ParseText(StarWriter.WriteToString(new StarDocument { Blocks = { new StarBlock("x") { Loops = { t } } } })).Blocks[0].Loop!.Columns.Count);
    }

    [Fact]
    public void Ragged_row_names_the_line_and_the_missing_label()
    {
        string text = "data_particles\nloop_\n_rlnImageName\n_rlnDefocusU\n_rlnDefocusV\n1@a.mrcs 1 2\n2@a.mrcs 3\n";
        var e = Assert.Throws<StarFormatException>(() => StarReader.ParseText(text, "ragged.star"));
        Assert.Equal(7, e.Line);
        Assert.Equal("_rlnDefocusV", e.Label);
        Assert.Contains("ragged.star", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 7", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extra_value_in_a_row_names_the_line()
    {
        string text = "data_\nloop_\n_rlnImageName\n1@a.mrcs\n2@a.mrcs 5\n";
        var e = Assert.Throws<StarFormatException>(() => StarReader.ParseText(text));
        Assert.Equal(5, e.Line);
    }

    [Fact]
    public void Missing_required_label_names_the_loop_line_and_the_label()
    {
        var t = StarReader.ParseText("\ndata_particles\n\nloop_\n_rlnImageName\n1@a.mrcs\n", "p.star").Require("particles").RequireLoop();
        var e = Assert.Throws<StarFormatException>(() => t.GetDouble(0, StarLabels.DefocusU));
        Assert.Equal((4, "_rlnDefocusU"), (e.Line, e.Label));
    }

    [Fact]
    public void Non_numeric_value_names_line_and_label()
    {
        var t = StarReader.ParseText("data_\nloop_\n_rlnDefocusU\n12\nabc\n").Blocks[0].Loop!;
        var e = Assert.Throws<StarFormatException>(() => t.GetDouble(1, StarLabels.DefocusU));
        Assert.Equal((5, "_rlnDefocusU"), (e.Line, e.Label));
    }

    [Theory]
    [InlineData("000012@Extract/a.mrcs", "Extract/a.mrcs", 12)]
    [InlineData("3@b.mrcs", "b.mrcs", 3)]
    [InlineData("maps/run_class001.mrc", "maps/run_class001.mrc", null)]
    public void Image_references_parse(string text, string path, int? number)
    {
        var r = StarImageReference.Parse(text);
        Assert.Equal((path, number), (r.Path, r.Number));
        Assert.Equal(number - 1, r.Index);
        Assert.Equal(r, StarImageReference.Parse(r.ToString()));
    }

    [Theory]
    [InlineData("0@a.mrcs")]
    [InlineData("x@a.mrcs")]
    [InlineData("5@")]
    public void Bad_image_references_are_rejected(string text) =>
        Assert.Throws<StarFormatException>(() => StarImageReference.Parse(text));

    [Fact]
    public void Labels_are_typed_and_unknown_ones_compare_by_name()
    {
        Assert.Same(StarLabels.DefocusU, StarLabel.Get("_rlnDefocusU"));
        Assert.Equal((StarValueType.Double, "Å"), (StarLabels.DefocusU.Type, StarLabels.DefocusU.Unit));
        Assert.Equal(StarLabel.Get("rlnSomethingNew"), StarLabel.Get("_rlnSomethingNew"));
        Assert.Null(StarLabel.Find("rlnSomethingNew"));
        Assert.Equal(StarLabels.All.Count, StarLabels.All.Select(l => l.Name).Distinct().Count());
    }

    [Fact]
    public void Large_particle_file_parses_every_row()
    {
        var doc = StarReader.ParseText(StarSamples.Particles(20_000, seed: 3));
        var t = doc.Require("particles").RequireLoop();
        Assert.Equal(20_000, t.RowCount);
        double sum = 0;
        int col = t.RequireColumn(StarLabels.DefocusU);
        for (int r = 0; r < t.RowCount; r++)
            sum += t.GetDouble(r, col);
        Assert.InRange(sum / t.RowCount, 19_000, 21_000);
        Assert.Equal("000001@Extract/job007/Movies/mic00019.mrcs", t.GetString(19_000, StarLabels.ImageName));
    }
}
