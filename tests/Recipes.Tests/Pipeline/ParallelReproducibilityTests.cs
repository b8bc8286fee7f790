using System.Security.Cryptography;
using Pretrain.Recipes.Pipeline;

namespace Pretrain.Recipes.Tests.Pipeline;

/// <summary>
/// Runs in one process share nothing random: the same job run alone and beside another (as <c>pretrain serve
/// --parallel</c> and <c>--seeds</c> do) gives bit-identical results.
/// </summary>
public sealed class ParallelReproducibilityTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-parallel-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // Greedy pretraining (noise, shuffling), then fine-tuning with dropout beside the scratch arm: every random stream.
    private string Recipe(string name, int seed)
    {
        var path = Path.Combine(_folder, name + ".json");
        File.WriteAllText(path, $$"""
            { "name": "{{name}}", "device": "cpu", "seed": {{seed}}, "output": "{{Path.Combine(_folder, name).Replace('\\', '/')}}",
              "data": { "train": { "format": "embedded" }, "test": { "format": "embedded", "split": "test" }, "labelsPerClass": 20 },
              "pretraining": { "layers": [ { "kind": "autoencoder", "hiddenUnits": 32, "epochs": 2, "noise": "masking", "noiseLevel": 0.3 } ] },
              "model": { "initialization": "pretrained", "dropout": 0.3 },
              "training": { "epochs": 4, "batchSize": 16 },
              "evaluation": { "linearProbe": false, "compareWithScratch": true } }
            """);
        return path;
    }

    [Fact]
    public async Task A_job_run_beside_another_gives_the_same_results_as_run_alone()
    {
        var alone = RecipeRunner.RunFile(Recipe("alone", 3));

        var besideRun = Task.Run(() => RecipeRunner.RunFile(Recipe("beside", 3)));
        var otherRun = Task.Run(() => RecipeRunner.RunFile(Recipe("other", 8)));
        var beside = await besideRun;
        var other = await otherRun;

        beside.TestAccuracy.Should().Be(alone.TestAccuracy);
        beside.TestLoss.Should().Be(alone.TestLoss);
        beside.ScratchTestAccuracy.Should().Be(alone.ScratchTestAccuracy);
        foreach (var file in new[] { "network.safetensors", "network-scratch.safetensors", "stack/layer1.safetensors" })
            Hash(beside.RunFolder, file).Should().Be(Hash(alone.RunFolder, file), $"{file} must be bit-identical");
        Hash(other.RunFolder, "network.safetensors").Should().NotBe(Hash(alone.RunFolder, "network.safetensors"), "another seed trains another network");
    }

    private static string Hash(string runFolder, string file)
    {
        var path = Path.Combine(runFolder, file);
        File.Exists(path).Should().BeTrue($"{path} must exist");
        return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
    }
}
