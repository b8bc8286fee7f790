using System.Text.Json;
using System.Text.Json.Serialization;
using Pretrain.Pretraining;

namespace Pretrain.FineTuning.Transfer;

/// <summary>
/// Reads the <c>--map</c> rules of <c>pretrain import</c>: each one is either a JSON file holding an array of
/// mappings in the recipe's <c>model.restore.mappings</c> syntax (<c>{ "source", "target", "layout" }</c>), or an
/// inline <c>SOURCE=TARGET</c> rule (split at the last <c>=</c>; a regular expression and its replacement, e.g.
/// <c>fc(\d+)\.(weight|bias)=hidden$1.$2</c>) in the layout given for inline rules.
/// </summary>
public static class NameMappingRules
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    /// <summary>The mappings of <paramref name="rules"/>, in order (the first that matches a name wins).</summary>
    public static IReadOnlyList<NameMapping> Parse(IEnumerable<string> rules, WeightLayout inlineLayout = WeightLayout.OutIn)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var mappings = new List<NameMapping>();
        foreach (var rule in rules)
        {
            if (File.Exists(rule))
                mappings.AddRange(ReadFile(rule));
            else
                mappings.Add(Inline(rule, inlineLayout));
        }
        if (mappings.Count == 0)
            throw new PretrainException("--map: expected at least one rule (SOURCE=TARGET, or a JSON file of mappings).");
        foreach (var mapping in mappings)
            CheckPattern(mapping);
        return mappings;
    }

    private static List<NameMapping> ReadFile(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<List<NameMapping>>(File.ReadAllText(path), Json)
                ?? throw new DataException(path, "expected a JSON array of { \"source\", \"target\", \"layout\" } mappings, received null.");
        }
        catch (JsonException e)
        {
            throw new DataException(path, $"expected a JSON array of {{ \"source\", \"target\", \"layout\" }} mappings: {e.Message}", e);
        }
    }

    private static NameMapping Inline(string rule, WeightLayout layout)
    {
        var split = rule.LastIndexOf('=');
        if (split <= 0 || split == rule.Length - 1)
            throw new PretrainException($"--map: expected SOURCE=TARGET (a regular expression and its replacement) or an existing JSON file of mappings, received '{rule}'.");
        return new NameMapping(rule[..split], rule[(split + 1)..], layout);
    }

    private static void CheckPattern(NameMapping mapping)
    {
        if (mapping.Source is null || mapping.Target is null)
            throw new PretrainException("--map: every mapping needs a source and a target.");
        try
        {
            _ = new System.Text.RegularExpressions.Regex(mapping.Source, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new PretrainException($"--map: '{mapping.Source}' is not a valid regular expression: {e.Message}", e);
        }
    }
}
