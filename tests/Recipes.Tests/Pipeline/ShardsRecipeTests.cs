using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.IO;
using Pretrain.Pretraining.Runtime;
using Pretrain.Recipes.Model;
using Pretrain.Recipes.Pipeline;
using static TorchSharp.torch;

namespace Pretrain.Recipes.Tests.Pipeline;

/// <summary>Recipes that read a shard folder, in memory or streamed under data.memoryBudget.</summary>
public sealed class ShardsRecipeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-shards-recipe-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string Pretraining = """
        "pretraining": { "layers": [
          { "kind": "autoencoder", "hiddenUnits": 256, "noise": "masking", "epochs": 3 },
          { "kind": "autoencoder", "hiddenUnits": 32, "noise": "masking", "epochs": 3 } ] }
        """;

    // 5,000 embedded training images of 784 floats (15.7 MB with labels) in shards of 1,000.
    private string Recipe(string budget, string labels = "\"labelsPerClass\": 20,", string stages = Pretraining)
    {
        var shards = Path.Combine(_folder, "train").Replace('\\', '/');
        if (!Directory.Exists(shards))
            DataSharding.Write(new EmbeddedSourceSpec(), shards, rowsPerShard: 1000);
        var path = Path.Combine(_folder, "recipe.json");
        File.WriteAllText(path, $$"""
            { "name": "shards", "seed": 1, "device": "cpu", "output": "{{Path.Combine(_folder, "runs").Replace('\\', '/')}}",
              "data": { "train": { "format": "shards", "path": "train" }, "test": { "format": "embedded", "split": "test" },
                        {{labels}} "memoryBudget": "{{budget}}" },
              {{stages}} }
            """);
        return path;
    }

    [Fact]
    public void Shards_larger_than_half_the_budget_are_streamed_and_the_stack_still_learns_useful_features()
    {
        // 5,000 images of 784 floats are 15.7 MB: an 8 MB budget streams them through a 2 MB window, reads the 500
        // validation examples (1.6 MB, within a quarter of the budget, as the linear probe needs) into memory, and
        // spills layer 1's 4,500 x 256 outputs (4.6 MB, more than half the budget) to disk shards for layer 2.
        var result = RecipeRunner.RunFile(Recipe("8MB"));

        result.Probe!.PretrainedFeatures.Should().BeGreaterThan(0.4, "a linear probe with 200 labels on the features of a stack pretrained from streamed shards is far above chance (0.1)");
        var spill = Path.Combine(result.RunFolder, "frozen-cache");
        Directory.Exists(spill).Should().BeTrue("layer 1's outputs were spilled there");
        Directory.EnumerateFileSystemEntries(spill).Should().BeEmpty("and deleted once layer 2 was trained");
    }

    [Fact]
    public void Extra_unlabeled_examples_are_interleaved_with_the_streamed_shards_less_copies_of_test_examples()
    {
        // 250 new images and 50 copies of embedded test images: the copies are dropped, the rest pretrain beside the
        // 4,500 streamed training examples (an 8 MB budget streams the 15.7 MB of shards; the extra 0.9 MB fit in memory).
        using (var scope = NewDisposeScope())
        using (var test = EmbeddedFashionMnist.Load(FashionMnistSplit.Test))
        {
            var fresh = randint(0, 256, [250, 784], generator: new Generator(3)).to(ScalarType.Float32);
            NpyWriter.Write(Path.Combine(_folder, "extra.npy"), cat([fresh, test.Features.narrow(0, 0, 50)], 0));
        }
        using var log = new CollectedLog();
        var result = RecipeRunner.RunFile(Recipe("8MB", labels: """
            "labelsPerClass": 20, "unlabeled": { "format": "npy", "features": "extra.npy" },
            """, stages: """
            "pretraining": { "layers": [ { "kind": "autoencoder", "hiddenUnits": 64, "noise": "masking", "epochs": 2 } ] }
            """), loggers: log);

        log.Text.Should().Contain("the 4500 streamed training examples interleaved batch by batch with 250 of the 300 from data.unlabeled")
            .And.Contain("50 dropped as copies of validation or test examples")
            .And.Contain("on 4750 unlabeled examples streamed from shards");
        result.Probe!.PretrainedFeatures.Should().BeGreaterThan(0.4, "the features still learn from the streamed images");
    }

    [Fact]
    public void Fine_tuning_without_a_labeled_subset_streams_every_training_example_under_the_budget()
    {
        // A 2 MB budget: 4,500 training examples (14.1 MB) streamed through a 0.5 MB window, and the 500 validation
        // examples (1.6 MB, more than a quarter of the budget) evaluated streamed too; the embedded test set is in memory.
        using var log = new CollectedLog();
        var result = RecipeRunner.RunFile(Recipe("2MB", labels: "", stages: """
            "pretraining": { "layers": [ { "kind": "autoencoder", "hiddenUnits": 64, "noise": "masking", "epochs": 1 } ] },
            "model": { "initialization": "pretrained" }, "training": { "epochs": 3, "batchSize": 32 }, "evaluation": { "linearProbe": false }
            """), loggers: log);

        result.TrainExamples.Should().Be(4500);
        result.TestAccuracy.Should().BeGreaterThan(0.65, "a pretrained 784-64-10 network fine-tuned on 4,500 streamed labels is far above chance (0.1)");
        result.ValidationAccuracy.Should().BeGreaterThan(0.65);
        log.Text.Should().Contain("Fine-tuning streams its 4500 labeled examples from the 5 shards in")
            .And.Contain("under the memory budget of 2.0 MB: data.labelsPerClass is not set")
            .And.Contain("The validation split (500 examples, 1.6 MB) takes more than a quarter of the memory budget: evaluating it streamed")
            .And.Contain("Not caching frozen-layer outputs")
            .And.MatchRegex("on 4500 labeled examples streamed from shards");
        File.Exists(Path.Combine(result.RunFolder, "network.safetensors")).Should().BeTrue();
    }

    [Fact]
    public void A_streamed_fine_tuning_run_stopped_after_an_epoch_resumes_to_the_result_of_an_uninterrupted_run()
    {
        // The per-epoch checkpoint holds the shuffling generator that draws both the shard order and the window's
        // shuffles, so the resumed epochs read the same batches the uninterrupted run read.
        var recipe = Recipe("2MB", labels: "", stages: """
            "pretraining": { "layers": [ { "kind": "autoencoder", "hiddenUnits": 32, "noise": "masking", "epochs": 1 } ] },
            "model": { "initialization": "pretrained", "dropout": 0.2 }, "training": { "epochs": 4, "batchSize": 64 },
            "evaluation": { "linearProbe": false }
            """);
        var expected = RecipeRunner.RunFile(recipe);

        var loaded = RecipeLoader.Load(recipe, null);
        var folder = RunFolder.At(Path.Combine(_folder, "stopped"));
        folder.WriteRecipe(loaded);
        using (var stop = new CancellationTokenSource())
        {
            var stopAfterTwoEpochs = new StopAfter("supervised", 2, stop);
            FluentActions.Invoking(() => new RecipeRunner(NullLogger<RecipeRunner>.Instance).Run(loaded, folder, stopAfterTwoEpochs, stop.Token))
                .Should().Throw<OperationCanceledException>();
        }
        File.Exists(Path.Combine(folder.Path, "result.json")).Should().BeFalse("the run stopped during fine-tuning");

        using var log = new CollectedLog();
        var resumed = new RecipeRunner(log.CreateLogger<RecipeRunner>()).Run(loaded, RunFolder.Open(folder.Path), null, CancellationToken.None);

        log.Text.Should().Contain("supervised: resuming after epoch 2");
        resumed.EpochsRun.Should().Be(expected.EpochsRun);
        resumed.ValidationAccuracy.Should().Be(expected.ValidationAccuracy);
        resumed.TestAccuracy.Should().Be(expected.TestAccuracy, "the resumed streamed run ends as the uninterrupted one");
    }

    /// <summary>Cancels <paramref name="stop"/> once epoch <paramref name="epoch"/> of the stage named <paramref name="stage"/> has ended (and been checkpointed).</summary>
    private sealed class StopAfter(string stage, int epoch, CancellationTokenSource stop) : ITrainingCallback
    {
        public void OnEpochEnd(EpochReport report)
        {
            if (report.Stage == stage && report.Epoch == epoch)
                stop.Cancel();
        }
    }

    [Fact]
    public void The_validation_split_of_streamed_shards_holds_the_rows_it_holds_in_memory()
    {
        // Each row's bytes, sorted: the same rows in any order.
        List<string> Rows(ILabeledInput set)
        {
            var rows = new List<string>();
            foreach (var (x, _) in set.LabeledBatches(256, shuffle: null, CPU))
            {
                var (values, width) = (x.data<float>().ToArray(), (int)x.shape[1]);
                for (var i = 0; i < x.shape[0]; i++)
                    rows.Add(Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan(i * width, width))));
            }
            return rows.Order(StringComparer.Ordinal).ToList();
        }
        List<string> Validation(string budget, bool streamed)
        {
            var loaded = RecipeLoader.Load(Recipe(budget, labels: "", stages: """ "training": { "epochs": 1 } """));
            using var data = DataPreparation.Prepare(loaded, RunContext.Create(DeviceSpec.Cpu, loaded.Recipe.Seed));
            (data.Train is Dataset).Should().Be(!streamed);
            return Rows(data.Validation!);
        }

        var inMemory = Validation("1GB", streamed: false);
        inMemory.Should().HaveCount(500);
        Validation("8MB", streamed: true).Should().Equal(inMemory, "the training examples are streamed and the validation split (1.6 MB) read into memory");
        Validation("2MB", streamed: true).Should().Equal(inMemory, "the validation split is streamed too");
    }

    [Fact]
    public void A_streamed_source_without_a_labeled_subset_refuses_the_linear_probe_with_what_to_do()
    {
        var act = () => RecipeRunner.RunFile(Recipe("2MB", labels: ""));
        act.Should().Throw<PretrainException>().WithMessage(
            "evaluation.linearProbe: the linear probe reads its labeled examples in memory, but those of *train are streamed under the memory budget of 2.0 MB: turn evaluation.linearProbe off*");
    }

    [Fact]
    public void Auxiliary_pretraining_streams_the_shards_and_scores_its_task_on_the_validation_split()
    {
        // An 8 MB budget streams the 15.7 MB of shards; the 500 validation images (1.6 MB) are in memory and score the
        // task, which never trains on them.
        using var log = new CollectedLog();
        var result = RecipeRunner.RunFile(Recipe("8MB", stages: """
            "pretraining": { "auxiliary": { "task": "corruptedVsGood", "corruption": { "kind": "blockMask", "size": 10 },
                                            "hiddenLayers": [64], "epochs": 4, "batchSize": 64 } }
            """), loggers: log);

        log.Text.Should().Contain("4500 unlabeled examples")
            .And.Contain("its held-out score is measured on the 500 validation examples, which the stream leaves out");
        result.AuxiliaryScore.Should().BeGreaterThan(0.8, "telling intact images from ones with a masked block is learned from the streamed batches");
        result.Probe!.PretrainedFeatures.Should().BeGreaterThan(0.4);
    }

    [Fact]
    public void A_missing_shard_folder_and_a_malformed_budget_are_named_by_path()
    {
        var json = """{ "data": { "train": { "format": "shards", "path": "nowhere" }, "memoryBudget": "lots" } }""";
        var error = FluentActions.Invoking(() => RecipeLoader.Parse(json, Path.Combine(_folder, "r.json"))).Should().Throw<RecipeException>().Which;
        error.Message.Should().Contain($"data.train.path: folder not found: {Path.Combine(_folder, "nowhere")}.")
            .And.Contain("data.memoryBudget: expected a size such as 2GB, 512MB or 1.5GiB, received 'lots'.");
        Directory.CreateDirectory(Path.Combine(_folder, "empty"));
        var empty = """{ "data": { "train": { "format": "shards", "path": "empty" } } }""";
        FluentActions.Invoking(() => RecipeLoader.Parse(empty, Path.Combine(_folder, "r.json"))).Should().Throw<RecipeException>()
            .WithMessage("*data.train.path: *empty holds no shards.json: write a shard folder with 'pretrain data shard'.*");
    }
}
