using BenchmarkDotNet.Attributes;

using Concord.Core.Fourier;

namespace Concord.Benchmarks;

/// <summary>
/// Forward + inverse real FFT of the shapes that dominate cryo-EM work, for the FFTW wrapper, FFTW called directly
/// on native aligned buffers (the wrapper's peer, same plan flags), and the managed backend. The fair comparison is
/// single-threaded (FFTW plans are single-threaded); <see cref="ManagedParallel"/> shows the managed backend on all
/// cores. Each case is one item of <see cref="Case"/>: "4096x4096", "4096x3072", "256^3" or "64x256x256" (batch).
/// </summary>
[MemoryDiagnoser]
public class FftBenchmarks : IDisposable
{
    private FftShape _shape;
    private int _count;
    private float[] _real = [];
    private Complex32[] _spectrum = [];
    private IFftBackend? _fftw, _fftwUnaligned, _managed, _managedParallel;
    private RawFftw? _raw;

    [Params("4096x4096", "4096x3072", "256^3", "64x256x256")]
    public string Case { get; set; } = "4096x4096";

    private void Allocate()
    {
        (_shape, _count) = Case switch
        {
            "4096x4096" => (new FftShape(4096, 4096), 1),
            "4096x3072" => (new FftShape(4096, 3072), 1),
            "256^3" => (new FftShape(256, 256, 256), 1),
            "64x256x256" => (new FftShape(256, 256), 64),
            _ => throw new InvalidOperationException($"unknown case {Case}"),
        };
        var rng = new Random(1);
        _real = new float[_shape.RealLength * _count];
        for (int i = 0; i < _real.Length; i++)
            _real[i] = (float)rng.NextDouble();
        _spectrum = new Complex32[_shape.ComplexLength * _count];
    }

    [GlobalSetup(Target = nameof(Fftw))]
    public void SetupFftw()
    {
        Allocate();
        _fftw = new FftwBackend(FftwPlanRigor.Measure, maxDegreeOfParallelism: 1);
        Fftw();
    }

    [GlobalSetup(Target = nameof(FftwUnaligned))]
    public void SetupFftwUnaligned()
    {
        Allocate();
        _fftwUnaligned = new FftwBackend(FftwPlanRigor.Measure, 1, unaligned: true);
        FftwUnaligned();
    }

    [GlobalSetup(Target = nameof(FftwRaw))]
    public void SetupRaw()
    {
        Allocate();
        _raw = new RawFftw(_shape, _count, _real);
    }

    [GlobalSetup(Target = nameof(Managed))]
    public void SetupManaged()
    {
        Allocate();
        _managed = new ManagedFftBackend(maxDegreeOfParallelism: 1);
    }

    [GlobalSetup(Target = nameof(ManagedParallel))]
    public void SetupManagedParallel()
    {
        Allocate();
        _managedParallel = new ManagedFftBackend(maxDegreeOfParallelism: -1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _fftw?.Dispose();
        _fftwUnaligned?.Dispose();
        _managed?.Dispose();
        _managedParallel?.Dispose();
        _raw?.Dispose();
        _fftw = _fftwUnaligned = _managed = _managedParallel = null;
        _raw = null;
    }

    public void Dispose() => Cleanup();

    [Benchmark(Baseline = true, Description = "FFTW raw (native buffers)")]
    public void FftwRaw() => _raw!.Run();

    [Benchmark(Description = "FFTW wrapper")]
    public void Fftw() => Run(_fftw!);

    [Benchmark(Description = "FFTW wrapper, FFTW_UNALIGNED")]
    public void FftwUnaligned() => Run(_fftwUnaligned!);

    [Benchmark(Description = "managed, 1 thread")]
    public void Managed() => Run(_managed!);

    [Benchmark(Description = "managed, all cores")]
    public void ManagedParallel() => Run(_managedParallel!);

    private void Run(IFftBackend backend)
    {
        var plan = backend.GetPlan(_shape);
        if (_count == 1)
        {
            plan.Forward(_real, _spectrum);
            plan.Inverse(_spectrum, _real);
        }
        else
        {
            plan.ForwardBatch(_real, _spectrum, _count);
            plan.InverseBatch(_spectrum, _real, _count);
        }
    }
}
