using System.Globalization;
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

/// <summary>What <see cref="NetworkPredictor.Predict"/> did.</summary>
/// <param name="OutputPath">The predictions CSV.</param>
/// <param name="Examples">Number of examples predicted.</param>
/// <param name="Accuracy">Fraction predicted correctly, when the data was labeled; else null.</param>
/// <param name="Classes">The network's class names, in the order of the probability columns.</param>
public sealed record PredictionSummary(string OutputPath, long Examples, double? Accuracy, IReadOnlyList<string> Classes);

/// <summary>
/// Applies a saved network (<see cref="SavedNetwork"/>: a run folder, its <c>network.json</c>, or <c>catalog:NAME</c>) to a data file and
/// writes a CSV with the columns <c>predicted</c>, <c>p_CLASS</c> per class and, for labeled data, <c>label</c>.
/// Needs neither the recipe nor the training data. What <c>pretrain predict</c> does.
/// </summary>
public static class NetworkPredictor
{
    /// <summary>
    /// Predicts every example of <paramref name="data"/> (relative paths against the current folder) in batches of
    /// <paramref name="batchSize"/>, reporting each batch to <paramref name="progress"/>, and writes the CSV to
    /// <paramref name="outputPath"/> atomically. Throws <see cref="PretrainException"/> with a message for the user.
    /// </summary>
    public static PredictionSummary Predict(string model, DataSourceSpec data, string outputPath, Device? device = null,
        ITrainingCallback? progress = null, int batchSize = 1024, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(outputPath);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        using var network = SavedNetwork.Load(ModelCatalog.ResolveStack(model), device);
        using var examples = DataSourceLoader.Load(data, Path.GetFullPath);
        if (examples.FeatureCount != network.InputFeatures)
            throw new DataException(examples.Source, $"examples have {examples.FeatureCount} features (shape [{string.Join(", ", examples.SampleShape)}]) but the network {network.ManifestPath} takes {network.InputFeatures} (shape [{string.Join(", ", network.Manifest.Input.Shape)}]).");
        var classes = network.ClassNames;
        if (examples.Labels is not null && examples.ClassCount > classes.Count)
            throw new DataException(examples.Source, $"labels go up to {examples.ClassCount - 1} but the network knows {classes.Count} classes (0..{classes.Count - 1}).");

        var batches = (int)((examples.Count + batchSize - 1) / batchSize);
        long correct = 0;
        progress?.OnFitStart("predict", 1, batches);
        AtomicFile.Write(outputPath, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            var header = new List<string> { "predicted" };
            header.AddRange(classes.Select(c => $"p_{c}"));
            if (examples.Labels is not null)
                header.Add("label");
            writer.WriteLine(string.Join(",", header.Select(Field)));
            for (var b = 0; b < batches; b++)
            {
                cancellation.ThrowIfCancellationRequested();
                correct += WriteBatch(writer, network, examples, (long)b * batchSize, batchSize, classes);
                progress?.OnBatchEnd(1, b + 1);
            }
        });
        progress?.OnFitEnd("predict");
        double? accuracy = examples.Labels is null || examples.Count == 0 ? null : (double)correct / examples.Count;
        return new PredictionSummary(Path.GetFullPath(outputPath), examples.Count, accuracy, classes);
    }

    /// <summary>Writes one batch's rows; returns how many were predicted correctly (0 for unlabeled data).</summary>
    private static long WriteBatch(StreamWriter writer, SavedNetwork network, Dataset examples, long start, int batchSize, IReadOnlyList<string> classes)
    {
        using var scope = NewDisposeScope();
        var length = Math.Min(batchSize, examples.Count - start);
        var probabilities = network.PredictProbabilities(examples.Features.narrow(0, start, length)).cpu();
        var values = probabilities.data<float>().ToArray();
        var predicted = probabilities.argmax(1).data<long>().ToArray();
        var labels = examples.Labels?.narrow(0, start, length).cpu().data<long>().ToArray();
        var row = new StringBuilder();
        long correct = 0;
        for (var i = 0; i < length; i++)
        {
            row.Clear().Append(Field(classes[(int)predicted[i]]));
            for (var c = 0; c < classes.Count; c++)
                row.Append(',').Append(values[i * classes.Count + c].ToString("R", CultureInfo.InvariantCulture));
            if (labels is not null)
            {
                row.Append(',').Append(Field(classes[(int)labels[i]]));
                if (labels[i] == predicted[i])
                    correct++;
            }
            writer.WriteLine(row);
        }
        return correct;
    }

    /// <summary>A CSV field, quoted when it holds a comma, a quote or a line break.</summary>
    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
