using Pretrain.Pretraining;
using Pretrain.Recipes.Pipeline;

namespace Pretrain.Recipes.Tests.Pipeline;

/// <summary>The text pipeline reads a corpus in the format the recipe names.</summary>
public sealed class TextCorpusRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-text-run-").FullName;

    private string Recipe(string corpus, string auxiliary = """ "epochs": 2, "batchSize": 32 """, string classifier = "", string more = "")
    {
        var path = Path.Combine(_folder, "text.json");
        File.WriteAllText(path, $$"""
            { "device": "cpu", "output": "{{_folder.Replace("\\", "/", StringComparison.Ordinal)}}/runs",
              "text": { {{corpus}}, "categories": ["animals", "machines"], "window": 3, "embeddingSize": 8, "hiddenLayers": [8],
                        "auxiliary": { {{auxiliary}} }, {{more}} "labelsPerClass": 5, "validationPerClass": 5,
                        "classifier": { "epochs": 30, "patience": 10, "learningRate": 0.01 {{classifier}} } } }
            """);
        return path;
    }

    [Fact]
    public void A_jsonl_corpus_is_read_with_the_named_fields_and_classified()
    {
        var random = new Random(5);
        string[] animals = ["cat", "dog", "horse", "cow", "sheep", "goat"], machines = ["disk", "cpu", "kernel", "cable", "screen", "mouse"];
        string Text(string[] words) => string.Join(" ", Enumerable.Range(0, 8).Select(_ => words[random.Next(words.Length)]));
        var lines = Enumerable.Range(0, 60).SelectMany(_ => new[]
        {
            $$"""{"topic": "animals", "body": "{{Text(animals)}}"}""",
            $$"""{"topic": "machines", "body": "{{Text(machines)}}"}""",
        });
        File.WriteAllLines(Path.Combine(_folder, "corpus.jsonl"), lines);

        var result = RecipeRunner.RunFile(Recipe(""" "format": "jsonl", "path": "corpus.jsonl", "labelField": "topic", "textField": "body" """));

        result.TrainExamples.Should().Be(10, "5 labelled documents per category");
        result.TestAccuracy.Should().BeGreaterThan(0.9, "the two categories share no words");
    }

    [Fact]
    public void Window_ranking_then_document_pairs_pretrain_the_encoder_and_the_classifier_unfreezes_it_gradually()
    {
        var random = new Random(6);
        string[] animals = ["cat", "dog", "horse", "cow", "sheep", "goat"], machines = ["disk", "cpu", "kernel", "cable", "screen", "mouse"];
        string Text(string[] words) => string.Join(" ", Enumerable.Range(0, 8).Select(_ => words[random.Next(words.Length)]));
        File.WriteAllLines(Path.Combine(_folder, "corpus.tsv"), Enumerable.Range(0, 60).SelectMany(_ => new[] { $"animals\t{Text(animals)}", $"machines\t{Text(machines)}" }));

        var result = RecipeRunner.RunFile(Recipe(""" "format": "tsv", "path": "corpus.tsv" """,
            auxiliary: """ "task": "ranking", "epochs": 2, "batchSize": 32 """,
            more: """ "auxiliaryThen": [{ "task": "sameDifferent", "epochs": 3, "batchSize": 16, "contrastive": { "projectionHidden": 8, "projectionSize": 4 } }], """,
            classifier: """, "dropout": 0.3, "unfreezeEveryEpochs": 5, "layerLearningRateFactor": 0.5, "wordWeights": "frequency" """));

        result.AuxiliaryScore.Should().BeInRange(0, 1, "the held-out share of views matched to their partner");
        result.TestAccuracy.Should().BeGreaterThan(0.9, "the two categories share no words");
        var metrics = File.ReadAllLines(Path.Combine(Directory.GetDirectories(Path.Combine(_folder, "runs")).Single(), "metrics.jsonl"));
        metrics.Count(line => line.Contains("\"stage\":\"auxiliary ranking\"", StringComparison.Ordinal)).Should().Be(2, "one line per ranking epoch, first");
        metrics.Count(line => line.Contains("\"stage\":\"auxiliary sameDifferent\"", StringComparison.Ordinal)).Should().Be(3, "then one per document-pair epoch");
        Array.FindIndex(metrics, line => line.Contains("sameDifferent", StringComparison.Ordinal))
            .Should().BeGreaterThan(Array.FindLastIndex(metrics, line => line.Contains("\"stage\":\"auxiliary ranking\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_bad_line_in_the_corpus_stops_the_run_naming_file_line_and_field()
    {
        File.WriteAllText(Path.Combine(_folder, "corpus.csv"), "label,text\nanimals,cat dog\nmachines\n");
        var act = () => RecipeRunner.RunFile(Recipe(""" "format": "csv", "path": "corpus.csv" """));
        act.Should().Throw<DataException>().WithMessage("*corpus.csv: line 3, column 2 ('text'): expected a field*");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
