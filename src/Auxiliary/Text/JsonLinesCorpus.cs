using System.Text.Json;
using Pretrain.Pretraining;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// Documents from a JSON Lines file: one JSON object per line, such as <c>{"label": "sports", "text": "..."}</c>.
/// The text field must be a string; the label field a string, a number or a boolean (kept as written), or null for
/// an unlabelled document. Blank lines are skipped; other fields are ignored.
/// </summary>
public static class JsonLinesCorpus
{
    /// <summary>Reads <paramref name="path"/>, streamed line by line.</summary>
    /// <param name="path">The .jsonl file (UTF-8).</param>
    /// <param name="labelField">The name of the label field. Default <c>label</c>.</param>
    /// <param name="textField">The name of the text field. Default <c>text</c>.</param>
    /// <param name="tokenizer">Splits each text into words.</param>
    /// <param name="minWords">Documents with fewer words are dropped.</param>
    /// <exception cref="DataException">The file is missing or empty, or a line is not an object with those fields.</exception>
    public static IReadOnlyList<LabeledDocument> Load(string path, string labelField, string textField, WordTokenizer tokenizer, int minWords = 1)
    {
        ArgumentNullException.ThrowIfNull(labelField);
        var collector = new DocumentCollector(tokenizer, minWords);
        foreach (var record in Records(path, labelField, textField))
            collector.Add(record.Text, record.Label!);
        return collector.Documents;
    }

    /// <summary>
    /// The objects of <paramref name="path"/> as raw texts with their labels, streamed line by line. With a null
    /// <paramref name="labelField"/> no label is read (labels are null); else every object needs the field (null for
    /// an empty label).
    /// </summary>
    /// <exception cref="DataException">The file is missing or empty, or a line is not an object with those fields.</exception>
    public static IEnumerable<TextRecord> Records(string path, string? labelField, string textField)
    {
        ArgumentNullException.ThrowIfNull(textField);
        var lines = 0;
        foreach (var (number, line) in Utf8TextFile.Lines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            lines++;
            using var document = Parse(path, number, line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new DataException(path, $"line {number}: expected a JSON object, received {Describe(root)}.");
            if (!root.TryGetProperty(textField, out var text) || text.ValueKind != JsonValueKind.String)
                throw new DataException(path, $"line {number}: expected a string field \"{textField}\", received {(text.ValueKind == JsonValueKind.Undefined ? "no such field" : Describe(text))}.");
            yield return new TextRecord(text.GetString()!, labelField is null ? null : Label(path, number, root, labelField), number);
        }
        if (lines == 0)
            throw new DataException(path, "empty file: expected one JSON object per line.");
    }

    /// <summary>Whether the first object of <paramref name="path"/> has the field <paramref name="field"/> (false for a file without objects).</summary>
    public static bool FirstObjectHas(string path, string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        foreach (var (number, line) in Utf8TextFile.Lines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            using var document = Parse(path, number, line);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(field, out _);
        }
        return false;
    }

    private static JsonDocument Parse(string path, int number, string line)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new DataException(path, $"line {number}: expected a JSON object, received invalid JSON (position {e.BytePositionInLine + 1}).", e);
        }
    }

    private static string Label(string path, int number, JsonElement root, string labelField)
    {
        if (!root.TryGetProperty(labelField, out var label))
            throw new DataException(path, $"line {number}: expected a field \"{labelField}\" (a string, a number or null), received no such field.");
        return label.ValueKind switch
        {
            JsonValueKind.String => label.GetString()!.Trim(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => label.GetRawText(),
            JsonValueKind.Null => "",
            _ => throw new DataException(path, $"line {number}: expected a field \"{labelField}\" (a string, a number or null), received {Describe(label)}."),
        };
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => element.GetRawText() is var raw && raw.Length > 40 ? raw[..37] + "..." : element.GetRawText(),
    };
}
