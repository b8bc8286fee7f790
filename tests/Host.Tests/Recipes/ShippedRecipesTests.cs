using Pretrain.Host.Recipes;

namespace Pretrain.Host.Tests.Recipes;

/// <summary>Every recipe in the repository's recipes/ folder must stay valid.</summary>
public sealed class ShippedRecipesTests
{
    public static TheoryData<string> RecipeFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepositoryPaths.Recipes, "*.json").Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal)).Order())
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(RecipeFiles))]
    public void Shipped_recipe_is_valid(string fileName)
    {
        var act = () => RecipeLoader.Load(Path.Combine(RepositoryPaths.Recipes, fileName));
        act.Should().NotThrow();
    }
}
