using System.Text.Json;
using Pretrain.Host.Cli;

namespace Pretrain.Host.Tests.Cli;

[Collection(ConsoleCollection.Name)]
public sealed class RunCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteRecipe(string json)
    {
        var path = Path.Combine(_folder, "recipe.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static int Pretrain(params string[] args) => PretrainCommand.Create().Parse(args).Invoke();

    [Fact]
    public void Run_trains_on_the_embedded_data_and_writes_the_run_folder()
    {
        var recipe = WriteRecipe($$"""
            { "name": "tiny", "device": "cpu", "output": "{{_folder.Replace("\\", "/", StringComparison.Ordinal)}}/runs",
              "data": { "train": { "format": "embedded" }, "test": { "format": "embedded", "split": "test" } },
              "model": { "hiddenLayers": [32] },
              "training": { "epochs": 2, "batchSize": 64 } }
            """);

        Pretrain("run", recipe).Should().Be(ExitCodes.Success);

        var run = Directory.GetDirectories(Path.Combine(_folder, "runs")).Should().ContainSingle().Subject;
        foreach (var file in new[] { "recipe.json", "environment.json", "scaler.json", "metrics.jsonl", "metrics.csv", "result.json", "log.txt", "confusion.csv", "confusion.png", "training-loss.png", "training-accuracy.png" })
            File.Exists(Path.Combine(run, file)).Should().BeTrue($"{file} belongs in the run folder");
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Should().HaveCount(2);
        var csv = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        csv[0].Should().Be("stage,epoch,metric,value,seconds");
        csv.Skip(1).Should().Contain(l => l.Contains(",2,validationAccuracy,", StringComparison.Ordinal));
        Directory.GetFiles(Path.Combine(run, "tensorboard"), "events.out.tfevents.*").Should().ContainSingle()
            .Which.Should().Match(f => new FileInfo(f).Length > 100, "TensorBoard scalars are written every epoch");
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json")));
        result.RootElement.GetProperty("testAccuracy").GetDouble().Should().BeGreaterThan(0.6, "two epochs on 4,500 images learn far above chance (0.1)");

        Pretrain("eval", run).Should().Be(ExitCodes.Success);
        using var evaluation = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "eval.json")));
        evaluation.RootElement.GetProperty("accuracy").GetDouble().Should().Be(result.RootElement.GetProperty("testAccuracy").GetDouble(),
            "pretrain eval reloads the saved network and finds the run's own test accuracy");
        Pretrain("eval", Path.Combine(_folder, "no-such-run")).Should().Be(ExitCodes.InvalidInput);
    }

    [Fact]
    public void An_auxiliary_task_pretrains_the_stack_that_fine_tuning_then_starts_from()
    {
        var recipe = WriteRecipe($$"""
            { "name": "aux", "device": "cpu", "output": "{{_folder.Replace("\\", "/", StringComparison.Ordinal)}}/runs",
              "data": { "train": { "format": "embedded" }, "test": { "format": "embedded", "split": "test" }, "labelsPerClass": 10 },
              "pretraining": { "auxiliary": { "task": "ranking", "corruption": { "kind": "patchSwap", "size": 6 }, "hiddenLayers": [24, 12], "epochs": 2 } },
              "model": { "initialization": "pretrained" },
              "training": { "epochs": 2, "batchSize": 32 },
              "evaluation": { "linearProbe": false } }
            """);

        Pretrain("run", recipe).Should().Be(ExitCodes.Success);

        var run = Directory.GetDirectories(Path.Combine(_folder, "runs")).Should().ContainSingle().Subject;
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "stack", "stack.json")));
        var text = manifest.RootElement.ToString();
        text.Should().Contain("auxiliary:ranking").And.Contain("correctRanking");
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Should().Contain(l => l.Contains("auxiliary ranking", StringComparison.Ordinal));
        File.Exists(Path.Combine(run, "auxiliary-loss.png")).Should().BeTrue();
        File.Exists(Path.Combine(run, "result.json")).Should().BeTrue();
    }

    [Fact]
    public void A_patch_corruption_on_feature_vectors_is_a_clear_input_error()
    {
        var csv = Path.Combine(_folder, "rows.csv");
        File.WriteAllLines(csv, ["a,b,c,label", .. Enumerable.Range(0, 40).Select(i => $"{i % 3},{i % 5},{i % 7},{i % 2}")]);
        var recipe = WriteRecipe($$"""
            { "device": "cpu", "output": "{{_folder.Replace("\\", "/", StringComparison.Ordinal)}}/runs",
              "data": { "train": { "format": "csv", "path": "rows.csv", "labelColumn": "label" } },
              "pretraining": { "auxiliary": { "corruption": { "kind": "patchSwap", "size": 2 }, "hiddenLayers": [4], "epochs": 1 } } }
            """);
        Pretrain("run", recipe).Should().Be(ExitCodes.InvalidInput);
    }

    [Fact]
    public void A_bad_data_file_is_reported_once_on_the_console_and_kept_in_the_run_log()
    {
        File.WriteAllLines(Path.Combine(_folder, "bad.csv"), ["a,b,label", "1,2,0", "3,oops,1"]);
        var recipe = WriteRecipe($$"""
            { "device": "cpu", "output": "{{_folder.Replace("\\", "/", StringComparison.Ordinal)}}/runs",
              "data": { "train": { "format": "csv", "path": "bad.csv", "labelColumn": "label" } } }
            """);
        var (code, _, printed) = CapturedCommand.Run("run", recipe);
        code.Should().Be(ExitCodes.InvalidInput);

        printed.Split("expected a number, received 'oops'").Length.Should().Be(2, $"the error is printed once, received:\n{printed}");
        printed.Should().NotContain("   at ", "no stack trace for the user");
        var run = Directory.GetDirectories(Path.Combine(_folder, "runs")).Should().ContainSingle().Subject;
        File.ReadAllText(Path.Combine(run, "log.txt")).Should().Contain("expected a number, received 'oops'");
    }

    [Fact]
    public void The_text_pipeline_pretrains_on_a_corpus_and_classifies_documents_from_the_encoder_and_from_scratch()
    {
        // Two categories with different vocabularies, records separated by % lines, as in the fortune files.
        var corpus = Directory.CreateDirectory(Path.Combine(_folder, "corpus")).FullName;
        var random = new Random(3);
        string[] animals = ["cat", "dog", "horse", "cow", "sheep", "goat"], machines = ["disk", "cpu", "kernel", "cable", "screen", "mouse"];
        string Record(string[] words) => string.Join(" ", Enumerable.Range(0, 8).Select(_ => words[random.Next(words.Length)]));
        File.WriteAllText(Path.Combine(corpus, "animals"), string.Join("\n%\n", Enumerable.Range(0, 60).Select(_ => Record(animals))));
        File.WriteAllText(Path.Combine(corpus, "machines"), string.Join("\n%\n", Enumerable.Range(0, 60).Select(_ => Record(machines))));
        File.WriteAllText(Path.Combine(corpus, "machines.dat"), "binary index, skipped");
        var extra = Directory.CreateDirectory(Path.Combine(_folder, "extra", "nested")).FullName;
        File.WriteAllText(Path.Combine(extra, "more.txt"), "cat dog horse cow sheep\ndisk cpu kernel cable screen\n");
        File.WriteAllBytes(Path.Combine(extra, "blob.bin"), [0xC3, 0x28, 0xFF, 0xFE, 0x00]);
        var recipe = WriteRecipe($$"""
            { "name": "text", "device": "cpu", "output": "{{_folder.Replace("\\", "/", StringComparison.Ordinal)}}/runs",
              "text": { "folder": "corpus", "categories": ["animals", "machines"], "window": 3, "embeddingSize": 8, "hiddenLayers": [8],
                        "auxiliary": { "epochs": 2, "batchSize": 32 }, "labelsPerClass": 5, "validationPerClass": 5, "labelBudgets": [2, 5, 10], "unlabeled": ["extra"],
                        "classifier": { "epochs": 30, "patience": 10 }, "neighbours": ["cat", "unseen"] } }
            """);

        Pretrain("run", recipe).Should().Be(ExitCodes.Success);

        var run = Directory.GetDirectories(Path.Combine(_folder, "runs")).Should().ContainSingle().Subject;
        foreach (var file in new[] { "vocabulary.json", "encoder.safetensors", "result.json", "metrics.jsonl" })
            File.Exists(Path.Combine(run, file)).Should().BeTrue($"{file} belongs in a text run folder");
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json")));
        result.RootElement.GetProperty("auxiliaryScore").GetDouble().Should().BeInRange(0, 1);
        result.RootElement.GetProperty("testAccuracy").GetDouble().Should().BeGreaterThan(0.9, "the two categories share no words");
        result.RootElement.GetProperty("scratchTestAccuracy").GetDouble().Should().BeInRange(0, 1);
        result.RootElement.GetProperty("bagOfWordsTestAccuracy").GetDouble().Should().BeGreaterThan(0.9, "the baseline sees the same disjoint vocabularies");
        var budgets = result.RootElement.GetProperty("labelBudgets").EnumerateArray().ToList();
        budgets.Select(b => b.GetProperty("labelsPerClass").GetInt32()).Should().Equal(2, 5, 10);
        budgets.Single(b => b.GetProperty("labelsPerClass").GetInt32() == 5).GetProperty("pretrained").GetDouble()
            .Should().Be(result.RootElement.GetProperty("testAccuracy").GetDouble(), "labelsPerClass is one of the budgets");
        File.ReadAllLines(Path.Combine(run, "label-budgets.csv")).Should().HaveCount(4).And.StartWith("labelsPerClass,pretrained,scratch,bagOfWords");
        File.Exists(Path.Combine(run, "label-budgets.png")).Should().BeTrue();
        File.ReadAllText(Path.Combine(run, "log.txt")).Should().Contain("Unlabeled text: 2 documents").And.Contain("1 files skipped as not UTF-8 text");
        File.ReadAllText(Path.Combine(run, "log.txt")).Should().Contain("Nearest words to 'cat'").And.Contain("'unseen': not in the vocabulary");
        using var neighbours = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "neighbours.json")));
        var cat = neighbours.RootElement.GetProperty("cat");
        cat.GetProperty("before").GetArrayLength().Should().BeGreaterThan(0);
        cat.GetProperty("after").EnumerateArray().Select(n => n.GetProperty("word").GetString()).Should().NotEqual(
            cat.GetProperty("before").EnumerateArray().Select(n => n.GetProperty("word").GetString()), "pretraining moved the embeddings");
        File.Exists(Path.Combine(run, "embeddings-pca.png")).Should().BeTrue();
    }

    [Fact]
    public void A_text_category_without_a_file_is_a_clear_input_error()
    {
        var corpus = Directory.CreateDirectory(Path.Combine(_folder, "corpus")).FullName;
        File.WriteAllText(Path.Combine(corpus, "one"), "a b c\n%\nd e f\n");
        var recipe = WriteRecipe($$"""
            { "device": "cpu", "output": "{{_folder.Replace("\\", "/", StringComparison.Ordinal)}}/runs",
              "text": { "folder": "corpus", "categories": ["one", "two"] } }
            """);
        Pretrain("run", recipe).Should().Be(ExitCodes.InvalidInput);
        Pretrain("validate", recipe, "--set", "text.folder=no-such-folder").Should().Be(ExitCodes.Success, "the folder is checked when the run starts");
        Pretrain("run", recipe, "--set", "text.folder=no-such-folder").Should().Be(ExitCodes.InvalidInput);
    }

    [Fact]
    public void An_invalid_recipe_exits_with_code_2_and_runs_nothing()
    {
        var recipe = WriteRecipe("""{ "output": "runs-should-not-exist", "data": { "train": { "format": "embedded" } }, "training": { "epochs": 0 } }""");
        Pretrain("run", recipe).Should().Be(ExitCodes.InvalidInput);
        Pretrain("validate", recipe).Should().Be(ExitCodes.InvalidInput);
        Directory.Exists(Path.Combine(_folder, "runs-should-not-exist")).Should().BeFalse();
    }

    [Fact]
    public void Validate_accepts_a_good_recipe_and_an_override_can_break_it()
    {
        var recipe = WriteRecipe("""{ "data": { "train": { "format": "embedded" } } }""");
        Pretrain("validate", recipe).Should().Be(ExitCodes.Success);
        Pretrain("validate", recipe, "--set", "training.batchSize=0").Should().Be(ExitCodes.InvalidInput);
    }

    [Fact]
    public void Bad_data_exits_with_code_2()
    {
        var csv = Path.Combine(_folder, "bad.csv");
        File.WriteAllText(csv, "a,b,label\n1,2,0\n3,oops,1\n");
        var recipe = WriteRecipe($$"""
            { "device": "cpu", "output": "{{_folder.Replace("\\", "/", StringComparison.Ordinal)}}/runs",
              "data": { "train": { "format": "csv", "path": "bad.csv", "labelColumn": "label" } } }
            """);
        Pretrain("run", recipe).Should().Be(ExitCodes.InvalidInput);
    }

    [Fact]
    public void An_unavailable_cuda_device_is_invalid_input_on_a_machine_without_one()
    {
        if (TorchSharp.torch.cuda.is_available())
            return;
        var recipe = WriteRecipe($$"""
            { "output": "{{_folder.Replace("\\", "/", StringComparison.Ordinal)}}/runs", "data": { "train": { "format": "embedded" } } }
            """);
        Pretrain("run", recipe, "--device", "cuda:0").Should().Be(ExitCodes.InvalidInput);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console and global logger";
}

[Collection(ConsoleCollection.Name)]
public sealed class PretrainingRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-pre-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_pretraining_recipe_saves_the_stack_pictures_and_the_probe_result()
    {
        var recipe = Path.Combine(_folder, "pre.json");
        File.WriteAllText(recipe, $$"""
            { "name": "pre", "device": "cpu", "output": "{{_folder.Replace("\\", "/", StringComparison.Ordinal)}}/runs",
              "data": { "train": { "format": "embedded" }, "test": { "format": "embedded", "split": "test" }, "labelsPerClass": 10 },
              "pretraining": { "layers": [
                { "kind": "autoencoder", "hiddenUnits": 32, "noise": "masking", "epochs": 2 },
                { "kind": "rbm", "hiddenUnits": 16, "epochs": 2 } ] } }
            """);

        PretrainCommand.Create().Parse(["run", recipe]).Invoke().Should().Be(ExitCodes.Success);

        var run = Directory.GetDirectories(Path.Combine(_folder, "runs")).Should().ContainSingle().Subject;
        foreach (var file in new[] { "stack/stack.json", "stack/layer1.safetensors", "stack/layer2.safetensors", "layer1-loss.png", "layer2-loss.png", "layer1-filters.png", "layer1-reconstructions.png" })
            File.Exists(Path.Combine(run, file)).Should().BeTrue($"{file} belongs in the run folder");
        using var stack = Pretrain.Pretraining.Stacks.StackStore.Load(Path.Combine(run, "stack"));
        stack.Layers.Select(l => l.Kind).Should().Equal("autoencoder", "rbm");
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json")));
        var probe = result.RootElement.GetProperty("probe");
        probe.GetProperty("labeledExamples").GetInt64().Should().Be(100);
        probe.GetProperty("rawInputs").GetDouble().Should().BeGreaterThan(0.4, "100 labels beat chance (0.1) by far");
        result.RootElement.TryGetProperty("testAccuracy", out var supervised).Should().BeTrue();
        supervised.ValueKind.Should().Be(JsonValueKind.Null, "a pretraining recipe without a training section trains no MLP");
    }

    [Fact]
    public void A_resumed_run_keeps_its_finished_layers_and_trains_only_the_rest()
    {
        var recipe = Path.Combine(_folder, "resume.json");
        var layer1 = """{ "kind": "autoencoder", "hiddenUnits": 16, "epochs": 1 }""";
        var layer2 = """{ "kind": "rbm", "hiddenUnits": 8, "epochs": 1 }""";
        string Recipe(params string[] layers) => $$"""
            { "name": "resume", "device": "cpu", "output": "{{_folder.Replace("\\", "/", StringComparison.Ordinal)}}/runs",
              "data": { "train": { "format": "embedded" } }, "evaluation": { "linearProbe": false },
              "pretraining": { "layers": [ {{string.Join(", ", layers)}} ] } }
            """;
        // The first run stops after layer 1, as a crashed run would have; the resumed run asks for both layers.
        File.WriteAllText(recipe, Recipe(layer1));
        PretrainCommand.Create().Parse(["run", recipe]).Invoke().Should().Be(ExitCodes.Success);
        var run = Directory.GetDirectories(Path.Combine(_folder, "runs")).Single();
        var firstLayer = File.ReadAllBytes(Path.Combine(run, "stack", "layer1.safetensors"));

        File.WriteAllText(recipe, Recipe(layer1, layer2));
        PretrainCommand.Create().Parse(["run", recipe, "--resume", run]).Invoke().Should().Be(ExitCodes.Success);

        File.ReadAllBytes(Path.Combine(run, "stack", "layer1.safetensors")).Should().Equal(firstLayer, "layer 1 was finished and is not retrained");
        Pretrain.Pretraining.Stacks.StackStore.ReadManifest(Path.Combine(run, "stack")).Layers.Should().HaveCount(2);
        File.ReadAllText(Path.Combine(run, "log.txt")).Should().Contain("layers 1..1 are finished and will not be retrained");

        PretrainCommand.Create().Parse(["run", recipe, "--resume", Path.Combine(_folder, "nope")]).Invoke().Should().Be(ExitCodes.InvalidInput);
    }
}

[Collection(ConsoleCollection.Name)]
public sealed class CatalogRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-cat-").FullName;
    private readonly string? _previous = Environment.GetEnvironmentVariable("PRETRAIN_MODELS");

    public CatalogRunTests() => Environment.SetEnvironmentVariable("PRETRAIN_MODELS", Path.Combine(_folder, "models"));

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("PRETRAIN_MODELS", _previous);
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void A_stack_saved_to_the_catalog_is_reused_by_name_and_managed_by_the_models_command()
    {
        var output = _folder.Replace("\\", "/", StringComparison.Ordinal) + "/runs";
        var save = Path.Combine(_folder, "save.json");
        File.WriteAllText(save, $$"""
            { "name": "save", "device": "cpu", "output": "{{output}}", "data": { "train": { "format": "embedded" } },
              "evaluation": { "linearProbe": false },
              "pretraining": { "layers": [ { "kind": "autoencoder", "hiddenUnits": 16, "epochs": 1 } ], "saveAs": "tiny-dae" } }
            """);
        PretrainCommand.Create().Parse(["run", save]).Invoke().Should().Be(ExitCodes.Success);

        var reuse = Path.Combine(_folder, "reuse.json");
        File.WriteAllText(reuse, $$"""
            { "name": "reuse", "device": "cpu", "output": "{{output}}",
              "data": { "train": { "format": "embedded" }, "test": { "format": "embedded", "split": "test" } },
              "pretraining": { "from": "catalog:tiny-dae" }, "evaluation": { "linearProbe": false },
              "model": { "initialization": "pretrained" }, "training": { "epochs": 1 } }
            """);
        PretrainCommand.Create().Parse(["run", reuse]).Invoke().Should().Be(ExitCodes.Success);
        var run = Directory.GetDirectories(Path.Combine(_folder, "runs")).Single(d => Path.GetFileName(d).StartsWith("reuse", StringComparison.Ordinal));
        File.ReadAllText(Path.Combine(run, "log.txt")).Should().Contain("nothing is retrained");

        PretrainCommand.Create().Parse(["models", "list"]).Invoke().Should().Be(ExitCodes.Success);
        PretrainCommand.Create().Parse(["models", "show", "tiny-dae"]).Invoke().Should().Be(ExitCodes.Success);
        PretrainCommand.Create().Parse(["models", "rm", "tiny-dae"]).Invoke().Should().Be(ExitCodes.Success);
        PretrainCommand.Create().Parse(["models", "show", "tiny-dae"]).Invoke().Should().Be(ExitCodes.InvalidInput);
        PretrainCommand.Create().Parse(["run", reuse]).Invoke().Should().Be(ExitCodes.InvalidInput, "the catalog entry is gone");
    }
}

[Collection(ConsoleCollection.Name)]
public sealed class FreezingRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-freeze-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Freezing_more_layers_than_exist_is_invalid_input_and_freezing_the_bottom_caches_it()
    {
        string Recipe(int freeze) => $$"""
            { "name": "freeze", "device": "cpu", "output": "{{_folder.Replace("\\", "/", StringComparison.Ordinal)}}/runs",
              "data": { "train": { "format": "embedded" } }, "model": { "hiddenLayers": [16, 8], "freezeLayers": {{freeze}} },
              "training": { "epochs": 1 } }
            """;
        var recipe = Path.Combine(_folder, "r.json");
        File.WriteAllText(recipe, Recipe(5));
        PretrainCommand.Create().Parse(["run", recipe]).Invoke().Should().Be(ExitCodes.InvalidInput);

        File.WriteAllText(recipe, Recipe(2));
        PretrainCommand.Create().Parse(["run", recipe]).Invoke().Should().Be(ExitCodes.Success);
        var log = Directory.GetDirectories(Path.Combine(_folder, "runs")).Select(d => Path.Combine(d, "log.txt")).Where(File.Exists)
            .Select(File.ReadAllText).Single(t => t.Contains("Frozen layers", StringComparison.Ordinal));
        log.Should().Contain("Caching the outputs of the frozen layers hidden1, act1, hidden2, act2 once (head is trainable above them)");
    }
}

[Collection(ConsoleCollection.Name)]
public sealed class RestoreRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-restore-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_run_exports_its_network_and_another_restores_chosen_layers_from_it()
    {
        var output = _folder.Replace("\\", "/", StringComparison.Ordinal) + "/runs";
        var first = Path.Combine(_folder, "first.json");
        File.WriteAllText(first, $$"""
            { "name": "first", "device": "cpu", "output": "{{output}}", "data": { "train": { "format": "embedded" } },
              "model": { "hiddenLayers": [16, 8] }, "training": { "epochs": 1 } }
            """);
        PretrainCommand.Create().Parse(["run", first]).Invoke().Should().Be(ExitCodes.Success);
        var exported = Path.Combine(Directory.GetDirectories(Path.Combine(_folder, "runs")).Single(), "network.safetensors");
        File.Exists(exported).Should().BeTrue();

        var second = Path.Combine(_folder, "second.json");
        File.WriteAllText(second, $$"""
            { "name": "second", "device": "cpu", "output": "{{output}}", "data": { "train": { "format": "embedded" } },
              "model": { "hiddenLayers": [16, 4], "restore": { "path": "{{exported.Replace("\\", "/", StringComparison.Ordinal)}}", "layers": "hidden1" }, "freezeLayers": 1 },
              "training": { "epochs": 1 } }
            """);
        PretrainCommand.Create().Parse(["run", second]).Invoke().Should().Be(ExitCodes.Success);
        var secondRun = Directory.GetDirectories(Path.Combine(_folder, "runs")).Single(d => Path.GetFileName(d).StartsWith("second", StringComparison.Ordinal));

        using var before = Pretrain.Pretraining.IO.SafeTensorsFile.Read(exported);
        using var after = Pretrain.Pretraining.IO.SafeTensorsFile.Read(Path.Combine(secondRun, "network.safetensors"));
        after.Tensors["hidden1.weight"].equal(before.Tensors["hidden1.weight"]).all().item<bool>().Should().BeTrue("hidden1 was restored and frozen");
        after.Tensors["hidden2.weight"].shape.Should().Equal(4L, 16L);
        File.ReadAllText(Path.Combine(secondRun, "log.txt")).Should().Contain("Restored hidden1.bias, hidden1.weight");
    }
}

[Collection(ConsoleCollection.Name)]
public sealed class SeedSweepTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-seeds-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Several_seeds_run_separately_and_their_spread_is_summarized()
    {
        var recipe = Path.Combine(_folder, "r.json");
        File.WriteAllText(recipe, $$"""
            { "name": "sweep", "device": "cpu", "output": "{{_folder.Replace("\\", "/", StringComparison.Ordinal)}}/runs",
              "data": { "train": { "format": "embedded" }, "test": { "format": "embedded", "split": "test" } },
              "model": { "hiddenLayers": [8] }, "training": { "epochs": 3 } }
            """);
        PretrainCommand.Create().Parse(["run", recipe, "--seeds", "1, 2"]).Invoke().Should().Be(ExitCodes.Success);

        var runs = Path.Combine(_folder, "runs");
        Directory.GetDirectories(runs).Should().HaveCount(2);
        var summary = Directory.GetFiles(runs, "*-seeds.json").Should().ContainSingle().Subject;
        using var json = JsonDocument.Parse(File.ReadAllText(summary));
        json.RootElement.GetProperty("seeds").EnumerateArray().Select(s => s.GetInt32()).Should().Equal(1, 2);
        var accuracy = json.RootElement.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("metric").GetString() == "testAccuracy");
        accuracy.GetProperty("values").GetArrayLength().Should().Be(2);
        accuracy.GetProperty("mean").GetDouble().Should().BeGreaterThan(0.3);

        PretrainCommand.Create().Parse(["run", recipe, "--seeds", "1,x"]).Invoke().Should().Be(ExitCodes.InvalidInput);
        PretrainCommand.Create().Parse(["run", recipe, "--seeds", "3,3"]).Invoke().Should().Be(ExitCodes.InvalidInput);
    }
}

[Collection(ConsoleCollection.Name)]
public sealed class LearningRateGridTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-grid-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_learning_rate_is_chosen_by_validation_accuracy_and_the_test_set_sees_one_network()
    {
        var recipe = Path.Combine(_folder, "r.json");
        File.WriteAllText(recipe, $$"""
            { "name": "grid", "device": "cpu", "output": "{{_folder.Replace("\\", "/", StringComparison.Ordinal)}}/runs",
              "data": { "train": { "format": "embedded" }, "test": { "format": "embedded", "split": "test" } },
              "model": { "hiddenLayers": [16] }, "training": { "epochs": 2, "learningRates": [0.000001, 0.003] } }
            """);
        PretrainCommand.Create().Parse(["run", recipe]).Invoke().Should().Be(ExitCodes.Success);

        var run = Directory.GetDirectories(Path.Combine(_folder, "runs")).Single();
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json")));
        result.RootElement.GetProperty("learningRate").GetDouble().Should().Be(0.003, "a rate of 1e-6 barely moves the weights in two epochs");
        var log = File.ReadAllText(Path.Combine(run, "log.txt"));
        log.Should().Contain("Chose learning rate 0.003");
        System.Text.RegularExpressions.Regex.Count(log, "Test accuracy").Should().Be(1);
    }
}
