using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using Pretrain.FineTuning.Models;
using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.IO;
using Pretrain.Pretraining.Runtime;
using Pretrain.Recipes.Model;
using Pretrain.Recipes.Pipeline;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Tests.Pipeline;

/// <summary><c>pretrain predict</c> reads files a batch at a time and writes what predicting the whole file at once writes.</summary>
public sealed class StreamingPredictTests : IDisposable
{
    private const int Examples = 50;
    private const int Features = 6;
    private readonly string _folder = Directory.CreateTempSubdirectory("streaming-predict-").FullName;

    public StreamingPredictTests()
    {
        var spec = new MlpSpec(Features, [5], 3, ActivationKind.Tanh);
        using var network = MlpBuilder.Build(spec, seed: 4);
        SavedNetworkWriter.Save(network, spec, [2, 3], new ScalerState("unit", [0f], [255f]), ["cat", "dog", "bird"], Path.Combine(_folder, "network.safetensors"));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Pixel-like values 0..255 (whole numbers, so every format holds them exactly) and labels 0..2.</summary>
    private static (byte[] Pixels, long[] Labels) Data()
    {
        var random = new Random(9);
        var pixels = new byte[Examples * Features];
        random.NextBytes(pixels);
        return (pixels, Enumerable.Range(0, Examples).Select(i => (long)random.Next(3)).ToArray());
    }

    private DataSourceSpec Write(string format)
    {
        var (pixels, labels) = Data();
        switch (format)
        {
            case "csv":
                var path = Path.Combine(_folder, "rows.csv");
                File.WriteAllLines(path, ["a,b,c,d,e,f,label", .. Enumerable.Range(0, Examples).Select(i =>
                    string.Join(",", pixels.Skip(i * Features).Take(Features).Select(p => p.ToString(CultureInfo.InvariantCulture))) + $",{labels[i]}")]);
                return PredictionSource.For(path, labelColumn: "label");
            case "npy":
                using (var x = tensor(pixels.Select(p => (double)p).ToArray(), [Examples, 2, 3]))
                    NpyWriter.Write(Path.Combine(_folder, "x.npy"), x);
                using (var y = tensor(labels))
                    NpyWriter.Write(Path.Combine(_folder, "y.npy"), y);
                return PredictionSource.For(Path.Combine(_folder, "x.npy"), labels: Path.Combine(_folder, "y.npy"));
            case "npz-stored" or "npz-deflated":
                // numpy.savez stores its entries, numpy.savez_compressed deflates them.
                var archive = Path.Combine(_folder, $"{format}.npz");
                using (var x = tensor(pixels.Select(p => (float)p).ToArray(), [Examples, 2, 3]))
                    NpyWriter.Write(Path.Combine(_folder, "x.npy"), x);
                using (var y = tensor(labels))
                    NpyWriter.Write(Path.Combine(_folder, "y.npy"), y);
                using (var zip = ZipFile.Open(archive, ZipArchiveMode.Create))
                    foreach (var name in new[] { "x.npy", "y.npy" })
                        zip.CreateEntryFromFile(Path.Combine(_folder, name), name, format == "npz-stored" ? CompressionLevel.NoCompression : CompressionLevel.Optimal);
                return PredictionSource.For(archive);
            default:
                File.WriteAllBytes(Path.Combine(_folder, "images-idx3-ubyte.gz"), Gzip([.. IdxHeader(Examples, 2, 3), .. pixels]));
                File.WriteAllBytes(Path.Combine(_folder, "labels-idx1-ubyte"), [.. IdxHeader(Examples), .. labels.Select(l => (byte)l)]);
                return PredictionSource.For(Path.Combine(_folder, "images-idx3-ubyte.gz"), labels: Path.Combine(_folder, "labels-idx1-ubyte"));
        }
    }

    private static byte[] IdxHeader(params int[] dimensions)
    {
        var header = new byte[4 + 4 * dimensions.Length];
        (header[2], header[3]) = (0x08, (byte)dimensions.Length);
        for (var i = 0; i < dimensions.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dimensions[i]);
        return header;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(bytes);
        return output.ToArray();
    }

    private sealed class Batches : ITrainingCallback
    {
        public int Expected { get; private set; }
        public int Ended { get; private set; }
        public void OnFitStart(string stage, int epochs, int batchesPerEpoch) => Expected = batchesPerEpoch;
        public void OnBatchEnd(int epoch, int batch) => Ended = batch;
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("npy")]
    [InlineData("idx")]
    [InlineData("npz-stored")]
    [InlineData("npz-deflated")]
    public void A_file_streamed_in_batches_gives_the_csv_of_the_whole_file_read_at_once(string format)
    {
        var source = Write(format);
        var (streamed, whole, oneBatch) = (Path.Combine(_folder, "streamed.csv"), Path.Combine(_folder, "whole.csv"), Path.Combine(_folder, "one-batch.csv"));
        var batches = new Batches();

        var summary = NetworkPredictor.Predict(_folder, source, streamed, progress: batches, batchSize: 7);
        using (var reader = DataSourceLoader.OpenReader(source, Path.GetFullPath))
            reader.Should().NotBeOfType<DatasetExampleReader>("the file is read a batch at a time, not loaded whole");

        using (var network = SavedNetwork.Load(_folder))
        {
            using (var all = new DatasetExampleReader(DataSourceLoader.Load(source, Path.GetFullPath)))
                NetworkPredictor.Predict(network, all, whole, batchSize: 7);
            using (var all = new DatasetExampleReader(DataSourceLoader.Load(source, Path.GetFullPath)))
                NetworkPredictor.Predict(network, all, oneBatch, batchSize: 1024);
        }
        File.ReadAllText(streamed).Should().Be(File.ReadAllText(whole), "reading the file a batch at a time changes nothing");
        // Matrix products round differently for other batch sizes: the same classes, probabilities to float precision.
        foreach (var (a, b) in File.ReadAllLines(streamed).Skip(1).Zip(File.ReadAllLines(oneBatch).Skip(1)))
        {
            var (x, y) = (a.Split(','), b.Split(','));
            (x[0], x[^1]).Should().Be((y[0], y[^1]));
            x[1..^1].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).Should().Equal(
                y[1..^1].Select(v => double.Parse(v, CultureInfo.InvariantCulture)), (p, q) => Math.Abs(p - q) < 1e-6);
        }
        var rows = File.ReadAllLines(streamed);
        rows.Should().HaveCount(Examples + 1);
        rows[0].Should().Be("predicted,p_cat,p_dog,p_bird,label");
        summary.Examples.Should().Be(Examples);
        summary.Accuracy.Should().Be(rows.Skip(1).Count(r => r.Split(',')[0] == r.Split(',')[^1]) / (double)Examples);
        batches.Ended.Should().Be(8, "50 examples in batches of 7");
        batches.Expected.Should().Be(8, "the file says how many examples it has (for CSV, its lines do)");
    }

    [Fact]
    public void A_bad_row_deep_in_a_csv_is_found_after_the_batches_before_it_and_nothing_is_written()
    {
        var (pixels, _) = Data();
        var path = Path.Combine(_folder, "late-error.csv");
        var lines = Enumerable.Range(0, Examples).Select(i => string.Join(",", pixels.Skip(i * Features).Take(Features))).ToArray();
        lines[44] = "1,2,3,oops,5,6";
        File.WriteAllLines(path, lines);
        var batches = new Batches();
        var output = Path.Combine(_folder, "never.csv");

        var act = () => NetworkPredictor.Predict(_folder, PredictionSource.For(path), output, progress: batches, batchSize: 7);

        act.Should().Throw<DataException>().WithMessage($"{path}: line 45, column 4: expected a number, received 'oops'.");
        batches.Ended.Should().Be(6, "the 42 rows before the bad one's batch were read and predicted before the file was finished");
        File.Exists(output).Should().BeFalse();
    }

    [Fact]
    public void A_label_the_network_has_no_class_for_is_refused_naming_the_example()
    {
        var path = Path.Combine(_folder, "labels.csv");
        File.WriteAllLines(path, ["a,b,c,d,e,f,y", .. Enumerable.Range(0, 20).Select(i => $"1,2,3,4,5,6,{(i == 16 ? 3 : i % 3)}")]);

        var act = () => NetworkPredictor.Predict(_folder, PredictionSource.For(path, labelColumn: "y"), Path.Combine(_folder, "out.csv"), batchSize: 5);

        act.Should().Throw<DataException>().WithMessage($"{path}: example 16 has label 3 but the network knows 3 classes (0..2).");
    }
}
