using System.Text;
using Pretrain.Auxiliary.Text;
using Pretrain.FineTuning.Catalog;
using Pretrain.FineTuning.Models;
using Pretrain.Pretraining;
using Pretrain.Pretraining.IO;
using Pretrain.Pretraining.Runtime;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// Applies a saved text model (<see cref="SavedTextClassifier"/>: a text run's folder, its <c>network.json</c>, or
/// <c>catalog:NAME</c>) to a file of documents (<see cref="TextPredictionSource"/>) and writes the CSV every
/// <c>pretrain predict</c> writes (<see cref="PredictionCsv"/>: <c>predicted</c>, <c>p_CLASS</c>, <c>label</c>, and
/// <c>path</c> when every document is a file of its own). The
/// documents are streamed <c>batchSize</c> at a time, so memory stays flat however large the file is; neither the
/// recipe nor the corpus is needed. Every document gets a row, however short (a document without known words is
/// classified from the softmax layer's bias alone).
/// </summary>
public static class TextPredictor
{
    /// <summary>Whether <paramref name="model"/> (a folder, a manifest or <c>catalog:NAME</c>) is a text model (its manifest's <c>architecture.kind</c> is <c>text</c>).</summary>
    public static bool IsTextModel(string model) =>
        NetworkManifestReader.KindOf(SavedNetwork.ManifestPathOf(ModelCatalog.ResolveStack(model ?? throw new ArgumentNullException(nameof(model))))) == TextNetworkManifest.Kind;

    /// <summary>
    /// Loads <paramref name="model"/> onto <paramref name="device"/> and predicts every document of
    /// <paramref name="documents"/>, writing the CSV to <paramref name="outputPath"/> atomically.
    /// Throws <see cref="PretrainException"/> with a message for the user.
    /// </summary>
    public static PredictionSummary Predict(string model, TextPredictionSource documents, string outputPath, Device? device = null,
        ITrainingCallback? progress = null, int batchSize = SavedTextClassifier.BatchSize, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var classifier = SavedTextClassifier.Load(SavedNetwork.ManifestPathOf(ModelCatalog.ResolveStack(model)), device);
        return Predict(classifier, documents, outputPath, progress, batchSize, cancellation);
    }

    /// <summary>
    /// Predicts every document of <paramref name="documents"/>, <paramref name="batchSize"/> at a time, and writes the
    /// CSV to <paramref name="outputPath"/> atomically (nothing is written when a batch fails). A label the model has
    /// no class for is a <see cref="DataException"/> naming the file and line; a file or folder whose name is a category
    /// the model does not know (<see cref="TextPredictionSource.Categories"/>) is refused by its path before anything is
    /// read. A row with an empty label gets an empty <c>label</c> cell and does not count towards the accuracy, which is
    /// over the labelled documents.
    /// </summary>
    public static PredictionSummary Predict(SavedTextClassifier model, TextPredictionSource documents, string outputPath,
        ITrainingCallback? progress = null, int batchSize = SavedTextClassifier.BatchSize, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(outputPath);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var classes = model.ClassNames;
        var ids = classes.Select((name, id) => (name, id)).ToDictionary(c => c.name, c => (long)c.id, StringComparer.Ordinal);
        var labelled = documents.HasLabels();
        if (labelled && documents.Categories().FirstOrDefault(c => !ids.ContainsKey(c.Category)) is { Source: not null } unknown)
            throw new DataException(unknown.Source, $"category '{unknown.Category}' (the {(Directory.Exists(unknown.Source) ? "folder" : "file")}'s name) is not one of the model's classes ({string.Join(", ", classes)}); predict on a folder holding only those categories.");
        var batches = (int)Math.Min(int.MaxValue, Math.Max(1, (documents.EstimatedCount() + batchSize - 1) / batchSize));
        var (count, tested, correct) = (0L, 0L, 0L);
        progress?.OnFitStart("predict", 1, batches);
        AtomicFile.Write(outputPath, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            writer.WriteLine(PredictionCsv.Header(classes, labelled, documents.DocumentsAreFiles));
            var b = 0;
            foreach (var batch in documents.Records().Chunk(batchSize))
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var probabilities = model.PredictProbabilities(batch.Select(r => r.Text).ToList()).cpu();
                var labels = labelled ? batch.Select(r => LabelId(r, ids, documents.Path, classes)).ToArray() : null;
                var paths = documents.DocumentsAreFiles ? batch.Select(r => RelativePath(documents.Path, r.File!)).ToArray() : null;
                correct += PredictionCsv.WriteRows(writer, classes, probabilities.data<float>().ToArray(), probabilities.argmax(1).data<long>().ToArray(), labels, paths);
                tested += labels?.Count(l => l >= 0) ?? 0;
                count += batch.Length;
                progress?.OnBatchEnd(1, ++b);
            }
        });
        progress?.OnFitEnd("predict");
        double? accuracy = tested == 0 ? null : (double)correct / tested;
        return new PredictionSummary(Path.GetFullPath(outputPath), count, accuracy, classes);
    }

    /// <summary>The class id of a document's label; -1 for an empty label.</summary>
    private static long LabelId(TextRecord record, Dictionary<string, long> ids, string source, IReadOnlyList<string> classes)
    {
        if (string.IsNullOrEmpty(record.Label))
            return -1;
        return ids.TryGetValue(record.Label, out var id)
            ? id
            : throw new DataException(record.File ?? source, $"line {record.Line}: label '{record.Label}' is not one of the model's classes ({string.Join(", ", classes)}).");
    }

    /// <summary>A document's file relative to the folder predicted on, <c>/</c> between folders.</summary>
    private static string RelativePath(string root, string file) => Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
}
