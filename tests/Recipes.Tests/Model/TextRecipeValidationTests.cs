using Pretrain.Auxiliary.Text;
using Pretrain.Recipes.Model;

namespace Pretrain.Recipes.Tests.Model;

/// <summary>The text section's corpus fields: format, path (or folder for records) and the fields each format reads.</summary>
public sealed class TextRecipeValidationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-text-recipes-").FullName;

    private LoadedRecipe Load(string text)
    {
        var path = Path.Combine(_folder, "text.json");
        File.WriteAllText(path, $$"""{ "text": { {{text}}, "categories": ["sports", "weather"] } }""");
        return RecipeLoader.Load(path);
    }

    private RecipeException Refused(string text) => FluentActions.Invoking(() => Load(text)).Should().Throw<RecipeException>().Which;

    [Fact]
    public void A_jsonl_corpus_with_its_field_names_is_accepted_and_resolved_beside_the_recipe()
    {
        var loaded = Load("""  "format": "jsonl", "path": "news.jsonl", "labelField": "topic", "textField": "body" """);
        var text = loaded.Recipe.Text!;
        text.Format.Should().Be(TextCorpusFormat.Jsonl);
        text.CorpusOptions.Should().Be(new TextCorpusOptions { Format = TextCorpusFormat.Jsonl, LabelField = "topic", TextField = "body" });
        loaded.Resolve(text.CorpusPath).Should().Be(Path.Combine(_folder, "news.jsonl"));
        loaded.ResolvedJson.Should().Contain("\"format\": \"jsonl\"");
    }

    [Theory]
    [InlineData("""  "format": "csv", "path": "news.csv", "labelField": "0", "textField": "review", "header": true """, TextCorpusFormat.Csv)]
    [InlineData("""  "format": "tsv", "path": "news.tsv" """, TextCorpusFormat.Tsv)]
    [InlineData("""  "format": "lines", "path": "corpus" """, TextCorpusFormat.Lines)]
    [InlineData("""  "format": "folders", "path": "corpus" """, TextCorpusFormat.Folders)]
    [InlineData("""  "format": "records", "path": "/usr/share/games/fortunes" """, TextCorpusFormat.Records)]
    [InlineData("""  "folder": "/usr/share/games/fortunes" """, TextCorpusFormat.Records)]
    public void Every_format_is_accepted_and_folder_still_means_records(string corpus, TextCorpusFormat format) =>
        Load(corpus).Recipe.Text!.Format.Should().Be(format);

    [Theory]
    [InlineData("""  "format": "csv", "folder": "corpus" """, "text.folder", "expected only with format records; use path for format csv.")]
    [InlineData("""  "path": "a", "folder": "b" """, "text.folder", "give path or folder, not both*")]
    [InlineData("""  "format": "jsonl" """, "text.path", "expected a jsonl file.")]
    [InlineData("""  "format": "records", "folder": " " """, "text.folder", "expected a folder of record files.")]
    [InlineData("""  "format": "lines", "path": "a.txt", "labelField": "label" """, "text.labelField", "expected only with format csv, tsv or jsonl*")]
    [InlineData("""  "format": "jsonl", "path": "a.jsonl", "header": false """, "text.header", "expected only with format csv or tsv, received it with format jsonl.")]
    [InlineData("""  "format": "csv", "path": "a.csv", "textField": "" """, "text.textField", "expected a column name or 0-based index, received \"\".")]
    [InlineData("""  "format": "tsv", "path": "a.tsv", "labelField": "x", "textField": "x" """, "text.textField", "expected a different column from labelField*")]
    public void Corpus_fields_that_do_not_fit_the_format_are_refused_with_their_path(string corpus, string path, string message)
    {
        var problems = Refused(corpus).Problems;
        problems.Should().ContainSingle(p => p.Path == path).Which.Message.Should().Match(message);
    }

    [Fact]
    public void An_unknown_format_lists_the_known_ones()
    {
        var error = Refused("""  "format": "xml", "path": "a.xml" """);
        error.Problems.Should().ContainSingle().Which.Path.Should().Be("text.format");
        error.Message.Should().Contain("records, csv, tsv, jsonl, lines, folders").And.Contain("received \"xml\"");
    }

    [Fact]
    public void Out_of_range_document_task_and_classifier_fields_are_refused_with_their_paths()
    {
        var problems = Refused("""
              "path": "corpus", "auxiliary": { "task": "sameDifferent", "wordDropout": 1, "contrastive": { "temperature": 0 } },
              "auxiliaryThen": [{ "task": "ranking" }, { "task": "sameDifferent", "epochs": 0 }],
              "classifier": { "dropout": -0.1, "unfreezeEveryEpochs": 0, "layerLearningRateFactor": 0 }
            """).Problems;

        problems.Select(p => p.Path).Should().BeEquivalentTo(
            "text.auxiliary.wordDropout", "text.auxiliary.contrastive.temperature", "text.auxiliaryThen[1].epochs",
            "text.classifier.dropout", "text.classifier.unfreezeEveryEpochs", "text.classifier.layerLearningRateFactor");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
