using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Pretrain.Auxiliary.Text;
using Pretrain.FineTuning.Export;
using Pretrain.Pretraining;
using Pretrain.Pretraining.IO;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tests.Text;

/// <summary>A saved text model exports to ONNX (token ids in), safetensors and npz, from its files alone.</summary>
public sealed class TextModelExportTests : IDisposable
{
    private static readonly string[] Documents = ["The cat and the dog.", "A CPU, a disk and a cable", "zebra", "", "the cow and the kernel and the dog and the cat"];
    private readonly string _folder = Directory.CreateTempSubdirectory("text-export-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(DocumentPooling.Windows)]
    [InlineData(DocumentPooling.Words)]
    [InlineData(DocumentPooling.MaxWindows)]
    [InlineData(DocumentPooling.Words, true)]
    [InlineData(DocumentPooling.Windows, true)]
    public void The_onnx_model_gives_the_saved_models_probabilities_for_the_same_token_ids(DocumentPooling pooling, bool weighted = false)
    {
        using var _ = SavedTextFiles.Save(_folder, pooling, maxWords: 6, weighted: weighted).Classifier;
        using var model = SavedTextClassifier.Load(_folder);
        var onnx = Path.Combine(_folder, "model.onnx");

        NetworkExporter.Export(_folder, ExportFormat.Onnx, onnx);

        using var ids = model.Encode(Documents);
        using var expected = model.PredictProbabilities(Documents);
        using var session = new InferenceSession(onnx);
        using var input = OrtValue.CreateTensorValueFromMemory(ids.data<long>().ToArray(), ids.shape);
        using var options = new RunOptions();
        using var results = session.Run(options, new Dictionary<string, OrtValue> { ["tokens"] = input }, ["probabilities"]);
        using var actual = tensor(results[0].GetTensorDataAsSpan<float>().ToArray(), expected.shape);
        actual.allclose(expected, rtol: 1e-5, atol: 1e-6).Should().BeTrue("the graph pools over the same windows and mask as the classifier");

        var metadata = session.ModelMetadata.CustomMetadataMap;
        JsonSerializer.Deserialize<string[]>(metadata["classes"]).Should().Equal(SavedTextFiles.Classes);
        JsonSerializer.Deserialize<string[]>(metadata["vocabulary"]).Should().HaveCount(model.Vocabulary.Count).And.StartWith(["<pad>", "<unk>"]);
        metadata["input"].Should().Contain("\"maxWords\":6").And.Contain("\"lowercase\":true");
    }

    [Fact]
    public void Safetensors_and_npz_hold_the_weights_and_a_swapped_tensor_is_refused_naming_it()
    {
        var (classifier, _) = SavedTextFiles.Save(_folder);
        using var __ = classifier;
        var safetensors = Path.Combine(_folder, "model.safetensors");
        NetworkExporter.Export(Path.Combine(_folder, "network.json"), ExportFormat.SafeTensors, safetensors);
        NetworkExporter.Export(_folder, ExportFormat.Npz, Path.Combine(_folder, "model.npz"));

        using (var content = SafeTensorsFile.Read(safetensors))
        {
            content.Tensors.Keys.Should().BeEquivalentTo(classifier.State.Keys);
            content.Tensors["head.weight"].allclose(classifier.HeadWeight).Should().BeTrue();
            content.Metadata["architecture"].Should().Contain("\"kind\":\"text\"");
        }
        System.IO.Compression.ZipFile.OpenRead(Path.Combine(_folder, "model.npz")).Entries.Select(e => e.Name)
            .Should().BeEquivalentTo(classifier.State.Keys.Select(k => k + ".npy"));

        // A weights file of the right size whose tensor is another shape, with a checksum to match: refused by name.
        var weights = Path.Combine(_folder, "network.safetensors");
        var state = classifier.State.ToDictionary(p => p.Key, p => p.Value);
        using var reshaped = classifier.HeadWeight.detach().reshape(classifier.HeadWeight.shape[1], classifier.HeadWeight.shape[0]);
        state["head.weight"] = reshaped;
        SafeTensorsFile.Write(weights, state);
        var manifest = Path.Combine(_folder, "network.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace(
            JsonDocument.Parse(File.ReadAllText(manifest)).RootElement.GetProperty("weights").GetProperty("sha256").GetString()!, FileChecksum.Sha256(weights), StringComparison.Ordinal));
        FluentActions.Invoking(() => NetworkExporter.Export(_folder, ExportFormat.Npz, Path.Combine(_folder, "again.npz"))).Should().Throw<DataException>()
            .WithMessage($"{weights}: tensor 'head.weight'*");
    }
}
