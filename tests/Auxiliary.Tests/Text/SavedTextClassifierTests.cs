using System.Text.Json.Nodes;
using Pretrain.Auxiliary.Text;
using Pretrain.FineTuning.Catalog;
using Pretrain.FineTuning.Library;
using Pretrain.FineTuning.Models;
using Pretrain.Pretraining;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tests.Text;

public sealed class SavedTextClassifierTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("saved-text-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Manifest => Path.Combine(_folder, "network.json");

    private static readonly string[] Documents =
    [
        "The cat and the dog.", "A CPU, a disk and a cable", "horse", "", "the cow and the kernel and the dog and the cat and the disk",
    ];

    [Theory]
    [InlineData(DocumentPooling.Windows)]
    [InlineData(DocumentPooling.Words)]
    [InlineData(DocumentPooling.MaxWindows)]
    [InlineData(DocumentPooling.Words, true)]
    [InlineData(DocumentPooling.Windows, true)]
    public void A_saved_text_model_gives_the_trained_classifiers_probabilities_for_raw_documents(DocumentPooling pooling, bool weighted = false)
    {
        var (classifier, vocabulary) = SavedTextFiles.Save(_folder, pooling, maxWords: 6, weighted: weighted);
        using var _ = classifier;
        using var expected = SavedTextFiles.Probabilities(classifier, vocabulary, Documents, maxWords: 6);

        using var loaded = SavedTextClassifier.Load(_folder);
        using var actual = loaded.PredictProbabilities(Documents);

        loaded.ClassNames.Should().Equal(SavedTextFiles.Classes);
        loaded.Manifest.Architecture.Pooling.Should().Be(SavedTextClassifier.PoolingName(pooling));
        loaded.Manifest.Architecture.WordWeights.Should().Be(weighted);
        actual.data<float>().ToArray().Should().Equal(expected.data<float>().ToArray(), "the same weights, vocabulary, tokenizer and cut read the same documents");
        loaded.PredictText(Documents).SelectMany(row => row).Should().Equal(expected.data<float>().ToArray());
    }

    [Fact]
    public void PretrainedModel_loads_a_text_model_and_classifies_strings()
    {
        var (classifier, vocabulary) = SavedTextFiles.Save(_folder);
        using var _ = classifier;
        using var expected = SavedTextFiles.Probabilities(classifier, vocabulary, Documents, maxWords: 6);

        using var model = PretrainedModel.Load(Manifest, device: "cpu");

        model.Text.Should().NotBeNull();
        model.Network.Should().BeNull();
        model.Text!.ClassNames.Should().Equal(SavedTextFiles.Classes);
        model.PredictText(Documents).SelectMany(row => row).Should().Equal(expected.data<float>().ToArray());
        FluentActions.Invoking(() => model.Stack).Should().Throw<InvalidOperationException>().WithMessage("*text model*");
        FluentActions.Invoking(() => model.CreateClassifier(2)).Should().Throw<InvalidOperationException>().WithMessage("*text model*");
    }

    [Fact]
    public void Unknown_words_map_to_the_unknown_id_and_case_is_folded_as_in_training()
    {
        var (classifier, vocabulary) = SavedTextFiles.Save(_folder, maxWords: 4);
        using var _ = classifier;
        using var loaded = SavedTextClassifier.Load(_folder);

        using var ids = loaded.Encode(["CAT zebra dog", "cat qwerty dog and the horse"]);

        ids.shape.Should().Equal(2, 4);
        var cat = vocabulary.IdOf("cat");
        var dog = vocabulary.IdOf("dog");
        ids[0].data<long>().ToArray().Should().Equal(cat, Vocabulary.UnknownId, dog, Vocabulary.PaddingId);
        ids[1].data<long>().ToArray().Should().Equal(new long[] { cat, Vocabulary.UnknownId, dog, vocabulary.IdOf("and") }, "documents are cut to maxWords");
        var probabilities = loaded.PredictText(["cat zebra dog", "cat qwerty dog"]);
        probabilities[0].Should().Equal(probabilities[1], "both unknown words are <unk>");
    }

    [Theory]
    [InlineData("network.safetensors")]
    [InlineData("network.vocabulary.json")]
    public void A_modified_weights_or_vocabulary_file_is_refused_by_its_checksum_naming_the_file(string file)
    {
        using var _ = SavedTextFiles.Save(_folder).Classifier;
        var path = Path.Combine(_folder, file);
        var bytes = File.ReadAllBytes(path);
        bytes[^3] ^= 1;
        File.WriteAllBytes(path, bytes);

        FluentActions.Invoking(() => SavedTextClassifier.Load(_folder)).Should().Throw<DataException>()
            .Which.Message.Should().Contain(path).And.Contain("checksum mismatch");
    }

    [Theory]
    [InlineData("architecture.window", "4", "architecture.window")]
    [InlineData("architecture.pooling", "\"sum\"", "architecture.pooling")]
    [InlineData("architecture.activation", "\"softmax\"", "architecture.activation")]
    [InlineData("architecture.hiddenLayers", "\"five\"", "architecture.hiddenLayers")]
    [InlineData("architecture.hiddenLayers", "[5, 5]", "hidden2.weight")]
    [InlineData("architecture.hiddenLayers", "[2147483647, 2147483647]", "architecture")]
    [InlineData("architecture.vocabularySize", "5", "architecture.vocabularySize")]
    [InlineData("architecture.classCount", "3", "classes")]
    [InlineData("input.dtype", "\"float32\"", "input.dtype")]
    [InlineData("input.maxWords", "0", "input.maxWords")]
    [InlineData("input.lowercase", "false", "input.lowercase")]
    [InlineData("input", null, "input")]
    [InlineData("vocabulary.file", "\"../network.vocabulary.json\"", "vocabulary.file")]
    [InlineData("vocabulary.sha256", "\"abc\"", "vocabulary.sha256")]
    [InlineData("version", "1", "version")]
    [InlineData("classes", "[\"animals\", \"animals\"]", "classes")]
    public void A_malformed_manifest_is_refused_naming_the_json_path(string field, string? value, string named)
    {
        using var _ = SavedTextFiles.Save(_folder).Classifier;
        var json = JsonNode.Parse(File.ReadAllText(Manifest))!;
        var parts = field.Split('.');
        var parent = parts[..^1].Aggregate(json, (node, part) => node[part]!).AsObject();
        if (value is null)
            parent.Remove(parts[^1]);
        else
            parent[parts[^1]] = JsonNode.Parse(value);
        File.WriteAllText(Manifest, json.ToJsonString());

        FluentActions.Invoking(() => SavedTextClassifier.Load(_folder)).Should().Throw<DataException>()
            .Which.Message.Should().Contain("network").And.Contain(named);
    }

    [Fact]
    public void The_catalog_copies_a_text_model_with_its_vocabulary_and_refuses_a_modified_one()
    {
        using var _ = SavedTextFiles.Save(_folder).Classifier;
        var catalog = new ModelCatalog(Path.Combine(_folder, "catalog"));

        catalog.AddNetwork(new CatalogEntry { Name = "words" }, _folder);

        catalog.Get("words").Kind.Should().Be("text");
        using (var original = SavedTextClassifier.Load(_folder))
        using (var copy = SavedTextClassifier.Load(catalog.PathOf("words")))
            copy.PredictText(Documents).SelectMany(p => p).Should().Equal(original.PredictText(Documents).SelectMany(p => p));
        File.AppendAllText(Path.Combine(_folder, "network.vocabulary.json"), " ");
        FluentActions.Invoking(() => catalog.AddNetwork(new CatalogEntry { Name = "changed" }, _folder)).Should().Throw<DataException>()
            .WithMessage($"{Path.Combine(_folder, "network.vocabulary.json")}: checksum mismatch*");
        catalog.List().Select(e => e.Name).Should().Equal("words");
    }

    [Fact]
    public void The_dense_network_loader_refuses_a_text_model_saying_what_it_is()
    {
        using var _ = SavedTextFiles.Save(_folder).Classifier;
        FluentActions.Invoking(() => SavedNetwork.Load(_folder)).Should().Throw<DataException>()
            .WithMessage("*network.json: architecture.kind: 'text': a text model reads documents*");
        NetworkManifestReader.KindOf(Manifest).Should().Be("text");
    }
}
