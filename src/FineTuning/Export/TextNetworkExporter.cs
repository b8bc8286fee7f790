using System.Text.Json;
using Google.Protobuf;
using Pretrain.FineTuning.Models;
using Pretrain.Pretraining;
using Pretrain.Pretraining.IO;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Export;

/// <summary>
/// <see cref="NetworkExporter"/>'s text-model half: exports a saved text model (<see cref="TextNetworkManifest"/>)
/// from its files alone. The weights file's tensors are checked against the architecture's names and shapes first, so
/// every format describes the model the manifest does. Tokenization stays outside every format: safetensors carries
/// the vocabulary and tokenizer settings in its metadata, ONNX in the model's (see <see cref="OnnxTextExporter"/>).
/// </summary>
internal static class TextNetworkExporter
{
    /// <summary>The manifest's serializer settings on one line: metadata values are single strings.</summary>
    public static readonly JsonSerializerOptions Compact = new(TextNetworkManifest.SerializerOptions) { WriteIndented = false };

    public static void Export(string manifestPath, ExportFormat format, string outputPath, bool probabilities)
    {
        var manifest = TextNetworkManifestReader.Read(manifestPath);
        TextNetworkManifestReader.VerifyChecksums(manifestPath, manifest);
        var weightsPath = TextNetworkManifestReader.WeightsPath(manifestPath, manifest);
        using var content = SafeTensorsFile.Read(weightsPath);
        CheckTensors(weightsPath, manifest.Architecture, content.Tensors);
        var tokens = Tokens(TextNetworkManifestReader.VocabularyPath(manifestPath, manifest));
        if (tokens.Length != manifest.Architecture.VocabularySize)
            throw new DataException(manifestPath, $"architecture.vocabularySize: {manifest.Architecture.VocabularySize}, but the vocabulary file {manifest.Vocabulary.File} has {tokens.Length} tokens.");
        switch (format)
        {
            case ExportFormat.Onnx:
                var onnx = OnnxTextExporter.Build(manifest, content.Tensors, tokens, probabilities);
                AtomicFile.Write(outputPath, stream => onnx.WriteTo(stream));
                break;
            case ExportFormat.SafeTensors:
                SafeTensorsFile.Write(outputPath, content.Tensors, new Dictionary<string, string>
                {
                    ["layout"] = "out,in",
                    ["writer"] = "Pretrain",
                    ["classes"] = JsonSerializer.Serialize(manifest.Classes),
                    ["architecture"] = JsonSerializer.Serialize(manifest.Architecture, Compact),
                    ["input"] = JsonSerializer.Serialize(manifest.Input, Compact),
                    ["vocabulary"] = JsonSerializer.Serialize(tokens),
                });
                break;
            case ExportFormat.Npz:
                NpyWriter.WriteNpz(outputPath, content.Tensors);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "unknown export format");
        }
    }

    /// <summary>Every tensor the architecture needs is there, float32, of its shape, and there is nothing else.</summary>
    private static void CheckTensors(string weightsPath, TextNetworkArchitecture architecture, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var shapes = architecture.TensorShapes();
        foreach (var (name, shape) in shapes)
        {
            if (!tensors.TryGetValue(name, out var tensor))
                throw new DataException(weightsPath, $"tensor '{name}' is missing; the manifest's architecture needs it.");
            if (!tensor.shape.SequenceEqual(shape) || tensor.dtype != ScalarType.Float32)
                throw new DataException(weightsPath, $"tensor '{name}': the manifest's architecture needs Float32 [{string.Join(", ", shape)}], the file has {tensor.dtype} [{string.Join(", ", tensor.shape)}].");
        }
        var extra = tensors.Keys.Where(k => !shapes.ContainsKey(k)).ToList();
        if (extra.Count > 0)
            throw new DataException(weightsPath, $"tensors {string.Join(", ", extra)} are not part of the manifest's architecture.");
    }

    /// <summary>The vocabulary file's words in id order (its <c>tokens</c> array).</summary>
    private static string[] Tokens(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetString() ?? throw new FormatException("a token is null")).ToArray();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new DataException(path, $"not a vocabulary file: expected an object with 'tokens', an array of strings ({e.Message}).", e);
        }
    }
}
