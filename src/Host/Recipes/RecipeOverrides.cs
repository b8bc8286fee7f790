using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pretrain.Host.Recipes;

/// <summary>
/// Applies <c>--set path=value</c> overrides to a recipe before validation, for sweeps from the command line:
/// <c>--set training.learningRate=0.003 --set model.hiddenLayers=[500,500]</c>. The value is parsed as JSON when it
/// is valid JSON and taken as a string otherwise, so <c>--set name=sweep1</c> needs no quotes.
/// </summary>
internal static class RecipeOverrides
{
    public static void Apply(JsonObject root, string assignment, List<RecipeProblem> problems)
    {
        var equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            problems.Add(new("", $"--set expects path=value (for example training.epochs=5), received '{assignment}'."));
            return;
        }
        var path = assignment[..equals].Trim();
        var text = assignment[(equals + 1)..];
        JsonNode? value;
        try
        {
            value = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            value = JsonValue.Create(text);
        }

        var segments = path.Split('.');
        JsonObject target = root;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            if (target[segments[i]] is JsonObject child)
                target = child;
            else if (target[segments[i]] is null)
                target = (JsonObject)(target[segments[i]] = new JsonObject());
            else
            {
                problems.Add(new(string.Join('.', segments[..(i + 1)]), $"--set {path}: cannot set a field inside a value that is not an object."));
                return;
            }
        }
        target[segments[^1]] = value;
    }
}
