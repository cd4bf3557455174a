using System.Globalization;
using System.Text;

namespace Concord.IO.Tests.Star;

/// <summary>STAR texts in RELION's dialects, and a seeded generator of large particle files.</summary>
internal static class StarSamples
{
    public const string Relion31Particles = """

        # version 30001

        data_optics

        loop_
        _rlnOpticsGroupName #1
        _rlnOpticsGroup #2
        _rlnMicrographOriginalPixelSize #3
        _rlnVoltage #4
        _rlnSphericalAberration #5
        _rlnAmplitudeContrast #6
        _rlnImagePixelSize #7
        _rlnImageSize #8
        _rlnImageDimensionality #9
        opticsGroup1 1 0.885000 300.000000 2.700000 0.100000 1.770000 64 2
        "group two" 2 0.885000 200.000000 2.700000 0.070000 1.770000 64 2


        # version 30001

        data_particles

        # a comment inside the block
        loop_
        _rlnImageName #1
        _rlnMicrographName #2
        _rlnDefocusU #3
        _rlnOriginXAngst #4
        _rlnClassNumber #5
        _rlnOpticsGroup #6
        _myLabInternalScore #7
        000001@Extract/job007/a.mrcs MotionCorr/a.mrc 12000.5 1.77 1 1 'left handed'
        000002@Extract/job007/a.mrcs MotionCorr/a.mrc 13000.5 -3.54 2 2 0.5   # trailing comment

        000001@Extract/job007/b.mrcs MotionCorr/b.mrc 1.4e4 0 1 1 ""

        data_model_general

        _rlnReferenceImage   "Class2D/job010/run it001_classes.mrcs"
        _rlnEstimatedResolution 8.5
        """;

    /// <summary>
    /// A RELION 3.1 particle file with <paramref name="rows"/> rows and 16 columns, as relion_refine writes it. Signed values carry
    /// fewer decimals because RELION prints numbers in 12 characters, so its output reproduces every value exactly.
    /// </summary>
    public static string Particles(int rows, int seed)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder(rows * 200 + 4096);
        sb.Append("\n# version 30001\n\ndata_optics\n\nloop_\n_rlnOpticsGroupName #1\n_rlnOpticsGroup #2\n_rlnVoltage #3\n_rlnSphericalAberration #4\n_rlnAmplitudeContrast #5\n_rlnImagePixelSize #6\n_rlnImageSize #7\n_rlnImageDimensionality #8\n");
        sb.Append("opticsGroup1 1 300.000000 2.700000 0.100000 1.060000 128 2\n\n\n# version 30001\n\ndata_particles\n\nloop_\n");
        string[] labels = ["rlnCoordinateX", "rlnCoordinateY", "rlnImageName", "rlnMicrographName", "rlnDefocusU", "rlnDefocusV",
            "rlnDefocusAngle", "rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi", "rlnOriginXAngst", "rlnOriginYAngst", "rlnClassNumber",
            "rlnOpticsGroup", "rlnNormCorrection", "rlnRandomSubset"];
        for (int i = 0; i < labels.Length; i++)
            sb.Append(CultureInfo.InvariantCulture, $"_{labels[i]} #{i + 1}\n");
        for (int r = 0; r < rows; r++)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"{rng.Next(4096)}.000000 {rng.Next(4096)}.000000 {r % 1000 + 1:D6}@Extract/job007/Movies/mic{r / 1000:D5}.mrcs MotionCorr/job002/Movies/mic{r / 1000:D5}.mrc ");
            sb.Append(CultureInfo.InvariantCulture,
                $"{10000 + rng.NextDouble() * 20000:F6} {10000 + rng.NextDouble() * 20000:F6} {rng.NextDouble() * 180:F6} {rng.NextDouble() * 360 - 180:F4} {rng.NextDouble() * 180:F6} {rng.NextDouble() * 360 - 180:F4} ");
            sb.Append(CultureInfo.InvariantCulture,
                $"{rng.NextDouble() * 10 - 5:F5} {rng.NextDouble() * 10 - 5:F5} {rng.Next(1, 51)} 1 {0.8 + rng.NextDouble() * 0.4:F6} {r % 2 + 1}\n");
        }
        return sb.ToString();
    }
}
