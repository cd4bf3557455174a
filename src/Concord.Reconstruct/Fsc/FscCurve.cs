namespace Concord.Reconstruct.Fsc;

/// <summary>
/// A Fourier shell correlation curve: <see cref="Fsc"/>[s] for shells s = 0 … N/2 (shell s at spatial frequency
/// s / (N·pixel) 1/Å), with the number of Fourier components in each shell (full sphere, both Friedel mates counted).
/// </summary>
public sealed record FscCurve(double[] Fsc, long[] Count, int BoxSize, double PixelSizeA)
{
    public int ShellCount => Fsc.Length;

    /// <summary>Spatial frequency of shell <paramref name="shell"/> in 1/Å.</summary>
    public double FrequencyOfShell(double shell) => shell / (BoxSize * PixelSizeA);

    /// <summary>Resolution of shell <paramref name="shell"/> in Å (∞ at shell 0).</summary>
    public double ResolutionOfShell(double shell) => shell <= 0 ? double.PositiveInfinity : BoxSize * PixelSizeA / shell;

    /// <summary>Nyquist resolution in Å (2 pixels).</summary>
    public double NyquistA => 2 * PixelSizeA;

    /// <summary>First shell ≥ 1 whose FSC is below <paramref name="threshold"/>, or −1 when the curve never drops below it.</summary>
    public int FirstShellBelow(double threshold)
    {
        for (int s = 1; s < Fsc.Length; s++)
            if (Fsc[s] < threshold)
                return s;
        return -1;
    }

    /// <summary>
    /// The (fractional) shell where the curve first crosses <paramref name="threshold"/>, linearly interpolated
    /// between the last shell at or above it and the first below it; the last shell when it never drops below.
    /// </summary>
    public double CrossingShell(double threshold)
    {
        int below = FirstShellBelow(threshold);
        if (below < 0)
            return Fsc.Length - 1;
        double above = Fsc[below - 1], under = Fsc[below];
        double t = above == under ? 0 : (above - threshold) / (above - under);
        return below - 1 + Math.Clamp(t, 0, 1);
    }

    /// <summary>Resolution in Å where the FSC crosses <paramref name="threshold"/> (0.143 gold standard, 0.5 against a reference).</summary>
    public double ResolutionAt(double threshold) => ResolutionOfShell(CrossingShell(threshold));

    /// <summary>True when the curve stays at or above <paramref name="threshold"/> up to Nyquist.</summary>
    public bool ReachesNyquist(double threshold) => FirstShellBelow(threshold) < 0;
}
