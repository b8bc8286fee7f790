using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Xml.Linq;

namespace Pretrain.Recipes.Model;

/// <summary>
/// The JSON Schema of a recipe, generated from the records recipes bind to (so it cannot drift from the code), with
/// each field's description taken from the records' XML documentation. <c>recipes/recipe.schema.json</c> is this
/// output; editors use it to complete and check recipes.
/// </summary>
public static class RecipeSchema
{
    /// <summary>The schema as indented JSON text.</summary>
    public static string Generate()
    {
        var docs = LoadDocumentation();
        var options = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) =>
            {
                if (node is not JsonObject schema)
                    return node;
                var member = context.PropertyInfo?.AttributeProvider as MemberInfo;
                var key = member is PropertyInfo p ? $"P:{p.DeclaringType!.FullName}.{p.Name}" : context.PropertyInfo is null ? $"T:{context.TypeInfo.Type.FullName}" : null;
                if (key is not null && docs.TryGetValue(key, out var description) && !schema.ContainsKey("description"))
                    schema.Insert(0, "description", description);
                return schema;
            },
        };
        var serializer = new JsonSerializerOptions(RecipeLoader.SerializerOptions) { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };
        var root = (JsonObject)serializer.GetJsonSchemaAsNode(typeof(Recipe), options);
        root.Insert(0, "$schema", "https://json-schema.org/draft/2020-12/schema");
        root.Insert(1, "title", "Pretrain recipe");
        // Recipes may name this schema for their editor, and may carry comments (the loader skips them).
        if (root["properties"] is JsonObject properties && properties["schema"] is JsonNode schemaProperty)
        {
            properties.Remove("schema");
            properties["$schema"] = schemaProperty;
        }
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    private static Dictionary<string, string> LoadDocumentation()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var assembly in new[] { typeof(Recipe).Assembly, typeof(Pretraining.Layers.LayerOptions).Assembly, typeof(FineTuning.Training.SupervisedTrainingOptions).Assembly, typeof(Auxiliary.Text.Vocabulary).Assembly })
        {
            var file = Path.ChangeExtension(assembly.Location, ".xml");
            if (!File.Exists(file))
                continue;
            foreach (var member in XDocument.Load(file).Descendants("member"))
            {
                var name = member.Attribute("name")?.Value;
                var summary = member.Element("summary");
                if (name is null || summary is null)
                    continue;
                var text = string.Concat(summary.Nodes().Select(n => n is XElement e
                    ? e.Attribute("cref")?.Value.Split('.').Last() ?? e.Attribute("langword")?.Value ?? e.Attribute("name")?.Value ?? e.Value
                    : n.ToString()));
                result[name] = string.Join(" ", text.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
            }
        }
        return result;
    }
}
