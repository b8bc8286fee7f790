using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.Autoencoders;
using Pretrain.Pretraining.Runtime;

namespace Pretrain.Benchmarks;

/// <summary>
/// Native resident memory (VmRSS) after epoch 1 and after the last epoch of one DAE layer 784->500 (masking 0.25, Adam,
/// batch 128) trained on the first 6,000 images: a leak of tensors per batch or per epoch shows as growth. Fewer rows
/// than the throughput loops keep 100 epochs short; the per-batch work is the same.
/// </summary>
internal sealed record DaeMemory(int Rows, int Epochs, long AfterEpoch1Bytes, long AfterLastEpochBytes)
{
    public const int MemoryRows = 6000;

    /// <summary>Growth from epoch 1 to the last epoch, in percent of epoch 1.</summary>
    public double GrowthPercent => 100.0 * (AfterLastEpochBytes - AfterEpoch1Bytes) / AfterEpoch1Bytes;

    public static DaeMemory Measure(Dataset data, RunContext context, int epochs)
    {
        var rows = (int)Math.Min(MemoryRows, data.Count);
        using var features = data.Features.narrow(0, 0, rows);
        using var input = new TensorLayerInput(features, owns: false);
        var recorder = new Recorder(epochs);
        var options = new AutoencoderOptions { HiddenUnits = 500, Noise = NoiseKind.Masking, NoiseLevel = 0.25, Epochs = epochs, BatchSize = 128 };
        Console.Write($"memory: DAE 784->500, {epochs} epochs on {rows} rows: ");
        options.CreateTrainer().Fit(input, null, context, "memory", recorder).Dispose();
        var memory = new DaeMemory(rows, epochs, recorder.First, recorder.Last);
        Console.WriteLine($"VmRSS {memory.AfterEpoch1Bytes / 1048576.0:F0} MB after epoch 1, {memory.AfterLastEpochBytes / 1048576.0:F0} MB after epoch {epochs} ({memory.GrowthPercent:+0.0;-0.0}%)");
        return memory;
    }

    /// <summary>Reads VmRSS at the end of epoch 1 and of the last epoch, after a full garbage collection (so managed
    /// wrappers of freed tensors are not counted as a leak).</summary>
    private sealed class Recorder(int epochs) : ITrainingCallback
    {
        public long First { get; private set; }

        public long Last { get; private set; }

        public void OnEpochEnd(EpochReport report)
        {
            if (report.Epoch != 1 && report.Epoch != epochs)
                return;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var resident = ResidentMemory.Current;
            if (report.Epoch == 1)
                First = resident;
            if (report.Epoch == epochs)
                Last = resident;
        }
    }
}
