namespace Concord.IO.Star;

/// <summary>
/// The RELION 3.1 labels Concord reads and writes (names, types and units as in RELION's metadata_label.h):
/// optics groups, movies and micrographs, CTF, particles, poses, classes; plus the RELION 3.0 labels that the
/// 3.0→3.1 conversion replaces.
/// </summary>
public static class StarLabels
{
    private static StarLabel S(string name, string doc) => new(name, StarValueType.String, "", doc);
    private static StarLabel D(string name, string unit, string doc) => new(name, StarValueType.Double, unit, doc);
    private static StarLabel I(string name, string doc) => new(name, StarValueType.Int, "", doc);
    private static StarLabel B(string name, string doc) => new(name, StarValueType.Bool, "", doc);

    // Optics groups (data_optics).
    public static readonly StarLabel OpticsGroup = I("rlnOpticsGroup", "1-based optics group number");
    public static readonly StarLabel OpticsGroupName = S("rlnOpticsGroupName", "optics group name");
    public static readonly StarLabel MicrographOriginalPixelSize = D("rlnMicrographOriginalPixelSize", "Å", "pixel size of the raw movies");
    public static readonly StarLabel MicrographPixelSize = D("rlnMicrographPixelSize", "Å", "pixel size of the (motion-corrected, maybe binned) micrographs");
    public static readonly StarLabel ImagePixelSize = D("rlnImagePixelSize", "Å", "pixel size of the particle images");
    public static readonly StarLabel ImageSize = I("rlnImageSize", "box size of the particle images in px");
    public static readonly StarLabel ImageDimensionality = I("rlnImageDimensionality", "2 for images, 3 for subtomograms");
    public static readonly StarLabel Voltage = D("rlnVoltage", "kV", "acceleration voltage");
    public static readonly StarLabel SphericalAberration = D("rlnSphericalAberration", "mm", "spherical aberration Cs");
    public static readonly StarLabel AmplitudeContrast = D("rlnAmplitudeContrast", "", "fraction of amplitude contrast");
    public static readonly StarLabel MtfFileName = S("rlnMtfFileName", "detector MTF STAR file");
    public static readonly StarLabel BeamTiltX = D("rlnBeamTiltX", "mrad", "beam tilt along X");
    public static readonly StarLabel BeamTiltY = D("rlnBeamTiltY", "mrad", "beam tilt along Y");
    public static readonly StarLabel OddZernike = S("rlnOddZernike", "odd Zernike coefficients (antisymmetric aberrations)");
    public static readonly StarLabel EvenZernike = S("rlnEvenZernike", "even Zernike coefficients (symmetric aberrations)");
    public static readonly StarLabel CtfDataAreCtfPremultiplied = B("rlnCtfDataAreCtfPremultiplied", "images were multiplied by their CTF");
    public static readonly StarLabel MicrographBinning = D("rlnMicrographBinning", "", "binning from movies to micrographs");

    // RELION 3.0 pixel size, replaced by optics pixel sizes in 3.1.
    public static readonly StarLabel DetectorPixelSize = D("rlnDetectorPixelSize", "µm", "physical detector pixel size (RELION 3.0)");
    public static readonly StarLabel Magnification = D("rlnMagnification", "", "magnification at the detector (RELION 3.0)");

    // Movies and micrographs.
    public static readonly StarLabel MicrographMovieName = S("rlnMicrographMovieName", "movie file");
    public static readonly StarLabel MicrographName = S("rlnMicrographName", "micrograph file");
    public static readonly StarLabel MicrographMetadata = S("rlnMicrographMetadata", "motion-correction metadata STAR file");
    public static readonly StarLabel MicrographGainName = S("rlnMicrographGainName", "gain reference");
    public static readonly StarLabel MicrographDoseRate = D("rlnMicrographDoseRate", "e⁻/Å²/frame", "dose per frame");
    public static readonly StarLabel MicrographPreExposure = D("rlnMicrographPreExposure", "e⁻/Å²", "dose before the first frame");
    public static readonly StarLabel AccumMotionTotal = D("rlnAccumMotionTotal", "Å", "accumulated global motion");
    public static readonly StarLabel AccumMotionEarly = D("rlnAccumMotionEarly", "Å", "accumulated motion in the early frames");
    public static readonly StarLabel AccumMotionLate = D("rlnAccumMotionLate", "Å", "accumulated motion in the late frames");

    // CTF.
    public static readonly StarLabel CtfImage = S("rlnCtfImage", "power spectrum with fitted CTF");
    public static readonly StarLabel DefocusU = D("rlnDefocusU", "Å", "defocus along the major axis (underfocus positive)");
    public static readonly StarLabel DefocusV = D("rlnDefocusV", "Å", "defocus along the minor axis");
    public static readonly StarLabel DefocusAngle = D("rlnDefocusAngle", "deg", "angle of the major defocus axis from X");
    public static readonly StarLabel CtfAstigmatism = D("rlnCtfAstigmatism", "Å", "DefocusU − DefocusV");
    public static readonly StarLabel CtfFigureOfMerit = D("rlnCtfFigureOfMerit", "", "CTF fit score");
    public static readonly StarLabel CtfMaxResolution = D("rlnCtfMaxResolution", "Å", "resolution to which Thon rings are fitted");
    public static readonly StarLabel PhaseShift = D("rlnPhaseShift", "deg", "phase-plate phase shift");
    public static readonly StarLabel CtfBfactor = D("rlnCtfBfactor", "Å²", "CTF envelope B-factor");
    public static readonly StarLabel CtfScalefactor = D("rlnCtfScalefactor", "", "CTF scale factor");

    // Particles and poses.
    public static readonly StarLabel ImageName = S("rlnImageName", "particle image reference N@stack.mrcs");
    public static readonly StarLabel ImageOriginalName = S("rlnImageOriginalName", "image reference before re-extraction");
    public static readonly StarLabel CoordinateX = D("rlnCoordinateX", "px", "particle centre X on the micrograph");
    public static readonly StarLabel CoordinateY = D("rlnCoordinateY", "px", "particle centre Y on the micrograph");
    public static readonly StarLabel AutopickFigureOfMerit = D("rlnAutopickFigureOfMerit", "", "picking score");
    public static readonly StarLabel AngleRot = D("rlnAngleRot", "deg", "first ZYZ Euler angle");
    public static readonly StarLabel AngleTilt = D("rlnAngleTilt", "deg", "second ZYZ Euler angle");
    public static readonly StarLabel AnglePsi = D("rlnAnglePsi", "deg", "third ZYZ Euler angle (in-plane)");
    public static readonly StarLabel OriginXAngst = D("rlnOriginXAngst", "Å", "particle origin offset along X (RELION 3.1)");
    public static readonly StarLabel OriginYAngst = D("rlnOriginYAngst", "Å", "particle origin offset along Y (RELION 3.1)");
    public static readonly StarLabel OriginX = D("rlnOriginX", "px", "particle origin offset along X (RELION 3.0)");
    public static readonly StarLabel OriginY = D("rlnOriginY", "px", "particle origin offset along Y (RELION 3.0)");
    public static readonly StarLabel NormCorrection = D("rlnNormCorrection", "", "intensity normalisation correction");
    public static readonly StarLabel LogLikeliContribution = D("rlnLogLikeliContribution", "", "log-likelihood contribution");
    public static readonly StarLabel MaxValueProbDistribution = D("rlnMaxValueProbDistribution", "", "largest posterior probability");
    public static readonly StarLabel NrOfSignificantSamples = I("rlnNrOfSignificantSamples", "number of significant orientations");
    public static readonly StarLabel RandomSubset = I("rlnRandomSubset", "half-set (1 or 2)");
    public static readonly StarLabel GroupNumber = I("rlnGroupNumber", "scale/noise group number");
    public static readonly StarLabel GroupName = S("rlnGroupName", "scale/noise group name");

    // Classes.
    public static readonly StarLabel ClassNumber = I("rlnClassNumber", "1-based class assignment");
    public static readonly StarLabel ReferenceImage = S("rlnReferenceImage", "class average or reference map reference");
    public static readonly StarLabel ClassDistribution = D("rlnClassDistribution", "", "fraction of particles in the class");
    public static readonly StarLabel AccuracyRotations = D("rlnAccuracyRotations", "deg", "estimated angular accuracy");
    public static readonly StarLabel AccuracyTranslationsAngst = D("rlnAccuracyTranslationsAngst", "Å", "estimated translational accuracy");
    public static readonly StarLabel EstimatedResolution = D("rlnEstimatedResolution", "Å", "estimated resolution of the class");
    public static readonly StarLabel OverallFourierCompleteness = D("rlnOverallFourierCompleteness", "", "Fourier completeness of the class");

    // Motion correction (RELION's per-movie motion STAR, data_global_shift).
    public static readonly StarLabel MicrographFrameNumber = I("rlnMicrographFrameNumber", "1-based frame number");
    public static readonly StarLabel MicrographShiftX = D("rlnMicrographShiftX", "px", "shift that aligns the frame, X (unbinned px)");
    public static readonly StarLabel MicrographShiftY = D("rlnMicrographShiftY", "px", "shift that aligns the frame, Y (unbinned px)");
    public static readonly StarLabel ImageSizeX = I("rlnImageSizeX", "movie width in px (motion STAR data_general)");
    public static readonly StarLabel ImageSizeY = I("rlnImageSizeY", "movie height in px (motion STAR data_general)");
    public static readonly StarLabel ImageSizeZ = I("rlnImageSizeZ", "number of movie frames (motion STAR data_general)");
    public static readonly StarLabel MicrographStartFrame = I("rlnMicrographStartFrame", "1-based first frame of the sum and of the local model's time axis");
    public static readonly StarLabel MotionModelVersion = I("rlnMotionModelVersion", "local motion model: 0 none, 1 RELION's third-order polynomial");
    public static readonly StarLabel MotionModelCoeffsIdx = I("rlnMotionModelCoeffsIdx", "index of a local motion model coefficient (0–17 X, 18–35 Y)");
    public static readonly StarLabel MotionModelCoeff = D("rlnMotionModelCoeff", "px", "local motion model coefficient");
    public static readonly StarLabel CtfPowerSpectrum = S("rlnCtfPowerSpectrum", "power spectrum of the motion-corrected micrograph");
    public static readonly StarLabel ConcordRejectionReason = S("rlnConcordRejectionReason", "why Concord left an item out, in words");

    // FSC tables (RELION postprocess layout).
    public static readonly StarLabel SpectralIndex = I("rlnSpectralIndex", "Fourier shell index");
    public static readonly StarLabel Resolution = D("rlnResolution", "1/Å", "spatial frequency of the shell");
    public static readonly StarLabel AngstromResolution = D("rlnAngstromResolution", "Å", "resolution of the shell");
    public static readonly StarLabel FourierShellCorrelation = D("rlnFourierShellCorrelation", "", "FSC in the shell");
    public static readonly StarLabel FourierShellCorrelationUnmaskedMaps = D("rlnFourierShellCorrelationUnmaskedMaps", "", "FSC of the unmasked maps");
    public static readonly StarLabel FourierShellCorrelationMaskedMaps = D("rlnFourierShellCorrelationMaskedMaps", "", "FSC of the masked maps");
    public static readonly StarLabel CorrectedFourierShellCorrelationPhaseRandomizedMaskedMaps = D("rlnCorrectedFourierShellCorrelationPhaseRandomizedMaskedMaps", "", "FSC of the phase-randomised masked maps");
    public static readonly StarLabel FourierShellCorrelationCorrected = D("rlnFourierShellCorrelationCorrected", "", "masked FSC corrected for the mask (Chen et al. 2013)");
    public static readonly StarLabel FinalResolution = D("rlnFinalResolution", "Å", "resolution at FSC = 0.143");

    // Concord's own labels (ground truth and consensus figures); RELION ignores labels it does not know.
    public static readonly StarLabel ConcordConformation = I("rlnConcordConformation", "true conformation (1-based) of a simulated particle, 0 for junk");
    public static readonly StarLabel ConcordJunk = S("rlnConcordJunk", "kind of junk of a simulated particle: None, Fragment, OffCentre, Empty");
    public static readonly StarLabel ConcordIceThickness = D("rlnConcordIceThickness", "Å", "true ice thickness at the centre of a simulated micrograph");
    public static readonly StarLabel ConcordDefect = S("rlnConcordDefect", "what a simulated micrograph was spoiled by on purpose (None if good)");
    public static readonly StarLabel ConcordBadRegionMask = S("rlnConcordBadRegionMask", "mask of contaminated regions of a simulated micrograph (1 = bad)");
    public static readonly StarLabel ConcordConformationsAvailable = I("rlnConcordConformations", "number of conformations in a simulation");
    public static readonly StarLabel ConcordCtfMethod = S("rlnConcordCtfMethod", "CTF estimator that produced the row's CTF (periodogram, parametric, consensus)");
    public static readonly StarLabel ConcordCtfIceRingRatio = D("rlnConcordCtfIceRingRatio", "", "ice-ring band (3.7 Å) amplitude over its flanks; about 1 for vitreous ice");
    public static readonly StarLabel ConcordCtfAgreementResolution = D("rlnConcordCtfAgreementResolution", "Å", "resolution up to which two CTF estimates agree within 90° of phase (Marabini et al. 2015)");
    public static readonly StarLabel ConcordCtfPlot = S("rlnConcordCtfPlot", "diagnostic PNG of the CTF fit (spectrum beside the model)");
    public static readonly StarLabel ConcordPickVotes = I("rlnConcordPickVotes", "number of pickers that found the coordinate");
    public static readonly StarLabel ConcordPickers = S("rlnConcordPickers", "names of the pickers that found the coordinate, comma separated");
    public static readonly StarLabel ConcordDeepConsensusScore = D("rlnConcordDeepConsensusScore", "", "deep-consensus probability that the coordinate is a particle (0-1)");

    /// <summary>Every label above, for lookup by name.</summary>
    public static IReadOnlyList<StarLabel> All { get; } =
    [
        OpticsGroup, OpticsGroupName, MicrographOriginalPixelSize, MicrographPixelSize, ImagePixelSize, ImageSize,
        ImageDimensionality, Voltage, SphericalAberration, AmplitudeContrast, MtfFileName, BeamTiltX, BeamTiltY,
        OddZernike, EvenZernike, CtfDataAreCtfPremultiplied, MicrographBinning, DetectorPixelSize, Magnification,
        MicrographMovieName, MicrographName, MicrographMetadata, MicrographGainName, MicrographDoseRate,
        MicrographPreExposure, AccumMotionTotal, AccumMotionEarly, AccumMotionLate,
        CtfImage, DefocusU, DefocusV, DefocusAngle, CtfAstigmatism, CtfFigureOfMerit, CtfMaxResolution, PhaseShift,
        CtfBfactor, CtfScalefactor,
        ImageName, ImageOriginalName, CoordinateX, CoordinateY, AutopickFigureOfMerit, AngleRot, AngleTilt, AnglePsi,
        OriginXAngst, OriginYAngst, OriginX, OriginY, NormCorrection, LogLikeliContribution, MaxValueProbDistribution,
        NrOfSignificantSamples, RandomSubset, GroupNumber, GroupName,
        ClassNumber, ReferenceImage, ClassDistribution, AccuracyRotations, AccuracyTranslationsAngst,
        EstimatedResolution, OverallFourierCompleteness,
        MicrographFrameNumber, MicrographShiftX, MicrographShiftY, ImageSizeX, ImageSizeY, ImageSizeZ, MicrographStartFrame,
        MotionModelVersion, MotionModelCoeffsIdx, MotionModelCoeff, CtfPowerSpectrum, ConcordRejectionReason,
        SpectralIndex, Resolution, AngstromResolution, FourierShellCorrelation, FourierShellCorrelationUnmaskedMaps,
        FourierShellCorrelationMaskedMaps, CorrectedFourierShellCorrelationPhaseRandomizedMaskedMaps,
        FourierShellCorrelationCorrected, FinalResolution,
        ConcordConformation, ConcordJunk, ConcordIceThickness, ConcordDefect, ConcordBadRegionMask, ConcordConformationsAvailable,
        ConcordCtfMethod, ConcordCtfIceRingRatio, ConcordCtfAgreementResolution, ConcordCtfPlot, ConcordPickVotes, ConcordPickers,
        ConcordDeepConsensusScore,
    ];
}
