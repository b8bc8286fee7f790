using System.Text;
using Pretrain.FineTuning.Catalog;
using Pretrain.FineTuning.Models;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.IO;
using Pretrain.Pretraining.Runtime;
using Pretrain.Recipes.Model;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Pipeline;

/// <summary>What a <see cref="NetworkPredictor"/> prediction did.</summary>
/// <param name="OutputPath">The predictions CSV.</param>
/// <param name="Examples">Number of examples predicted.</param>
/// <param name="Accuracy">Fraction predicted correctly, when the data was labeled; else null.</param>
/// <param name="Classes">The network's class names, in the order of the probability columns.</param>
public sealed record PredictionSummary(string OutputPath, long Examples, double? Accuracy, IReadOnlyList<string> Classes);

/// <summary>
/// Applies a saved network (<see cref="SavedNetwork"/>: a run folder, its <c>network.json</c>, or <c>catalog:NAME</c>) to a data file and
/// writes a CSV with the columns <c>predicted</c>, <c>p_CLASS</c> per class, for labeled data <c>label</c> and, for an
/// image folder, <c>path</c> (<see cref="PredictionCsv"/>). The data is read a batch at a time
/// (<see cref="IExampleReader"/>: CSV/TSV, NPY, NPZ, IDX and image folders are all streamed), so memory stays flat
/// however large it is. Needs neither the recipe nor the training data. What <c>pretrain predict</c> does.
/// </summary>
public static class NetworkPredictor
{
    /// <summary>
    /// Predicts every example of <paramref name="data"/> (relative paths against the current folder) in batches of
    /// <paramref name="batchSize"/>, reporting each batch to <paramref name="progress"/>, and writes the CSV to
    /// <paramref name="outputPath"/> atomically. An image folder (<see cref="ImageFolderSourceSpec"/>) whose size is left
    /// empty, as <see cref="PredictionSource.For"/> leaves it, is decoded to the network's input shape
    /// (<see cref="NetworkImageInput"/>) and labelled by its class folders, named as the network's classes.
    /// Throws <see cref="PretrainException"/> with a message for the user.
    /// </summary>
    public static PredictionSummary Predict(string model, DataSourceSpec data, string outputPath, Device? device = null,
        ITrainingCallback? progress = null, int batchSize = 1024, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        using var network = SavedNetwork.Load(ModelCatalog.ResolveStack(model), device);
        if (data is ImageFolderSourceSpec { Size.Count: 0 } folder)
        {
            var decoding = NetworkImageInput.DecodingFor(network);
            data = folder with { Channels = decoding.Channels, Size = [decoding.Height, decoding.Width] };
        }
        using var examples = DataSourceLoader.OpenReader(data, Path.GetFullPath, network.ClassNames);
        return Predict(network, examples, outputPath, progress, batchSize, cancellation);
    }

    /// <summary>
    /// Predicts every example <paramref name="examples"/> gives, <paramref name="batchSize"/> at a time, and writes the
    /// CSV to <paramref name="outputPath"/> atomically (nothing is written when a batch fails). Examples of another
    /// width, or labels the network has no class for, are a <see cref="DataException"/> naming the file. A reader whose
    /// examples are files of their own (<see cref="IExampleFiles"/>) adds the <c>path</c> column.
    /// </summary>
    public static PredictionSummary Predict(SavedNetwork network, IExampleReader examples, string outputPath,
        ITrainingCallback? progress = null, int batchSize = 1024, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(outputPath);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var features = examples.SampleShape.Aggregate(1L, (a, b) => a * b);
        if (features != network.InputFeatures)
            throw new DataException(examples.Source, $"examples have {features} features (shape [{string.Join(", ", examples.SampleShape)}]) but the network {network.ManifestPath} takes {network.InputFeatures} (shape [{string.Join(", ", network.Manifest.Input.Shape)}]).");
        var classes = network.ClassNames;
        // For CSV the count is an estimate from the line count; the bar is filled at the end either way.
        var batches = (int)Math.Min(int.MaxValue, Math.Max(1, (examples.ExpectedCount + batchSize - 1) / batchSize));
        var files = examples as IExampleFiles;
        var (count, correct) = (0L, 0L);
        progress?.OnFitStart("predict", 1, batches);
        AtomicFile.Write(outputPath, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            writer.WriteLine(PredictionCsv.Header(classes, examples.HasLabels, files is not null));
            for (var b = 1; ; b++)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                if (examples.ReadBatch(batchSize) is not { } batch)
                    break;
                var (x, labels) = batch;
                var paths = files is null ? null : Enumerable.Range(0, (int)x.shape[0]).Select(i => files.FileOf(count + i)).ToArray();
                correct += WriteBatch(writer, network, x, labels, paths, count, examples.Source, classes);
                count += x.shape[0];
                progress?.OnBatchEnd(1, b);
            }
        });
        progress?.OnFitEnd("predict");
        double? accuracy = !examples.HasLabels || count == 0 ? null : (double)correct / count;
        return new PredictionSummary(Path.GetFullPath(outputPath), count, accuracy, classes);
    }

    /// <summary>Writes one batch's rows (examples <paramref name="first"/>.. of the file); returns how many were predicted correctly (0 for unlabeled data).</summary>
    private static long WriteBatch(StreamWriter writer, SavedNetwork network, Tensor x, Tensor? y, string[]? paths, long first, string source, IReadOnlyList<string> classes)
    {
        var probabilities = network.PredictProbabilities(x).cpu();
        var values = probabilities.data<float>().ToArray();
        var predicted = probabilities.argmax(1).data<long>().ToArray();
        var labels = y?.cpu().data<long>().ToArray();
        if (labels is not null && Array.FindIndex(labels, l => l >= classes.Count) is var bad and >= 0)
            throw new DataException(source, $"example {first + bad} has label {labels[bad]} but the network knows {classes.Count} classes (0..{classes.Count - 1}).");
        return PredictionCsv.WriteRows(writer, classes, values, predicted, labels, paths);
    }
}
