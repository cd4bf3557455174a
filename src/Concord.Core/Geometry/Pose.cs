namespace Concord.Core.Geometry;

/// <summary>
/// A particle's orientation and in-plane origin offset, with RELION 3.1 semantics.
/// <para>
/// <see cref="OriginXA"/>, <see cref="OriginYA"/> are rlnOriginXAngst / rlnOriginYAngst: the shift, in Å, that has to
/// be applied to the particle image to bring the particle centre onto the box centre (N/2, N/2). Hence the particle
/// centre lies at (N/2 − OriginX/pixel, N/2 − OriginY/pixel) in the image, a re-centred picking coordinate is
/// rlnCoordinateX − OriginXAngst/pixel, and a projection of the reference must be shifted by −Origin to match the image.
/// </para>
/// </summary>
public readonly record struct Pose(EulerAngles Angles, double OriginXA, double OriginYA)
{
    public Pose(double rotDegrees, double tiltDegrees, double psiDegrees, double originXA = 0, double originYA = 0)
        : this(new EulerAngles(rotDegrees, tiltDegrees, psiDegrees), originXA, originYA) { }

    public Matrix3 Matrix => Angles.ToMatrix();

    /// <summary>Where the particle centre lies in the image, in pixels (x, y), for a box of the given size.</summary>
    public (double X, double Y) ParticleCentrePx(int boxWidth, int boxHeight, double pixelSizeA)
    {
        Imaging.Image2D.ValidatePixelSize(pixelSizeA);
        return (boxWidth / 2 - OriginXA / pixelSizeA, boxHeight / 2 - OriginYA / pixelSizeA);
    }

    /// <summary>The shift in pixels that centres the particle (the origin offset converted from Å).</summary>
    public (double X, double Y) CentringShiftPx(double pixelSizeA)
    {
        Imaging.Image2D.ValidatePixelSize(pixelSizeA);
        return (OriginXA / pixelSizeA, OriginYA / pixelSizeA);
    }
}
