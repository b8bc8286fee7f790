using Pretrain.Recipes.Model;
using Pretrain.Recipes.Pipeline;
using Pretrain.Tests.Support;

namespace Pretrain.Recipes.Tests.Pipeline;

/// <summary>Library callers run a recipe from code the way the command line does.</summary>
public sealed class RecipeRunnerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-recipes-").FullName;

    [Fact]
    public void A_shipped_recipe_runs_from_code_and_writes_its_run_folder()
    {
        var output = Path.Combine(_folder, "runs").Replace('\\', '/');
        var result = RecipeRunner.RunFile(Path.Combine(RepositoryPaths.Recipes, "quickstart.json"),
            [$"output={output}", "device=cpu", "training.epochs=3", "model.hiddenLayers=[32]"]);

        result.TestAccuracy.Should().BeGreaterThan(0.6, "three epochs of a small MLP on the embedded slice learn well above chance (0.1)");
        result.EpochsRun.Should().Be(3);
        File.Exists(Path.Combine(result.RunFolder, "result.json")).Should().BeTrue();
        File.Exists(Path.Combine(result.RunFolder, "recipe.json")).Should().BeTrue();
        Path.GetDirectoryName(result.RunFolder).Should().Be(Path.GetFullPath(output));
    }

    [Fact]
    public void An_invalid_recipe_fails_with_every_problem_before_anything_runs()
    {
        var output = Path.Combine(_folder, "never").Replace('\\', '/');
        var act = () => RecipeRunner.RunFile(Path.Combine(RepositoryPaths.Recipes, "quickstart.json"),
            [$"output={output}", "training.epochs=0", "training.batchSize=-1"]);

        act.Should().Throw<RecipeException>().Which.Message.Should().Contain("training.epochs").And.Contain("training.batchSize");
        Directory.Exists(output).Should().BeFalse();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
