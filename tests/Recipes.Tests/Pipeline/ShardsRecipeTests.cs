using Pretrain.Pretraining;
using Pretrain.Recipes.Model;
using Pretrain.Recipes.Pipeline;

namespace Pretrain.Recipes.Tests.Pipeline;

/// <summary>Recipes that read a shard folder, in memory or streamed under data.memoryBudget.</summary>
public sealed class ShardsRecipeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-shards-recipe-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Recipe(string budget, string labels = "\"labelsPerClass\": 20,")
    {
        var shards = Path.Combine(_folder, "train").Replace('\\', '/');
        if (!Directory.Exists(shards))
            DataSharding.Write(new EmbeddedSourceSpec(), shards, rowsPerShard: 1000);
        var path = Path.Combine(_folder, "recipe.json");
        File.WriteAllText(path, $$"""
            { "name": "shards", "seed": 1, "device": "cpu", "output": "{{Path.Combine(_folder, "runs").Replace('\\', '/')}}",
              "data": { "train": { "format": "shards", "path": "train" }, "test": { "format": "embedded", "split": "test" },
                        {{labels}} "memoryBudget": "{{budget}}" },
              "pretraining": { "layers": [
                { "kind": "autoencoder", "hiddenUnits": 64, "noise": "masking", "epochs": 3 },
                { "kind": "autoencoder", "hiddenUnits": 32, "noise": "masking", "epochs": 3 } ] } }
            """);
        return path;
    }

    [Fact]
    public void Shards_larger_than_half_the_budget_are_streamed_and_the_stack_still_learns_useful_features()
    {
        // 5,000 images of 784 floats are 15.7 MB: a 2 MB budget streams them through a 0.5 MB window, and layer 1's
        // 5,000 x 64 outputs (1.3 MB, more than half the budget) are spilled to disk shards for layer 2.
        var result = RecipeRunner.RunFile(Recipe("2MB"));

        result.Probe!.PretrainedFeatures.Should().BeGreaterThan(0.4, "a linear probe with 200 labels on the features of a stack pretrained from streamed shards is far above chance (0.1)");
        var spill = Path.Combine(result.RunFolder, "frozen-cache");
        Directory.Exists(spill).Should().BeTrue("layer 1's outputs were spilled there");
        Directory.EnumerateFileSystemEntries(spill).Should().BeEmpty("and deleted once layer 2 was trained");
    }

    [Fact]
    public void A_streamed_source_without_a_labeled_subset_is_refused_with_what_to_do()
    {
        var act = () => RecipeRunner.RunFile(Recipe("2MB", labels: ""));
        act.Should().Throw<PretrainException>().WithMessage("data.labelsPerClass: the training data in *is streamed under the memory budget of 2.0 MB*set labelsPerClass*");
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
