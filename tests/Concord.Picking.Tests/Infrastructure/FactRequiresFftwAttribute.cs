using Concord.Core.Fourier;

namespace Concord.Picking.Tests.Infrastructure;

/// <summary>A fact that is skipped, with the reason printed by the runner, when libfftw3f cannot be loaded.</summary>
public sealed class FactRequiresFftwAttribute : FactAttribute
{
    public FactRequiresFftwAttribute()
    {
        if (!FftwBackend.IsAvailable)
            Skip = "libfftw3f.so.3 not found (apt-get install libfftw3-single3)";
    }
}
