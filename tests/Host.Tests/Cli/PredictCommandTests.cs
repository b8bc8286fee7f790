using System.Globalization;
using System.Text.Json;
using Pretrain.Host.Cli;
using Pretrain.Tests.Support;

namespace Pretrain.Host.Tests.Cli;

[Collection(ConsoleCollection.Name)]
public sealed class PredictCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-predict-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static int Pretrain(params string[] args) => PretrainCommand.Create().Parse(args).Invoke();

    private string Train(string name, string data, string model, int epochs = 2, double learningRate = 1e-3)
    {
        var recipe = Path.Combine(_folder, $"{name}.json");
        File.WriteAllText(recipe, $$"""
            { "name": "{{name}}", "device": "cpu", "output": "{{_folder.Replace("\\", "/", StringComparison.Ordinal)}}/runs",
              "data": {{data}}, "model": {{model}}, "training": { "epochs": {{epochs}}, "batchSize": 64, "learningRate": {{learningRate.ToString(CultureInfo.InvariantCulture)}} },
              "evaluation": { "linearProbe": false } }
            """);
        Pretrain("run", recipe).Should().Be(ExitCodes.Success);
        return Directory.GetDirectories(Path.Combine(_folder, "runs"), $"{name}-*").Should().ContainSingle().Subject;
    }

    /// <summary>Copies the saved network alone to a new folder and deletes the run folder (and with it the recipe).</summary>
    private string Travel(string run)
    {
        var moved = Directory.CreateDirectory(Path.Combine(_folder, "elsewhere", Path.GetFileName(run))).FullName;
        foreach (var file in new[] { "network.json", "network.safetensors" })
            File.Copy(Path.Combine(run, file), Path.Combine(moved, file));
        Directory.Delete(run, recursive: true);
        return moved;
    }

    private static double Accuracy(string[] rows)
    {
        var header = rows[0].Split(',');
        int predicted = Array.IndexOf(header, "predicted"), label = Array.IndexOf(header, "label");
        return rows.Skip(1).Select(r => r.Split(',')).Count(f => f[predicted] == f[label]) / (double)(rows.Length - 1);
    }

    [Fact]
    public void A_network_moved_away_from_its_run_predicts_with_the_accuracy_eval_reported()
    {
        var run = Train("travel", """{ "train": { "format": "embedded" }, "test": { "format": "embedded", "split": "test" } }""", """{ "hiddenLayers": [16] }""");
        Pretrain("eval", run).Should().Be(ExitCodes.Success);
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json")));
        using var evaluation = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "eval.json")));
        var reported = result.RootElement.GetProperty("testAccuracy").GetDouble();
        evaluation.RootElement.GetProperty("accuracy").GetDouble().Should().Be(reported, "eval uses the saved scaling, which is the one the run tested with");

        var moved = Travel(run);
        var slice = Path.Combine(RepositoryPaths.Root, "data", "fashion-mnist-slice");
        var output = Path.Combine(_folder, "predictions.csv");
        Pretrain("predict", moved, "--data", Path.Combine(slice, "t10k-images-idx3-ubyte.gz"), "--labels", Path.Combine(slice, "t10k-labels-idx1-ubyte.gz"),
            "--out", output, "--device", "cpu").Should().Be(ExitCodes.Success);

        var rows = File.ReadAllLines(output);
        rows.Should().HaveCount(1001, "a header and one row per test image");
        rows[0].Should().Be("predicted,p_T-shirt/top,p_Trouser,p_Pullover,p_Dress,p_Coat,p_Sandal,p_Shirt,p_Sneaker,p_Bag,p_Ankle boot,label");
        var first = rows[1].Split(',');
        first[1..11].Sum(p => double.Parse(p, CultureInfo.InvariantCulture)).Should().BeApproximately(1, 1e-4, "the columns are class probabilities");
        Accuracy(rows).Should().Be(reported, "the moved network, its scaling and its weights are the run's own");
    }

    [Fact]
    public void A_csv_with_a_label_column_gets_numbered_classes_and_the_manifest_path_works_as_the_model()
    {
        var csv = Path.Combine(_folder, "rows.csv");
        var random = new Random(5);
        File.WriteAllLines(csv, ["a,b,label", .. Enumerable.Range(0, 200).Select(i =>
        {
            var label = i % 2;
            return string.Create(CultureInfo.InvariantCulture, $"{label * 4 + random.NextDouble()},{10 - label * 3 + random.NextDouble()},{label}");
        })]);
        var run = Train("rows", """{ "train": { "format": "csv", "path": "rows.csv", "labelColumn": "label" }, "test": { "format": "csv", "path": "rows.csv", "labelColumn": "label" }, "scaling": "standardize" }""",
            """{ "hiddenLayers": [8] }""", epochs: 30, learningRate: 0.05);
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json")));
        var reported = result.RootElement.GetProperty("testAccuracy").GetDouble();
        reported.Should().BeGreaterThan(0.9, "the two classes are far apart");
        // Another validation split would refit the standardization on other rows; eval takes it from the manifest instead.
        Pretrain("eval", run, "--recipe", Path.Combine(_folder, "rows.json"), "--set", "data.validationFraction=0.5").Should().Be(ExitCodes.Success);
        using (var evaluation = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "eval.json"))))
            evaluation.RootElement.GetProperty("loss").GetDouble().Should().Be(result.RootElement.GetProperty("testLoss").GetDouble());
        var moved = Travel(run);

        var output = Path.Combine(_folder, "out", "rows-predictions.csv");
        Pretrain("predict", Path.Combine(moved, "network.json"), "--data", csv, "--label-column", "label", "--out", output).Should().Be(ExitCodes.Success);
        var rows = File.ReadAllLines(output);
        rows[0].Should().Be("predicted,p_0,p_1,label");
        Accuracy(rows).Should().Be(reported);

        var unlabeled = Path.Combine(_folder, "unlabeled.csv");
        File.WriteAllLines(unlabeled, File.ReadLines(csv).Select(l => l[..l.LastIndexOf(',')]));
        Pretrain("predict", moved, "--data", unlabeled, "--out", Path.Combine(_folder, "unlabeled-predictions.csv")).Should().Be(ExitCodes.Success);
        File.ReadLines(Path.Combine(_folder, "unlabeled-predictions.csv")).Skip(1).Select(l => l.Split(',')[0])
            .Should().Equal(rows.Skip(1).Select(l => l.Split(',')[0]), "the same features get the same predictions");
        File.ReadLines(Path.Combine(_folder, "unlabeled-predictions.csv")).First().Should().Be("predicted,p_0,p_1", "a file read without labels gets no label column");
    }

    [Fact]
    public void A_modified_weights_file_a_wrong_width_or_an_unknown_format_is_invalid_input()
    {
        var csv = Path.Combine(_folder, "rows.csv");
        File.WriteAllLines(csv, ["a,b,c,label", .. Enumerable.Range(0, 60).Select(i => $"{i % 3},{i % 5},{i % 7},{i % 2}")]);
        var run = Train("bad", """{ "train": { "format": "csv", "path": "rows.csv", "labelColumn": "label" } }""", """{ "hiddenLayers": [4] }""");
        var narrow = Path.Combine(_folder, "narrow.csv");
        File.WriteAllLines(narrow, ["a,b", "1,2"]);
        var output = Path.Combine(_folder, "never.csv");

        Pretrain("predict", run, "--data", narrow, "--out", output).Should().Be(ExitCodes.InvalidInput, "the network takes 3 features");
        Pretrain("predict", run, "--data", Path.Combine(_folder, "rows.json"), "--out", output).Should().Be(ExitCodes.InvalidInput);
        Pretrain("predict", run, "--data", csv, "--format", "parquet", "--out", output).Should().Be(ExitCodes.InvalidInput);
        var weights = Path.Combine(run, "network.safetensors");
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0xff;
        File.WriteAllBytes(weights, bytes);
        Pretrain("predict", run, "--data", csv, "--label-column", "label", "--out", output).Should().Be(ExitCodes.InvalidInput, "the checksum no longer matches");
        File.Exists(output).Should().BeFalse();
    }
}
