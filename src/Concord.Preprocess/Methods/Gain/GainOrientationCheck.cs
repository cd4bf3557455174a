using Concord.Core;
using Concord.Core.Imaging;

namespace Concord.Preprocess.Methods.Gain;

/// <summary>Correlation of the supplied gain, turned by <see cref="Orientation"/>, with the blind estimate (NaN where
/// that orientation does not fit the frame size).</summary>
public sealed record OrientationScore(GainOrientation Orientation, double Correlation);

/// <summary>Verdict on a supplied gain reference.</summary>
/// <param name="Scores">All 8 orientations, in the order of <see cref="GainOrientation.All"/>.</param>
/// <param name="Best">The orientation with the highest correlation.</param>
/// <param name="SuppliedIsCorrect">True when the orientation the user gave is the best one and correlates convincingly.</param>
/// <param name="Message">One readable sentence for the user.</param>
public sealed record GainOrientationReport(IReadOnlyList<OrientationScore> Scores, OrientationScore Best, bool SuppliedIsCorrect, string Message);

/// <summary>
/// Says whether a user's gain reference fits the movies, and in which orientation, by correlating each of the 8
/// orientations of it with a blind estimate from the movies (<see cref="BlindGainEstimator"/>). The correlation is
/// Pearson's over the typical pixels of both (within <see cref="TypicalSigma"/> robust standard deviations of the
/// median): defects would otherwise dominate it, and a defect column maps onto itself under a flip along the column,
/// so a wrongly flipped gain would still correlate well. The pixel-to-pixel scatter that remains identifies the
/// orientation. A convincing fit must beat <see cref="MinimumCorrelation"/> and the runner-up by <see cref="MinimumMargin"/>.
/// </summary>
public static class GainOrientationCheck
{
    public const double MinimumCorrelation = 0.3;
    public const double MinimumMargin = 0.1;
    public const double TypicalSigma = 4;

    /// <param name="blindGain">The blind estimate, in the frames' orientation.</param>
    /// <param name="suppliedGain">The user's gain as stored.</param>
    /// <param name="suppliedOrientation">The orientation the user asked for.</param>
    public static GainOrientationReport Check(Image2D blindGain, Image2D suppliedGain, GainOrientation suppliedOrientation = default)
    {
        var scores = new List<OrientationScore>(8);
        var blindTypical = Typical(blindGain.Span);
        foreach (var orientation in GainOrientation.All)
        {
            var (w, h) = orientation.OrientedSize(suppliedGain.Width, suppliedGain.Height);
            if (w != blindGain.Width || h != blindGain.Height)
            {
                scores.Add(new OrientationScore(orientation, double.NaN));
                continue;
            }
            using var turned = orientation.Apply(suppliedGain);
            scores.Add(new OrientationScore(orientation, Pearson(turned.Span, blindGain.Span, blindTypical, Typical(turned.Span))));
        }
        var valid = scores.Where(s => !double.IsNaN(s.Correlation)).OrderByDescending(s => s.Correlation).ToList();
        if (valid.Count == 0)
        {
            throw new ShapeMismatchException(
                $"The gain reference is {suppliedGain.Width}×{suppliedGain.Height} px and fits the {blindGain.Width}×{blindGain.Height} px frames in no orientation.");
        }
        var best = valid[0];
        double margin = valid.Count > 1 ? best.Correlation - valid[1].Correlation : best.Correlation;
        bool convincing = best.Correlation >= MinimumCorrelation && margin >= MinimumMargin;
        var asked = scores.First(s => Same(s.Orientation, suppliedOrientation));
        bool correct = convincing && Same(best.Orientation, suppliedOrientation);
        string message = correct
            ? $"The gain reference fits the movies as given ({suppliedOrientation}: r = {best.Correlation:F3}; next best r = {(valid.Count > 1 ? valid[1].Correlation : double.NaN):F3})."
            : convincing
                ? $"The gain reference does not fit as given ({suppliedOrientation}: r = {asked.Correlation:F3}); it fits after {best.Orientation} (r = {best.Correlation:F3}): use those options."
                : $"No orientation of the gain reference fits the movies convincingly (best {best.Orientation}: r = {best.Correlation:F3}, margin {margin:F3}); it may belong to another camera or session.";
        return new GainOrientationReport(scores, best, correct, message);
    }

    /// <summary>A flip in Y after q quarter turns is the same as a flip in X after q + 2, so compare by effect.</summary>
    private static bool Same(GainOrientation a, GainOrientation b) => Canonical(a) == Canonical(b);

    private static GainOrientation Canonical(GainOrientation o) =>
        o.Flip == GainFlip.FlipY ? new GainOrientation((o.QuarterTurns + 2) % 4, GainFlip.FlipX) : o;

    /// <summary>Which pixels lie within <see cref="TypicalSigma"/> robust standard deviations of the median.</summary>
    private static bool[] Typical(ReadOnlySpan<float> values)
    {
        var all = new bool[values.Length];
        Array.Fill(all, true);
        var (median, sigma) = MaskedBoxMean.RobustSpread(values, all);
        var typical = new bool[values.Length];
        for (int i = 0; i < values.Length; i++)
            typical[i] = float.IsFinite(values[i]) && Math.Abs(values[i] - median) <= TypicalSigma * sigma;
        return typical;
    }

    internal static double Pearson(ReadOnlySpan<float> a, ReadOnlySpan<float> b, bool[]? useA = null, bool[]? useB = null)
    {
        double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
        long n = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (!float.IsFinite(a[i]) || !float.IsFinite(b[i]) || (useA is not null && !useA[i]) || (useB is not null && !useB[i]))
                continue;
            sa += a[i];
            sb += b[i];
            saa += (double)a[i] * a[i];
            sbb += (double)b[i] * b[i];
            sab += (double)a[i] * b[i];
            n++;
        }
        if (n < 2)
            return double.NaN;
        double cov = (sab / n) - (sa / n * (sb / n));
        double va = (saa / n) - (sa / n * (sa / n)), vb = (sbb / n) - (sb / n * (sb / n));
        return va > 0 && vb > 0 ? cov / Math.Sqrt(va * vb) : 0;
    }
}
