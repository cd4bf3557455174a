using System.Globalization;
using Concord.Core.Ctf;
using Concord.Core.Geometry;
using Concord.IO.Relion;
using Concord.IO.Star;

namespace Concord.Protocols.Sets;

/// <summary>Converts particle rows to and from RELION's <see cref="ParticleRecord"/> and <see cref="OpticsGroup"/>.</summary>
public static class ParticleRows
{
    /// <summary>The item key of the particle at 1-based position <paramref name="number"/> of a set: p000001, sortable.</summary>
    public static string Key(int number) => "p" + number.ToString("D7", CultureInfo.InvariantCulture);

    public static ParticleRow FromRecord(ParticleRecord p, OpticsGroup optics, string? micrographName, double? xPx, double? yPx) => new(
        p.Image.Path, p.Image.Number ?? 1, micrographName, xPx, yPx,
        p.Pose.Angles.Rot, p.Pose.Angles.Tilt, p.Pose.Angles.Psi, p.Pose.OriginXA, p.Pose.OriginYA,
        p.Ctf?.DefocusUA, p.Ctf?.DefocusVA, p.Ctf?.DefocusAngleDeg, p.Ctf?.PhaseShiftDeg ?? 0, p.Ctf?.BFactorA2 ?? 0,
        p.RandomSubset, optics.Number, optics.Name, optics.PixelSizeA, optics.ImageSize, optics.VoltageKv, optics.SphericalAberrationMm, optics.AmplitudeContrast);

    public static Pose Pose(this ParticleRow row) => new(row.RotDeg, row.TiltDeg, row.PsiDeg, row.OriginXA, row.OriginYA);

    /// <summary>The CTF of a particle (optics values from its row), or null when it has none.</summary>
    public static CtfParameters? Ctf(this ParticleRow row) => row.DefocusUA is not double u ? null : new CtfParameters
    {
        VoltageKv = row.VoltageKv,
        SphericalAberrationMm = row.SphericalAberrationMm,
        AmplitudeContrast = row.AmplitudeContrast,
        DefocusUA = u,
        DefocusVA = row.DefocusVA ?? u,
        DefocusAngleDeg = row.DefocusAngleDeg ?? 0,
        PhaseShiftDeg = row.PhaseShiftDeg,
        BFactorA2 = row.CtfBFactorA2,
    };

    public static OpticsGroup Optics(this ParticleRow row) =>
        new(row.OpticsGroup, row.OpticsGroupName, row.PixelSizeA, row.BoxPx, row.VoltageKv, row.SphericalAberrationMm, row.AmplitudeContrast);

    /// <summary>The RELION record of a row, its image path written as <paramref name="imagePath"/>.</summary>
    public static ParticleRecord ToRecord(this ParticleRow row, string imagePath)
    {
        var extra = new Dictionary<StarLabel, string>();
        if (row.MicrographName is not null)
            extra[StarLabels.MicrographName] = row.MicrographName;
        if (row.XPx is double x && row.YPx is double y)
        {
            extra[StarLabels.CoordinateX] = x.ToString("0.##", CultureInfo.InvariantCulture);
            extra[StarLabels.CoordinateY] = y.ToString("0.##", CultureInfo.InvariantCulture);
        }
        return new ParticleRecord(new StarImageReference(imagePath, row.ImageNumber), row.Pose(), row.Ctf(), row.RandomSubset, row.OpticsGroup,
            extra.Count > 0 ? extra : null);
    }
}
