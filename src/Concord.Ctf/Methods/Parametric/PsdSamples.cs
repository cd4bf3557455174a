namespace Concord.Ctf.Methods.Parametric;

/// <summary>A 1D profile of the PSD: mean power per bin of 1 Fourier pixel, at frequency <see cref="FrequencyPerA"/>.</summary>
internal sealed record PsdProfile(double[] FrequencyPerA, double[] Power, int[] Counts);

/// <summary>
/// The samples of a 2D PSD that a fit uses: the half plane kx ≥ 2 (the PSD of a real image is centrosymmetric, so it
/// carries everything once) between two spatial frequencies, leaving out the rows |ky| ≤ 1 where the tile edges add
/// a cross of spurious power. Each sample keeps its frequency (sx, sy) in 1/Å and its power; the arrays are flat so
/// model evaluations walk them without indirection.
/// </summary>
internal sealed class PsdSamples
{
    private PsdSamples(double[] sx, double[] sy, double[] power, double binWidth)
    {
        Sx = sx;
        Sy = sy;
        Power = power;
        BinWidthPerA = binWidth;
        int n = power.Length;
        Frequency = new double[n];
        RootFrequency = new double[n];
        Squared = new double[n];
        Cross = new double[n];
        Twice = new double[n];
        for (int i = 0; i < n; i++)
        {
            Squared[i] = sx[i] * sx[i] + sy[i] * sy[i];
            Frequency[i] = Math.Sqrt(Squared[i]);
            RootFrequency[i] = Math.Sqrt(Frequency[i]);
            Cross[i] = sx[i] * sx[i] - sy[i] * sy[i];
            Twice[i] = 2 * sx[i] * sy[i];
        }
    }

    public double[] Sx { get; }
    public double[] Sy { get; }
    public double[] Power { get; }

    /// <summary>Per sample, precomputed for the model: |s|, √|s|, s², sx² − sy² and 2·sx·sy.</summary>
    public double[] Frequency { get; }
    public double[] RootFrequency { get; }
    public double[] Squared { get; }
    public double[] Cross { get; }
    public double[] Twice { get; }

    /// <summary>Width of one Fourier pixel in 1/Å (1 / (tile · pixel size)).</summary>
    public double BinWidthPerA { get; }

    public int Count => Power.Length;

    /// <summary>Collects the samples of <paramref name="psd"/> (half-complex, tile² box) with sMin ≤ |s| ≤ sMax (1/Å).</summary>
    public static PsdSamples FromHalfComplex(double[] psd, int tile, double pixelSizeA, double sMinPerA, double sMaxPerA)
    {
        int half = tile / 2 + 1;
        double step = 1.0 / (tile * pixelSizeA);
        var sx = new List<double>();
        var sy = new List<double>();
        var power = new List<double>();
        for (int y = 0; y < tile; y++)
        {
            int ky = y <= tile / 2 ? y : y - tile;
            if (Math.Abs(ky) <= 1)
                continue;
            for (int kx = 2; kx < half; kx++)
            {
                double fx = kx * step, fy = ky * step;
                double s = Math.Sqrt(fx * fx + fy * fy);
                if (s < sMinPerA || s > sMaxPerA)
                    continue;
                sx.Add(fx);
                sy.Add(fy);
                power.Add(psd[y * half + kx]);
            }
        }
        return new PsdSamples(sx.ToArray(), sy.ToArray(), power.ToArray(), step);
    }

    /// <summary>Power with <paramref name="frequencyOf"/> giving each sample's (possibly remapped) frequency, binned by 1 Fourier pixel.</summary>
    public PsdProfile Profile(Func<int, double> frequencyOf, Func<int, bool>? include = null)
    {
        int bins = 0;
        var index = new int[Count];
        for (int i = 0; i < Count; i++)
        {
            index[i] = (int)Math.Round(frequencyOf(i) / BinWidthPerA);
            bins = Math.Max(bins, index[i] + 1);
        }
        var sum = new double[bins];
        var frequency = new double[bins];
        var counts = new int[bins];
        for (int i = 0; i < Count; i++)
        {
            if (include is not null && !include(i))
                continue;
            int b = index[i];
            sum[b] += Power[i];
            frequency[b] += frequencyOf(i);
            counts[b]++;
        }
        var kept = Enumerable.Range(0, bins).Where(b => counts[b] > 0).ToArray();
        return new PsdProfile(
            kept.Select(b => frequency[b] / counts[b]).ToArray(),
            kept.Select(b => sum[b] / counts[b]).ToArray(),
            kept.Select(b => counts[b]).ToArray());
    }

    /// <summary>The rotational average: samples binned by |s|.</summary>
    public PsdProfile RotationalProfile() => Profile(i => Math.Sqrt(Sx[i] * Sx[i] + Sy[i] * Sy[i]));

    /// <summary>
    /// The average along the contours of equal CTF phase of an astigmatic defocus (an "elliptical" average): each
    /// sample moves to the frequency at which the mean defocus gives its phase, so the rings of an astigmatic PSD
    /// line up in 1D as sharply as those of a round one and the lower envelope touches the background.
    /// </summary>
    public PsdProfile EquiphaseProfile(DefocusForm defocus, double k1, double k2) =>
        Profile(i => defocus.EquivalentFrequency(Sx[i], Sy[i], k1, k2));

    /// <summary>The rotational average over the samples whose direction atan2(sy, sx) lies in [from, to) radians.</summary>
    public PsdProfile SectorProfile(double fromRad, double toRad) =>
        Profile(i => Math.Sqrt(Sx[i] * Sx[i] + Sy[i] * Sy[i]), i =>
        {
            double angle = Math.Atan2(Sy[i], Sx[i]);
            return angle >= fromRad && angle < toRad;
        });
}

/// <summary>
/// An astigmatic defocus as the quadratic form Δf(α) = Mean + Cos2·cos 2α + Sin2·sin 2α (Å), which is linear in its three
/// parameters, so fits need no angle and never meet the U/V swap; U, V and the angle follow from it.
/// </summary>
internal readonly record struct DefocusForm(double MeanA, double Cos2A, double Sin2A)
{
    public double HalfAstigmatismA => Math.Sqrt(Cos2A * Cos2A + Sin2A * Sin2A);
    public double DefocusUA => MeanA + HalfAstigmatismA;
    public double DefocusVA => MeanA - HalfAstigmatismA;

    /// <summary>Angle of the U axis from the x axis in degrees, in (−90, 90] (RELION's rlnDefocusAngle).</summary>
    public double AngleDeg => 0.5 * Math.Atan2(Sin2A, Cos2A) * 180 / Math.PI;

    public static DefocusForm FromUVAngle(double uA, double vA, double angleDeg)
    {
        double half = 0.5 * (uA - vA), twice = 2 * angleDeg * Math.PI / 180;
        return new DefocusForm(0.5 * (uA + vA), half * Math.Cos(twice), half * Math.Sin(twice));
    }

    /// <summary>Δf·s² at (sx, sy): Mean·s² + Cos2·(sx² − sy²) + Sin2·2 sx sy.</summary>
    public double DefocusTimesS2(double sx, double sy) =>
        MeanA * (sx * sx + sy * sy) + Cos2A * (sx * sx - sy * sy) + Sin2A * 2 * sx * sy;

    /// <summary>
    /// The frequency at which the mean defocus reaches the phase that this defocus has at (sx, sy): with x = s², the
    /// smaller root of K2 x_e² − K1·Mean·x_e = K2 x² − K1·Δf(α)·x, in the cancellation-free form.
    /// </summary>
    public double EquivalentFrequency(double sx, double sy, double k1, double k2)
    {
        double x = sx * sx + sy * sy;
        double g = k2 * x * x - k1 * DefocusTimesS2(sx, sy);
        double b = k1 * MeanA;
        double discriminant = b * b + 4 * k2 * g;
        if (discriminant <= 0 || b <= 0)
            return Math.Sqrt(x);
        double xe = -2 * g / (b + Math.Sqrt(discriminant));
        return xe > 0 ? Math.Sqrt(xe) : Math.Sqrt(x);
    }
}
