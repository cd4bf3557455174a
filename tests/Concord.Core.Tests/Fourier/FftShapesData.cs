namespace Concord.Core.Tests.Fourier;

/// <summary>Shapes shared by the per-backend FFT tests: even, odd, prime and mixed-radix sizes in 1D, 2D and 3D.</summary>
public static class FftShapesData
{
    /// <summary>Small enough for the O(N·Σn) reference DFT.</summary>
    public static TheoryData<int, int, int> ReferenceShapes => new()
    {
        { 1, 1, 1 }, { 2, 1, 1 }, { 3, 1, 1 }, { 5, 1, 1 }, { 7, 1, 1 }, { 8, 1, 1 }, { 12, 1, 1 }, { 13, 1, 1 },
        { 17, 1, 1 }, { 96, 1, 1 }, { 100, 1, 1 }, { 1, 5, 1 }, { 2, 3, 1 }, { 8, 12, 1 }, { 13, 7, 1 }, { 12, 17, 1 },
        { 96, 5, 1 }, { 5, 100, 1 }, { 17, 13, 1 }, { 8, 12, 5 }, { 7, 3, 13 }, { 12, 8, 17 }, { 3, 2, 2 }, { 13, 17, 3 }, { 127, 1, 1 }, { 1009, 1, 1 }, { 67, 134, 1 }, { 10, 6, 71 },
    };

    public static TheoryData<int, int, int> RoundTripShapes => new()
    {
        { 4096, 1, 1 }, { 96, 1, 1 }, { 100, 1, 1 }, { 350, 1, 1 }, { 97, 1, 1 }, { 101, 1, 1 }, { 127, 1, 1 },
        { 1024, 1, 1 }, { 256, 256, 1 }, { 96, 100, 1 }, { 350, 97, 1 }, { 101, 127, 1 }, { 128, 3, 1 },
        { 64, 64, 64 }, { 96, 100, 7 }, { 27, 25, 13 }, { 97, 101, 5 }, { 33, 127, 10 },
    };
}
