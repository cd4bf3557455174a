using Concord.Core.Imaging;
using Concord.IO.Mrc;
using Concord.IO.Star;
using Concord.Protocols.Sets;
using Concord.Workflow.Projects;
using Concord.Workflow.Protocols;
using Concord.Workflow.Running;

namespace Concord.Protocols.Tests;

/// <summary>
/// export.relion's micrographs STAR follows RELION 3.1's optics convention: rlnMicrographOriginalPixelSize is the
/// movie's pixel size and rlnMicrographPixelSize the micrograph's, which differ after binned motion correction.
/// </summary>
public sealed class ExportRelionProtocolTests : IDisposable
{
    private const double MoviePixelA = 0.8;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "concord-export-relion-" + Guid.NewGuid().ToString("N")[..12]);

    public sealed record BinnedParameters : ProtocolParameters
    {
        [Param("Micrograph width", "Width of the micrograph written for a 96 px movie (96: no binning).", Min = 1, Max = 96)]
        public int MicrographWidth { get; init; } = 48;

        [Param("Keep movie", "Whether the row names the movie it came from.")]
        public bool KeepMovie { get; init; } = true;

        [Param("Orphan", "Also a second row of the same optics group that names no movie.")]
        public bool Orphan { get; init; }

        [Param("Carry", "Whether the row carries the movie's pixel size itself.")]
        public bool Carry { get; init; }
    }

    /// <summary>A 96² × 2 movie at 0.8 Å/px and its motion-corrected micrograph, binned to the given width, as one row.</summary>
    private sealed class BinnedRowsProtocol : Protocol<BinnedParameters>
    {
        private static readonly OutputPort<CorrectedMicrographRow> Micrographs = new("micrographs", EmKinds.CorrectedMicrograph, "micrographs");

        public override string Name => "test.binned_micrographs";
        public override string Summary => "A movie and its binned micrograph.";
        public override IReadOnlyList<InputPort> Inputs => [];
        public override IReadOnlyList<OutputPort> Outputs => [Micrographs];

        protected override IReadOnlyList<Step> Steps(BinnedParameters p) => [new SetStep("emit", context =>
        {
            var movie = context.NewFile("movie.mrcs");
            using (var frames = new ImageStack(96, 96, 2, MoviePixelA))
                MrcWriter.Write(movie.TempPath, frames);
            double micrographPixelA = MoviePixelA * 96 / p.MicrographWidth;
            var micrograph = context.NewFile("micrograph.mrc");
            using (var image = new Image2D(p.MicrographWidth, p.MicrographWidth, micrographPixelA))
                MrcWriter.Write(micrograph.TempPath, image);
            context.Emit(Micrographs, "mic", new CorrectedMicrographRow(p.KeepMovie ? movie.RelativePath : null, micrograph.RelativePath, null, null,
                micrographPixelA, 2, 1, 0.5, 0.5, 0.5, null, 300, 2.7, 0.1, 1, p.Carry ? MoviePixelA : null));
            if (p.Orphan)
            {
                context.Emit(Micrographs, "orphan", new CorrectedMicrographRow(null, micrograph.RelativePath, null, null,
                    micrographPixelA, 2, 1, 0.5, 0.5, 0.5, null, 300, 2.7, 0.1, 1));
            }
        })];
    }

    private (double Original, double Micrograph) Export(int micrographWidth, bool keepMovie, bool orphan = false, bool carry = false)
    {
        string tag = $"w{micrographWidth}_{(keepMovie ? "movie" : "none")}{(orphan ? "_orphan" : "")}{(carry ? "_carry" : "")}";
        using var project = Project.Open(Path.Combine(_root, tag), StageProtocols.Kinds, create: true);
        new Runner(project, new ProtocolRegistry(StageProtocols.All.Append(new BinnedRowsProtocol())), new RunnerOptions(1)).RunPipeline(PipelineParser.Parse($$"""
            [[run]]
            name = "rows_{{tag}}"
            protocol = "test.binned_micrographs"
            params = { micrograph_width = {{micrographWidth}}, keep_movie = {{(keepMovie ? "true" : "false")}}, orphan = {{(orphan ? "true" : "false")}}, carry = {{(carry ? "true" : "false")}} }

            [[run]]
            name = "export_{{tag}}"
            protocol = "export.relion"
            inputs = { micrographs = "rows_{{tag}}.micrographs" }
            """, "export.toml"));
        string star = project.Resolve(project.ReadRows(Workflow.Sets.BuiltInKinds.File, project.FindSet($"export_{tag}.star").Id).Single().Row.Path);
        var optics = StarReader.Read(star).Require("optics").RequireLoop(star);
        return (optics.GetDouble(0, StarLabels.MicrographOriginalPixelSize), optics.GetDouble(0, StarLabels.MicrographPixelSize));
    }

    [Fact]
    public void Binned_micrographs_keep_the_movie_pixel_size_as_the_original()
    {
        var (original, micrograph) = Export(micrographWidth: 48, keepMovie: true);
        Assert.Equal(MoviePixelA, original, 6);
        Assert.Equal(1.6, micrograph, 6);
    }

    [Fact]
    public void Non_integer_binning_gives_the_exact_movie_pixel_size()
    {
        // 96 px binned by 1.5 to 64 px: the micrograph is 1.2 Å/px and the movie stays 0.8.
        var (original, micrograph) = Export(micrographWidth: 64, keepMovie: true);
        Assert.Equal(MoviePixelA, original, 6);
        Assert.Equal(1.2, micrograph, 6);
    }

    [Fact]
    public void Unbinned_or_movie_unknown_writes_the_micrograph_pixel_size_for_both()
    {
        Assert.Equal((MoviePixelA, MoviePixelA), Export(micrographWidth: 96, keepMovie: true));
        // Without the movie the original size is unknown and RELION's unbinned reading is all that can be written.
        Assert.Equal((1.6, 1.6), Export(micrographWidth: 48, keepMovie: false));
        // One micrograph whose movie is gone does not hide its group's known movie pixel size.
        Assert.Equal((MoviePixelA, 1.6), Export(micrographWidth: 48, keepMovie: true, orphan: true));
    }

    [Fact]
    public void Motion_correct_with_binning_then_export_writes_both_pixel_sizes()
    {
        // The real chain: tiny preset movies at 2.5 Å/px, motion.correct binning by 2, export.relion.
        using var project = Project.Open(Path.Combine(_root, "motion"), StageProtocols.Kinds, create: true);
        new Runner(project, StageProtocols.Registry(), new RunnerOptions(2)).RunPipeline(PipelineParser.Parse("""
            [[run]]
            name = "simulate"
            protocol = "simulate.preset"
            params = { preset = "tiny", seed = 3 }

            [[run]]
            name = "motion"
            protocol = "motion.correct"
            inputs = { movies = "simulate.movies" }
            params = { binning = 2, patches = 1, max_trajectory_length_a = 1000, max_frame_shift_a = 1000 }

            [[run]]
            name = "export"
            protocol = "export.relion"
            inputs = { micrographs = "motion.micrographs" }
            """, "motion.toml"));
        var movies = project.ReadRows(EmKinds.Movie, project.FindSet("simulate.movies").Id);
        var micrographs = project.ReadRows(EmKinds.CorrectedMicrograph, project.FindSet("motion.micrographs").Id);
        Assert.Equal(movies.Count, micrographs.Count);
        string star = project.Resolve(project.ReadRows(Workflow.Sets.BuiltInKinds.File, project.FindSet("export.star").Id).Single().Row.Path);
        var optics = StarReader.Read(star).Require("optics").RequireLoop(star);
        Assert.Equal(1, optics.RowCount);
        Assert.Equal(movies[0].Row.PixelSizeA, optics.GetDouble(0, StarLabels.MicrographOriginalPixelSize), 6);
        Assert.Equal(micrographs[0].Row.PixelSizeA, optics.GetDouble(0, StarLabels.MicrographPixelSize), 6);
        Assert.Equal(2 * movies[0].Row.PixelSizeA, micrographs[0].Row.PixelSizeA, 6);
        // The row itself carries the movie's pixel size (kind version 2), so the export needs no movie file for it.
        Assert.All(micrographs, m => Assert.Equal(movies[0].Row.PixelSizeA, m.Row.MoviePixelSizeA!.Value, 6));
    }

    [Fact]
    public void Rows_that_carry_the_movie_pixel_size_need_no_movie_file()
    {
        // Kind version 2 rows carry the movie's pixel size: no movie file is read, and the binned size still comes out.
        Assert.Equal((MoviePixelA, 2 * MoviePixelA), Export(micrographWidth: 48, keepMovie: false, carry: true));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }
}
