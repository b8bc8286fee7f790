using System.Text.Json;
using Pretrain.FineTuning.Models;
using Pretrain.Pretraining.IO;
using Pretrain.Pretraining.Layers;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Models;

/// <summary>
/// Writes a text model's three files by hand (this project cannot build a document classifier, which lives in
/// Pretrain.Auxiliary): a manifest, random weights of the shapes it names and a vocabulary file.
/// </summary>
internal static class TextModelFiles
{
    public static TextNetworkArchitecture Architecture { get; } = new()
    {
        Window = 3, VocabularySize = 6, EmbeddingSize = 4, HiddenLayers = [5], Activation = EncoderActivation.Tanh, Pooling = "windows", ClassCount = 2,
    };

    public static void Save(string folder)
    {
        var weights = Path.Combine(folder, "network.safetensors");
        using var generator = new Generator(7);
        var tensors = Architecture.TensorShapes().ToDictionary(s => s.Key, s => randn(s.Value, generator: generator));
        SafeTensorsFile.Write(weights, tensors);
        foreach (var t in tensors.Values)
            t.Dispose();
        var vocabulary = Path.Combine(folder, "network.vocabulary.json");
        File.WriteAllText(vocabulary, """{"lowercase":true,"tokens":["<pad>","<unk>","cat","dog","disk","cpu"],"counts":[0,0,3,2,2,1]}""");
        var manifest = new TextNetworkManifest
        {
            Architecture = Architecture,
            Input = new TextNetworkInput("text", "words", true, 8, 0, 1),
            Vocabulary = new NetworkVocabulary("network.vocabulary.json", FileChecksum.Sha256(vocabulary)),
            Classes = ["animals", "machines"],
            Weights = new NetworkWeights("network.safetensors", FileChecksum.Sha256(weights)),
        };
        File.WriteAllText(Path.Combine(folder, "network.json"), JsonSerializer.Serialize(manifest, TextNetworkManifest.SerializerOptions));
    }
}
