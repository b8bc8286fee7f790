using System.Text.Json;
using Pretrain.Benchmarks;
using Pretrain.FineTuning.Caching;
using Pretrain.FineTuning.Freezing;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Training;
using TorchSharp;
using TorchSharp.Modules;
using Pretrain.Pretraining.Greedy;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Layers.Autoencoders;
using Pretrain.Pretraining.Layers.Rbm;
using Pretrain.Pretraining.Runtime;
using static TorchSharp.torch;

// Throughput of Pretrain's layer trainers and of the frozen-output cache, on this machine, in one run.
//   dotnet run -c Release --project benchmarks/Pretrain.Benchmarks [-- --quick] [--out results.json]
// --quick uses 6,000 rows and one repetition (a smoke test); the default uses 60,000 rows, batch 128, median of 3.
// "shards [--quick] [--budget 1GB] [--data DIR]" runs the data-larger-than-memory benchmark instead (ShardsBenchmark);
// "conv [--quick]" the convolutional autoencoder and CNN fine-tuning epochs (ConvBenchmark);
// "draws" libtorch's rand against UniformDraws (DrawsBenchmark); "pool" max_pool2d against WindowMaxPooling (PoolingBenchmark); "peak" the matrix-product peak (MatmulPeak); "loops" and "report" are the two halves of benchmarks/compare.sh
// (LoopsMode: the loops under the baseline's names; CompareReport: medians, ratios and the table).
// Every mode tunes glibc's allocator as `pretrain` does (NativeAllocator); --default-allocator leaves it as it is,
// to measure what the tuning is worth.
if (!args.Contains("--default-allocator"))
    NativeAllocator.KeepFreedMemory();
if (args.FirstOrDefault() != "report")
    Console.WriteLine($"Allocator: {(NativeAllocator.Tuned ? "glibc tuned to keep freed memory (NativeAllocator)" : "as the C library sets it")}.");
try
{
    // Bad options (--threads x, --only with no matching loop, ...) end with their message, not a stack trace.
    int? exitCode = args.FirstOrDefault() switch
    {
        "peak" => MatmulPeak.Run(args),
        "loops" => LoopsMode.Run(args),
        "report" => CompareReport.Run(args),
        "shards" => ShardsBenchmark.Run(args),
        "conv" => ConvBenchmark.Run(args),
        "draws" => DrawsBenchmark.Run(args),
        "pool" => PoolingBenchmark.Run(args),
        _ => null,
    };
    if (exitCode is int code)
        return code;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"Pretrain.Benchmarks: {e.Message}");
    return 2;
}
catch (InvalidDataException e)
{
    // A result file of compare.sh that cannot be read: its path and what is missing, not a stack trace.
    Console.Error.WriteLine($"Pretrain.Benchmarks: {e.Message}");
    return 1;
}
var quick = args.Contains("--quick");
var outIndex = Array.IndexOf(args, "--out");
var outPath = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : null;
var rows = quick ? 6000 : 60000;
var repetitions = quick ? 1 : 3;
var context = RunContext.Create(DeviceSpec.Auto, 0);
var (data, description) = BenchmarkData.Load(rows);
using var _ = data;
using var input = new TensorLayerInput(data.Features.to(context.Device), owns: true);
Console.WriteLine($"Data: {rows} rows of {description}; device {context.DescribeDevice()}; {repetitions} timed repetition(s) after a warm-up.");

var results = new List<Measurement>();
void Layer(string name, LayerOptions options) => results.Add(Measurement.Run(name, rows, repetitions,
    () => options.CreateTrainer().Fit(input, null, context, name).Dispose()));

Layer("DAE 784->500, 1 epoch (tied, masking 0.25, BCE, Adam), float32",
    new AutoencoderOptions { HiddenUnits = 500, Noise = NoiseKind.Masking, NoiseLevel = 0.25, Epochs = 1, BatchSize = 128 });
Layer("DAE 784->500, 1 epoch, bfloat16 matrix products",
    new AutoencoderOptions { HiddenUnits = 500, Noise = NoiseKind.Masking, NoiseLevel = 0.25, Epochs = 1, BatchSize = 128, Precision = Precision.BFloat16 });
Layer("RBM 784->500, 1 epoch CD-1 (momentum, weight decay), float32",
    new RbmOptions { HiddenUnits = 500, Epochs = 1, BatchSize = 128, MonitorPseudoLikelihood = false });
Layer("RBM 784->500, 1 epoch CD-1, bfloat16 matrix products",
    new RbmOptions { HiddenUnits = 500, Epochs = 1, BatchSize = 128, MonitorPseudoLikelihood = false, Precision = Precision.BFloat16 });

// Greedy 784-500-500-500 denoising autoencoders, 3 epochs a layer: frozen outputs cached once versus recomputed.
var greedyEpochs = 3;
LayerPlan[] Plans() => Enumerable.Range(0, 3).Select(_ => new LayerPlan(new AutoencoderTrainer(
    new AutoencoderOptions { HiddenUnits = 500, Noise = NoiseKind.Masking, Epochs = greedyEpochs, BatchSize = 128 }))).ToArray();
var greedyRepetitions = quick ? 1 : 1;
var cached = Measurement.Run($"Greedy 784-500-500-500 DAE, {greedyEpochs} epochs/layer, frozen outputs cached", rows * greedyEpochs * 3L, greedyRepetitions,
    () => new GreedyPretrainer(Plans()).Run(input, null, data.SampleShape, null, context).Dispose());
var recomputed = Measurement.Run($"Greedy 784-500-500-500 DAE, {greedyEpochs} epochs/layer, frozen layers recomputed", rows * greedyEpochs * 3L, greedyRepetitions,
    () => new GreedyPretrainer(Plans()) { CacheFrozenOutputs = false }.Run(input, null, data.SampleShape, null, context).Dispose());
results.Add(cached);
results.Add(recomputed);

// Fine-tuning 784-500-500-10 (sigmoid, Adam, batch 128): one epoch of full backprop, and one epoch of training the head
// with the lower two layers frozen, their outputs cached once versus recomputed every batch.
var fineTuneOptions = new SupervisedTrainingOptions { Epochs = 1, BatchSize = 128 };
Sequential FineTuneNetwork(bool freeze)
{
    var network = MlpBuilder.Build(new MlpSpec(784, [500, 500], 10, ActivationKind.Sigmoid), seed: 1);
    network.to(context.Device);
    if (freeze)
        Freezer.FreezeTo(LayerGroups.Of(network), 2);
    return network;
}
using var onDevice = data.To(context.Device);
results.Add(Measurement.Run("Fine-tune 784-500-500-10, 1 epoch, full backprop", rows, repetitions, () =>
{
    using var network = FineTuneNetwork(freeze: false);
    new SupervisedTrainer(fineTuneOptions).Fit(network, onDevice, null, context);
}));
results.Add(Measurement.Run("Fine-tune 784-500-500-10, 1 epoch, full backprop, bfloat16 matrix products", rows, repetitions, () =>
{
    using var network = FineTuneNetwork(freeze: false);
    new SupervisedTrainer(fineTuneOptions with { Precision = Precision.BFloat16 }).Fit(network, onDevice, null, context);
}));
var headRecomputed = Measurement.Run("Head only, lower two layers frozen, recomputed every batch, 1 epoch", rows, repetitions, () =>
{
    using var network = FineTuneNetwork(freeze: true);
    new CachingTrainer(fineTuneOptions) { CacheFrozenLayers = false }.Fit(network, onDevice, null, context);
});
var headCached = Measurement.Run("Head only, lower two layers frozen, cached once (cache build included), 1 epoch", rows, repetitions, () =>
{
    using var network = FineTuneNetwork(freeze: true);
    new CachingTrainer(fineTuneOptions).Fit(network, onDevice, null, context);
});
var headCached10 = Measurement.Run("Head only, cached (cache build included), 10 epochs", rows * 10L, repetitions, () =>
{
    using var network = FineTuneNetwork(freeze: true);
    new CachingTrainer(fineTuneOptions with { Epochs = 10 }).Fit(network, onDevice, null, context);
});
var headRecomputed10 = Measurement.Run("Head only, recomputed every batch, 10 epochs", rows * 10L, repetitions, () =>
{
    using var network = FineTuneNetwork(freeze: true);
    new CachingTrainer(fineTuneOptions with { Epochs = 10 }) { CacheFrozenLayers = false }.Fit(network, onDevice, null, context);
});
results.AddRange([headRecomputed, headCached, headRecomputed10, headCached10]);

Console.WriteLine();
Console.WriteLine("| benchmark | samples/s | median s | repetitions s |");
Console.WriteLine("|---|---|---|---|");
foreach (var m in results)
    Console.WriteLine($"| {m.Name} | {m.SamplesPerSecond:N0} | {m.Median:F2} | {string.Join(", ", m.Seconds.Select(s => s.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} |");
Console.WriteLine();
Console.WriteLine($"bfloat16 / float32 speed: DAE {results[1].SamplesPerSecond / results[0].SamplesPerSecond:F2}x, RBM {results[3].SamplesPerSecond / results[2].SamplesPerSecond:F2}x");
Console.WriteLine($"Greedy run, cached versus recomputed: {recomputed.Median / cached.Median:F2}x faster with the cache ({cached.Median:F1} s versus {recomputed.Median:F1} s)");
Console.WriteLine($"Head training on frozen layers, cached versus recomputed: {headRecomputed.Median / headCached.Median:F2}x for 1 epoch, {headRecomputed10.Median / headCached10.Median:F2}x for 10 epochs (cache build included)");
if (outPath is not null)
    File.WriteAllText(outPath, JsonSerializer.Serialize(new { rows, description, device = context.DescribeDevice(), results }, new JsonSerializerOptions { WriteIndented = true }));
return 0;
