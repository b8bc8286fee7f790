using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Pretrain.Recipes.Model;

/// <summary>A recipe read from a file, with the folder its relative paths are resolved against.</summary>
/// <param name="Recipe">The bound, validated recipe.</param>
/// <param name="FilePath">The recipe file as the user named it.</param>
/// <param name="BaseDirectory">Absolute folder of the recipe file.</param>
/// <param name="ResolvedJson">The recipe after overrides, with every default filled in.</param>
public sealed record LoadedRecipe(Recipe Recipe, string FilePath, string BaseDirectory, string ResolvedJson)
{
    /// <summary>An absolute path for <paramref name="path"/>, relative ones taken from the recipe's folder.</summary>
    public string Resolve(string path) => System.IO.Path.GetFullPath(path, BaseDirectory);
}

/// <summary>
/// Reads recipe files: JSON with comments and trailing commas allowed, unknown fields rejected, optional
/// <c>--set path=value</c> overrides, then every problem reported at once with its JSON path.
/// </summary>
public static class RecipeLoader
{
    /// <summary>How recipes bind: camelCase names and enum values, no unknown members.</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowOutOfOrderMetadataProperties = true,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    /// <summary>Loads and validates <paramref name="path"/>; throws <see cref="RecipeException"/> listing every problem.</summary>
    /// <param name="path">The recipe file.</param>
    /// <param name="overrides">Assignments <c>json.path=value</c> applied before validation; values are JSON, or plain strings.</param>
    public static LoadedRecipe Load(string path, IEnumerable<string>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new RecipeException(path, [new("", Directory.Exists(path) ? "expected a recipe file, received a folder." : "file not found.")]);
        return Parse(File.ReadAllText(path), path, overrides);
    }

    /// <summary>Validates recipe <paramref name="json"/> as if read from <paramref name="path"/>.</summary>
    public static LoadedRecipe Parse(string json, string path, IEnumerable<string>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(path);
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new RecipeException(path, [new("", $"not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}).")]);
        }
        if (root is not JsonObject rootObject)
            throw new RecipeException(path, [new("", "expected a JSON object at the top level.")]);

        var problems = new List<RecipeProblem>();
        foreach (var assignment in overrides ?? [])
            RecipeOverrides.Apply(rootObject, assignment, problems);
        if (problems.Count == 0)
        {
            using var document = JsonDocument.Parse(rootObject.ToJsonString());
            JsonShapeChecker.Check(document.RootElement, typeof(Recipe), "", problems);
        }
        if (problems.Count > 0)
            throw new RecipeException(path, problems);

        var recipe = rootObject.Deserialize<Recipe>(SerializerOptions)!;
        // Written out so the resolved recipe in the run folder shows the training settings actually used.
        if (recipe.Training is null && recipe.Pretraining is null)
            recipe = recipe with { Training = new() };
        var loaded = new LoadedRecipe(recipe, path, baseDirectory, JsonSerializer.Serialize(recipe, SerializerOptions));
        problems.AddRange(RecipeValidator.Validate(loaded));
        if (problems.Count > 0)
            throw new RecipeException(path, problems);
        return loaded;
    }
}
