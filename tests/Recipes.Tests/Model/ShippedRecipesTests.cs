using Pretrain.Tests.Support;
using Pretrain.Recipes.Model;

namespace Pretrain.Recipes.Tests.Model;

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

    [Fact]
    public void The_shipped_json_schema_is_the_one_the_code_generates()
    {
        var shipped = File.ReadAllText(Path.Combine(RepositoryPaths.Recipes, "recipe.schema.json")).ReplaceLineEndings("\n");
        shipped.Should().Be(RecipeSchema.Generate().ReplaceLineEndings("\n"),
            "recipes/recipe.schema.json must be regenerated after a recipe record changes: dotnet run --project src/Host -- schema --out recipes/recipe.schema.json");
    }

    [Theory]
    [MemberData(nameof(RecipeFiles))]
    public void Every_field_of_a_shipped_recipe_is_described_by_the_schema(string fileName)
    {
        using var schema = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Recipes, "recipe.schema.json")));
        using var recipe = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Recipes, fileName)),
            new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var properties = schema.RootElement.GetProperty("properties");
        foreach (var field in recipe.RootElement.EnumerateObject())
            properties.TryGetProperty(field.Name, out _).Should().BeTrue($"{fileName}: top-level field '{field.Name}' must be in the schema");
    }
}
