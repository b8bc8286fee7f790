using System.Text.Json.Nodes;
using CsCheck;
using Pretrain.FineTuning.Library;
using Pretrain.FineTuning.Models;
using Pretrain.Pretraining;

namespace Pretrain.FineTuning.Tests.Models;

public sealed class TextNetworkManifestTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("text-manifest-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Manifest => Path.Combine(_folder, "network.json");

    [Fact]
    public void A_text_manifest_reads_back_and_its_kind_is_told_apart_from_networks()
    {
        TextModelFiles.Save(_folder);

        var manifest = TextNetworkManifestReader.Read(Manifest);
        TextNetworkManifestReader.VerifyChecksums(Manifest, manifest);

        manifest.Version.Should().Be(2, "text models need format version 2");
        File.ReadAllText(Manifest).Should().NotContain("pooledFeatures", "it follows from the other fields");
        manifest.Architecture.Should().BeEquivalentTo(TextModelFiles.Architecture);
        NetworkManifestReader.KindOf(Manifest).Should().Be("text");
        FluentActions.Invoking(() => NetworkManifestReader.Read(Manifest)).Should().Throw<DataException>().WithMessage("*architecture.kind: 'text'*");
    }

    [Fact]
    public void Without_the_auxiliary_library_PretrainedModel_says_which_library_a_text_model_needs()
    {
        TextModelFiles.Save(_folder);
        // This test project references Pretrain.FineTuning alone, so Pretrain.Auxiliary is not there to load.
        FluentActions.Invoking(() => PretrainedModel.Load(_folder, device: "cpu")).Should().Throw<PretrainException>()
            .WithMessage("*a text model; loading it needs the Pretrain.Auxiliary library*");
    }

    private static readonly string[] Fields =
    [
        "format", "version", "architecture", "architecture.kind", "architecture.window", "architecture.vocabularySize", "architecture.embeddingSize",
        "architecture.hiddenLayers", "architecture.activation", "architecture.pooling", "architecture.classCount", "input", "input.dtype", "input.tokenizer",
        "input.lowercase", "input.maxWords", "input.paddingId", "input.unknownId", "vocabulary", "vocabulary.file", "vocabulary.sha256", "classes",
        "weights", "weights.file", "weights.sha256",
    ];

    private static readonly Gen<string> Value = Gen.Frequency(
        (3, Gen.OneOf("null", "0", "-1", "1", "2", "3", "5", "2147483647", "1e400", "0.5", "true", "\"\"", "\"text\"", "\"tanh\"", "\"words\"", "\"maxWindows\"",
            "{}", "[]", "[0]", "[5]", "[2147483647, 2147483647]", "[-1]", "[\"a\", null]", "[\"a\", \"a\"]", "\"network.safetensors\"", "\"network.json\"", "\"/etc/passwd\"", "\"..\"")),
        (1, Gen.Int.Array[0, 4].Select(a => $"[{string.Join(",", a)}]")),
        (1, Gen.String[0, 8].Select(s => System.Text.Json.JsonSerializer.Serialize(s))));

    [Fact]
    public void Any_damaged_text_manifest_is_read_or_refused_with_a_data_exception_naming_a_file_of_the_model()
    {
        TextModelFiles.Save(_folder);
        var good = File.ReadAllText(Manifest);
        var gen = Gen.Select(Gen.Int[0, Fields.Length - 1], Gen.Frequency((6, Value.Select(v => (string?)v)), (1, Gen.Const((string?)null))), Gen.Double[0, 1.2]);
        gen.Sample((field, value, cut) =>
        {
            var json = JsonNode.Parse(good)!.AsObject();
            var parts = Fields[field].Split('.');
            var parent = parts[..^1].Aggregate((JsonNode)json, (node, part) => node[part]!).AsObject();
            if (value is null)
                parent.Remove(parts[^1]);
            else
                parent[parts[^1]] = JsonNode.Parse(value);
            var text = json.ToJsonString();
            File.WriteAllText(Manifest, cut < 1 ? text[..(int)(text.Length * cut)] : text);
            try
            {
                var manifest = TextNetworkManifestReader.Read(Manifest);
                TextNetworkManifestReader.VerifyChecksums(Manifest, manifest);
                manifest.Architecture.TensorShapes().Should().NotBeEmpty();
            }
            catch (DataException e)
            {
                e.FilePath.Should().BeOneOf(Manifest, Path.Combine(_folder, "network.safetensors"), Path.Combine(_folder, "network.vocabulary.json"), Path.Combine(_folder, "passwd"));
            }
        }, iter: 300, threads: 1);
    }
}
