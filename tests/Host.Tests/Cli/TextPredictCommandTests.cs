using System.Globalization;
using System.Text.Json;
using Pretrain.Auxiliary.Text;
using Pretrain.Host.Cli;
using Pretrain.Pretraining.IO;
using Pretrain.Tests.Support;

namespace Pretrain.Host.Tests.Cli;

/// <summary>A text run's saved model travels: eval, predict and export use it without the recipe or the corpus.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class TextPredictCommandTests : IDisposable
{
    private static readonly string[] Animals = ["cat", "dog", "horse", "cow", "sheep", "goat"];
    private static readonly string[] Machines = ["disk", "cpu", "kernel", "cable", "screen", "mouse"];

    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-text-predict-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Text(Random random, string[] words, int count = 8) =>
        string.Join(" ", Enumerable.Range(0, count).Select(_ => words[random.Next(words.Length)]));

    /// <summary>Trains a tiny text run on a TSV corpus of two categories that share no words; returns the run folder.</summary>
    private string Train()
    {
        var random = new Random(5);
        File.WriteAllLines(Path.Combine(_folder, "corpus.tsv"), Enumerable.Range(0, 50).SelectMany(_ => new[]
        {
            $"animals\t{Text(random, Animals)}", $"machines\t{Text(random, Machines)}",
        }));
        var recipe = Path.Combine(_folder, "text.json");
        File.WriteAllText(recipe, $$"""
            { "name": "words", "device": "cpu", "output": "{{_folder.Replace("\\", "/", StringComparison.Ordinal)}}/runs",
              "text": { "format": "tsv", "path": "corpus.tsv", "categories": ["animals", "machines"], "window": 3, "embeddingSize": 8, "hiddenLayers": [8],
                        "maxWords": 6, "auxiliary": { "epochs": 2, "batchSize": 32 }, "labelsPerClass": 5, "validationPerClass": 5,
                        "classifier": { "epochs": 30, "patience": 10, "learningRate": 0.01 } } }
            """);
        CapturedCommand.Run("run", recipe).Code.Should().Be(ExitCodes.Success);
        return Directory.GetDirectories(Path.Combine(_folder, "runs"), "words-*").Should().ContainSingle().Subject;
    }

    [Fact]
    public void A_text_model_moved_away_from_its_run_and_corpus_predicts_a_labelled_tsv_and_exports()
    {
        var run = Train();
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json")));
        var reported = result.RootElement.GetProperty("testAccuracy").GetDouble();
        // The corpus path is relative to the original recipe's folder, so eval is told where that recipe is.
        var (evalCode, evalOut, evalError) = CapturedCommand.Run("eval", run, "--recipe", Path.Combine(_folder, "text.json"));
        evalCode.Should().Be(ExitCodes.Success, evalError);
        evalOut.Should().Contain("test documents of text.path corpus.tsv");
        using (var evaluation = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "eval.json"))))
            evaluation.RootElement.GetProperty("accuracy").GetDouble().Should().Be(reported, "eval tests the saved model on the run's own test documents");

        var moved = Directory.CreateDirectory(Path.Combine(_folder, "elsewhere", "model")).FullName;
        foreach (var file in new[] { "network.json", "network.safetensors", "network.vocabulary.json" })
            File.Copy(Path.Combine(run, file), Path.Combine(moved, file));
        Directory.Delete(run, recursive: true);
        File.Delete(Path.Combine(_folder, "corpus.tsv"));
        File.Delete(Path.Combine(_folder, "text.json"));

        var random = new Random(11);
        var documents = Path.Combine(_folder, "new.tsv");
        var texts = Enumerable.Range(0, 10).SelectMany(_ => new[] { $"{Text(random, Animals, 5)} zebra", $"{Text(random, Machines, 5)}, a PRINTER!" }).ToList();
        File.WriteAllLines(documents, ["label\ttext", .. texts.Select((t, i) => $"{(i % 2 == 0 ? "animals" : "machines")}\t{t}")]);
        var output = Path.Combine(_folder, "predictions.csv");
        var (code, stdout, error) = CapturedCommand.Run("predict", moved, "--data", documents, "--out", output, "--device", "cpu");

        code.Should().Be(ExitCodes.Success, error);
        var rows = File.ReadAllLines(output);
        rows[0].Should().Be("predicted,p_animals,p_machines,label");
        rows.Should().HaveCount(21, "a header and one row per document");
        var fields = rows.Skip(1).Select(r => r.Split(',')).ToList();
        fields.Should().AllSatisfy(f => (double.Parse(f[1], CultureInfo.InvariantCulture) + double.Parse(f[2], CultureInfo.InvariantCulture)).Should().BeApproximately(1, 1e-5));
        using (var model = SavedTextClassifier.Load(moved))
        {
            var expected = model.PredictText(texts);
            fields.Select(f => float.Parse(f[1], CultureInfo.InvariantCulture)).Should().Equal(expected.Select(p => p[0]), "the file holds the saved model's probabilities");
        }
        var accuracy = fields.Count(f => f[0] == f[3]) / 20.0;
        accuracy.Should().BeGreaterThan(0.7, "the categories share no words (5 labelled documents each; chance is 0.5)");
        stdout.Should().Contain("Predicted 20 documents (2 classes)").And.Contain($"Accuracy: {accuracy.ToString("F4", CultureInfo.InvariantCulture)} on the file's labels.");

        foreach (var format in new[] { "safetensors", "npz", "onnx" })
        {
            var exported = Path.Combine(_folder, $"model.{format}");
            CapturedCommand.Run("export", moved, "--format", format, "--out", exported).Code.Should().Be(ExitCodes.Success);
            File.Exists(exported).Should().BeTrue();
        }
        using var weights = SafeTensorsFile.Read(Path.Combine(_folder, "model.safetensors"));
        weights.Tensors.Keys.Should().Contain(["embedding.weight", "hidden1.weight", "head.weight"]);
        JsonSerializer.Deserialize<string[]>(weights.Metadata["vocabulary"]).Should().StartWith(["<pad>", "<unk>"]);
    }

    [Fact]
    public void Options_that_do_not_fit_a_text_model_are_invalid_input()
    {
        var run = Train();
        var documents = Path.Combine(_folder, "new.txt");
        File.WriteAllLines(documents, ["the cat and the dog", "", "a disk and a cable"]);
        var output = Path.Combine(_folder, "predictions.csv");

        CapturedCommand.Run("predict", run, "--data", documents, "--labels", "y.npy", "--out", output).Error.Should().Contain("--labels: applies to npy and idx files");
        CapturedCommand.Run("predict", run, "--data", documents, "--label-column", "0", "--out", output).Error.Should().Contain("--label-column: applies to csv, tsv and jsonl");
        CapturedCommand.Run("predict", run, "--data", documents, "--format", "npy", "--out", output).Error.Should().Contain("a text model reads documents");
        File.Exists(output).Should().BeFalse();

        var (code, stdout, _) = CapturedCommand.Run("predict", run, "--data", documents, "--out", output);
        code.Should().Be(ExitCodes.Success);
        stdout.Should().Contain("Predicted 2 documents").And.NotContain("Accuracy");
        File.ReadAllLines(output)[0].Should().Be("predicted,p_animals,p_machines", "one unlabelled document per non-blank line");
    }
}
