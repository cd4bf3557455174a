using Concord.Core;
using Concord.Core.Imaging;

namespace Concord.Preprocess.Methods.Gain;

/// <summary>Mirror applied to a gain reference after its rotation, numbered as RELION's <c>--gain_flip</c>.</summary>
public enum GainFlip
{
    /// <summary>No mirror (RELION 0).</summary>
    None = 0,

    /// <summary>Upside down: row y goes to row H − 1 − y (RELION 1, "flip Y").</summary>
    FlipY = 1,

    /// <summary>Left to right: column x goes to column W − 1 − x (RELION 2, "flip X").</summary>
    FlipX = 2,
}

/// <summary>
/// How a gain reference must be turned to match the movie frames, as RELION's <c>--gain_rot</c> and
/// <c>--gain_flip</c>: first rotate by <see cref="QuarterTurns"/> × 90°, then flip.
/// <para>
/// Direction: RELION rotates "clockwise in relion_display", which draws row 0 at the top (y pointing down). A quarter
/// turn therefore sends pixel (x, y) of a W × H gain to (H − 1 − y, x) of the H × W result: the top-left corner goes
/// to the top-right. Two quarter turns send (x, y) to (W − 1 − x, H − 1 − y); three send (x, y) to (y, W − 1 − x).
/// </para>
/// <para>
/// The 4 rotations × {no flip, flip X} give all 8 symmetries of the square; a flip Y equals a flip X after a half turn
/// more, so <see cref="All"/> lists each of the 8 once, with <see cref="GainFlip.FlipX"/> for the mirrored ones.
/// </para>
/// </summary>
public readonly record struct GainOrientation
{
    public GainOrientation(int quarterTurns, GainFlip flip = GainFlip.None)
    {
        if (quarterTurns is < 0 or > 3)
            throw new InvalidParameterException("gainRotation", $"must be 0, 1, 2 or 3 quarter turns clockwise (RELION --gain_rot), got {quarterTurns}.");
        if (!Enum.IsDefined(flip))
            throw new InvalidParameterException("gainFlip", $"must be 0 (none), 1 (flip Y) or 2 (flip X) (RELION --gain_flip), got {(int)flip}.");
        QuarterTurns = quarterTurns;
        Flip = flip;
    }

    /// <summary>Clockwise quarter turns as displayed with row 0 at the top (RELION <c>--gain_rot</c>).</summary>
    public int QuarterTurns { get; }

    /// <summary>Mirror applied after the rotation (RELION <c>--gain_flip</c>).</summary>
    public GainFlip Flip { get; }

    /// <summary>The gain used as stored.</summary>
    public static GainOrientation Identity => default;

    /// <summary>The 8 distinct orientations: rotations 0–3 without a flip, then rotations 0–3 followed by a flip in X.</summary>
    public static IReadOnlyList<GainOrientation> All { get; } =
    [
        new(0), new(1), new(2), new(3),
        new(0, GainFlip.FlipX), new(1, GainFlip.FlipX), new(2, GainFlip.FlipX), new(3, GainFlip.FlipX),
    ];

    /// <summary>Width and height of a <paramref name="width"/> × <paramref name="height"/> gain after this orientation.</summary>
    public (int Width, int Height) OrientedSize(int width, int height) => QuarterTurns % 2 == 0 ? (width, height) : (height, width);

    /// <summary>Where pixel (x, y) of a <paramref name="width"/> × <paramref name="height"/> source lands in the oriented image.</summary>
    public (int X, int Y) Map(int x, int y, int width, int height)
    {
        var (rx, ry) = QuarterTurns switch
        {
            0 => (x, y),
            1 => (height - 1 - y, x),
            2 => (width - 1 - x, height - 1 - y),
            _ => (y, width - 1 - x),
        };
        var (ow, oh) = OrientedSize(width, height);
        return Flip switch
        {
            GainFlip.FlipX => (ow - 1 - rx, ry),
            GainFlip.FlipY => (rx, oh - 1 - ry),
            _ => (rx, ry),
        };
    }

    /// <summary>A new image holding <paramref name="source"/> rotated then flipped as this orientation says.</summary>
    public Image2D Apply(Image2D source)
    {
        var (ow, oh) = OrientedSize(source.Width, source.Height);
        var result = Image2D.CreateUninitialized(ow, oh, source.PixelSizeA);
        var s = source.Span;
        var r = result.Span;
        for (int y = 0; y < source.Height; y++)
            for (int x = 0; x < source.Width; x++)
            {
                var (tx, ty) = Map(x, y, source.Width, source.Height);
                r[(ty * ow) + tx] = s[(y * source.Width) + x];
            }
        return result;
    }

    public override string ToString() => $"--gain_rot {QuarterTurns} --gain_flip {(int)Flip}";
}
