using Concord.Core.Fourier;

namespace Concord.Core.Tests.Infrastructure;

/// <summary>A fact that is skipped, with the reason printed by the runner, when libfftw3f cannot be loaded.</summary>
public sealed class FactRequiresFftwAttribute : FactAttribute
{
    public FactRequiresFftwAttribute()
    {
        if (!FftwBackend.IsAvailable)
            Skip = FftwMissingReason;
    }

    public const string FftwMissingReason = "libfftw3f.so.3 not found (apt-get install libfftw3-single3)";
}

/// <summary>A theory that is skipped, with the reason printed by the runner, when libfftw3f cannot be loaded.</summary>
public sealed class TheoryRequiresFftwAttribute : TheoryAttribute
{
    public TheoryRequiresFftwAttribute()
    {
        if (!FftwBackend.IsAvailable)
            Skip = FactRequiresFftwAttribute.FftwMissingReason;
    }
}
