using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pretrain.Recipes.Model;

/// <summary>
/// Applies <c>--set path=value</c> overrides to a recipe before validation, for sweeps from the command line:
/// <c>--set training.learningRate=0.003 --set model.hiddenLayers=[500,500]</c>. The value is parsed as JSON when it
/// is valid JSON and taken as a string otherwise, so <c>--set name=sweep1</c> needs no quotes.
/// </summary>
internal static partial class RecipeOverrides
{
    private static (string Name, int? Index) Segment(string segment)
    {
        var match = IndexedSegment().Match(segment);
        return match.Success
            ? (match.Groups[1].Value, int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))
            : (segment, null);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(\w+)\[(\d+)\]$")]
    private static partial System.Text.RegularExpressions.Regex IndexedSegment();

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

        // Segments are field names, optionally indexing an existing array: pretraining.layers[1].epochs=5.
        var segments = path.Split('.');
        JsonNode target = root;
        for (var i = 0; i < segments.Length; i++)
        {
            var (name, index) = Segment(segments[i]);
            var last = i == segments.Length - 1;
            var where = string.Join('.', segments[..(i + 1)]);
            if (target is not JsonObject obj)
            {
                problems.Add(new(where, $"--set {path}: cannot set a field inside a value that is not an object."));
                return;
            }
            if (index is null)
            {
                if (last)
                    obj[name] = value;
                else
                    target = obj[name] ??= new JsonObject();
                continue;
            }
            if (obj[name] is not JsonArray array || index >= array.Count)
            {
                problems.Add(new(where, $"--set {path}: '{name}' has no item {index}."));
                return;
            }
            if (last)
                array[index.Value] = value;
            else
                target = array[index.Value]!;
        }
    }
}
