using System.Diagnostics;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.Data.Shards;
using Pretrain.Pretraining.Greedy;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.Autoencoders;
using Pretrain.Pretraining.Runtime;
using static TorchSharp.torch;

namespace Pretrain.Benchmarks;

/// <summary>
/// Data larger than memory: greedy pretraining of a 784-500-500 denoising-autoencoder stack (one epoch a layer), then
/// one fine-tuning epoch of a 784-500-500-10 network on the labels, on Fashion-MNIST repeated ten times with noise
/// (600,000 examples, 1.88 GB of float32), streamed from shards under a memory budget (1 GB), against the same runs with
/// the data in memory, in one process. Reports the peak resident memory of the streamed runs (VmHWM, reset before them)
/// against the budget plus the overhead measured before them (runtime and libtorch), and each streamed run's throughput
/// relative to the in-memory one.
/// </summary>
internal static class ShardsBenchmark
{
    public static int Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var repeats = quick ? 1 : 10;
        var budget = MemoryBudget.Parse(Option(args, "--budget") ?? (quick ? "100MB" : "1GB"));
        var folder = Option(args, "--data") ?? Path.Combine(Path.GetTempPath(), $"pretrain-benchmark-shards-{repeats}x");
        var context = RunContext.Create(DeviceSpec.Cpu, 0);

        var set = Generate(folder, repeats, ShardWriter.RowsFor(Math.Min(64L << 20, budget.Bytes / 8), 784 * sizeof(float)));
        Console.WriteLine($"Data: {set.Count:N0} rows ({MemoryBudget.Format(set.Bytes)}) in {set.ShardCount} shards in {folder}; budget {budget}; {get_num_threads()} threads");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        NativeAllocator.ReleaseFreedMemory();  // what writing the shards freed, as a run does after preparing its data
        var resetOk = ResidentMemory.ResetPeak();
        var overhead = ResidentMemory.Current;

        var spill = Directory.CreateTempSubdirectory("pretrain-benchmark-spill-").FullName;
        double streamed, streamedTuning, streamedReading;
        using (var input = new ShardedLayerInput(set, budget.Bytes / 4))
        {
            streamed = Time(() => Pretrain(input, new FrozenOutputCache { MemoryBudget = budget, SpillFolder = spill }, context));
            streamedTuning = Time(() => FineTune(input, context));
            streamedReading = Time(() => ReadOnce(input));
        }
        var peak = ResidentMemory.Peak;
        Directory.Delete(spill, recursive: true);

        double inMemory, inMemoryTuning, inMemoryReading;
        using (var data = set.ReadAll())
        {
            using (var input = new TensorLayerInput(data.Features, owns: false))
                inMemory = Time(() => Pretrain(input, new FrozenOutputCache(), context));
            inMemoryTuning = Time(() => FineTune(data, context));
            inMemoryReading = Time(() => ReadOnce(data));
        }

        var samples = set.Count * 2.0; // two layers, one epoch each
        Console.WriteLine();
        Console.WriteLine("| run | streamed from shards, " + budget + " budget: seconds | samples/s | data in memory: seconds | samples/s | streamed / in memory |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Console.WriteLine($"| greedy pretraining, 2 DAE layers x 1 epoch | {streamed:F1} | {samples / streamed:N0} | {inMemory:F1} | {samples / inMemory:N0} | {inMemory / streamed:P0} |");
        Console.WriteLine($"| fine-tuning, 1 epoch | {streamedTuning:F1} | {set.Count / streamedTuning:N0} | {inMemoryTuning:F1} | {set.Count / inMemoryTuning:N0} | {inMemoryTuning / streamedTuning:P0} |");
        Console.WriteLine($"| reading the shuffled labelled batches alone | {streamedReading:F1} | {set.Count / streamedReading:N0} | {inMemoryReading:F1} | {set.Count / inMemoryReading:N0} | {inMemoryReading / streamedReading:P0} |");
        Console.WriteLine();
        Console.WriteLine($"Throughput streamed / in memory (target at least 80%): pretraining {inMemory / streamed:P0}, fine-tuning {inMemoryTuning / streamedTuning:P0}");
        Console.WriteLine($"Peak resident memory of the streamed runs: {MemoryBudget.Format(peak)}{(resetOk ? "" : " (peak could not be reset: it includes writing the shards)")}; "
            + $"budget {budget} + overhead {MemoryBudget.Format(overhead)} (resident before the run: runtime, libtorch) = {MemoryBudget.Format(budget.Bytes + overhead)}: "
            + (peak <= budget.Bytes + overhead ? "within it" : "OVER it"));
        Console.WriteLine($"Peak above the overhead: {MemoryBudget.Format(peak - overhead)} of the {budget} budget.");
        return 0;
    }

    /// <summary>One shuffled pass over the labelled batches of <paramref name="input"/> without training: what the reader costs alone.</summary>
    private static void ReadOnce(ILabeledInput input)
    {
        using var shuffle = new Generator(1);
        foreach (var _ in input.LabeledBatches(128, shuffle, CPU))
        {
        }
    }

    /// <summary>One epoch of a 784-500-500-10 sigmoid network on the labels of <paramref name="train"/>, no validation (as the loops' c_finetune_full).</summary>
    private static void FineTune(ILabeledInput train, RunContext context)
    {
        using var network = MlpBuilder.Build(new MlpSpec(784, [500, 500], 10, ActivationKind.Sigmoid), seed: 0);
        new SupervisedTrainer(new SupervisedTrainingOptions { Epochs = 1, BatchSize = 128, LearningRate = 0.001 }).Fit(network, train, null, context);
    }

    private static void Pretrain(ILayerInput input, FrozenOutputCache cache, RunContext context)
    {
        var plans = Enumerable.Range(0, 2).Select(_ => new LayerPlan(new AutoencoderTrainer(
            new AutoencoderOptions { HiddenUnits = 500, Noise = NoiseKind.Masking, NoiseLevel = 0.25, Epochs = 1, BatchSize = 128 }))).ToArray();
        new GreedyPretrainer(plans) { Cache = cache }.Run(input, null, [28, 28], null, context).Dispose();
    }

    private static double Time(Action work)
    {
        var clock = Stopwatch.StartNew();
        work();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The Fashion-MNIST training images (from the IDX files; the embedded slice where they are not installed) scaled
    /// to [0, 1], written <paramref name="repeats"/> times with Gaussian noise (sd 0.05, clipped to [0, 1]) into
    /// shards of an eighth of the budget (at most 64 MiB); an existing complete folder of the right size is reused.
    /// </summary>
    private static ShardSet Generate(string folder, int repeats, int rowsPerShard)
    {
        // A reused folder is checked against the row count before the source is loaded: loading it for nothing would
        // leave its memory in the resident figure measured before the streamed runs.
        const int sourceRows = 60000;
        if (ShardSet.IsShardFolder(folder) && ShardSet.Open(folder) is { } existing
            && existing.Count == (long)sourceRows * repeats && existing.Manifest.Shards[0].Rows == rowsPerShard)
            return existing;
        var (source, _) = BenchmarkData.Load(sourceRows);
        using (source)
        {
            var rows = source.Count * repeats;
            Console.WriteLine($"Writing {rows:N0} rows to {folder} ...");
            using var generator = new Generator(42);
            using var writer = new ShardWriter(folder, [28, 28], labeled: true, rowsPerShard) { ClassCount = 10, ClassNames = FashionMnist.ClassNames, Source = "Fashion-MNIST x10 with noise" };
            for (var r = 0; r < repeats; r++)
            {
                for (long start = 0; start < source.Count; start += 8192)
                {
                    using var scope = NewDisposeScope();
                    var n = Math.Min(8192, source.Count - start);
                    var clean = source.Features.narrow(0, start, n);
                    var noisy = r == 0 ? clean : (clean + 0.05f * randn(clean.shape, generator: generator)).clamp(0, 1);
                    writer.Append(noisy, source.Labels!.narrow(0, start, n));
                }
            }
            writer.Complete();
        }
        return ShardSet.Open(folder);
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
