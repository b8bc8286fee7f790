using static TorchSharp.torch;

namespace Pretrain.FineTuning.Models;

/// <summary>
/// A saved text model, loaded: classifies raw documents (strings) with the tokenizer, vocabulary and weights of its
/// <c>network.json</c> (<see cref="TextNetworkManifest"/>). Implemented by <c>Pretrain.Auxiliary.Text.SavedTextClassifier</c>,
/// which <see cref="Library.PretrainedModel.Load"/> returns as <see cref="Library.PretrainedModel.Text"/>.
/// </summary>
public interface ITextClassifier : IDisposable
{
    /// <summary>The manifest file the model was loaded from.</summary>
    string ManifestPath { get; }

    /// <summary>The checked manifest.</summary>
    TextNetworkManifest Manifest { get; }

    /// <summary>The class names, in the order of the probabilities.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>
    /// Class probabilities for each document: one row per document, one value per class in <see cref="ClassNames"/>
    /// order (each row sums to 1). Documents are read in batches, so any number may be given.
    /// </summary>
    float[][] PredictText(IEnumerable<string> documents);

    /// <summary>Class probabilities <c>[N, C]</c> (float32, on the model's device; the caller disposes it) for a batch of documents.</summary>
    Tensor PredictProbabilities(IReadOnlyList<string> documents);
}
