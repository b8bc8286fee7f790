using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Greedy;

/// <summary>
/// A stand-in layer trainer for driver tests: "trains" by reading its input <see cref="Passes"/> times, remembers
/// exactly what it was fed, and returns a seeded random sigmoid encoder.
/// </summary>
internal sealed class RecordingTrainer(int hiddenUnits, int seed, int passes = 3) : ILayerTrainer, IDisposable
{
    public string Kind => "recording";

    public int Passes => passes;

    public int FitCalls { get; private set; }

    public Tensor? SeenInputs { get; private set; }

    public Func<int, Exception?> FailOnFit { get; init; } = _ => null;

    public IReadOnlyList<long> Describe(IReadOnlyList<long> inputShape) => [hiddenUnits];

    public PretrainedLayer Fit(ILayerInput train, ILayerInput? validation, RunContext context, string stage, ITrainingCallback? callback = null)
    {
        FitCalls++;
        if (FailOnFit(FitCalls) is Exception failure)
            throw failure;
        for (var pass = 0; pass < passes; pass++)
        {
            var rows = new List<Tensor>();
            foreach (var batch in train.Batches(7, shuffle: null, context.Device))
                rows.Add(batch.clone().DetachFromDisposeScope());
            SeenInputs?.Dispose();
            SeenInputs = cat(rows, 0).DetachFromDisposeScope();
            rows.ForEach(r => r.Dispose());
        }
        using var generator = new Generator((ulong)seed);
        var weight = randn([hiddenUnits, train.Width], generator: generator);
        var bias = randn([hiddenUnits], generator: generator);
        return new PretrainedLayer(Kind, weight, bias, EncoderActivation.Sigmoid);
    }

    public void Dispose() => SeenInputs?.Dispose();
}

/// <summary>Counts how often a layer input is read in full, to prove the frozen layers are not recomputed.</summary>
internal sealed class CountingInput(ILayerInput inner) : ILayerInput
{
    public int Enumerations { get; private set; }

    public long Count => inner.Count;

    public int Width => inner.Width;

    public IReadOnlyList<long> SampleShape => inner.SampleShape;

    public IEnumerable<Tensor> Batches(int batchSize, Generator? shuffle, Device device)
    {
        Enumerations++;
        return inner.Batches(batchSize, shuffle, device);
    }
}
