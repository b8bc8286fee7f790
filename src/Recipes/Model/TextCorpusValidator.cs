using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining.Validation;

namespace Pretrain.Recipes.Model;

/// <summary>
/// Checks (paths relative to <c>text</c>) where the <c>text</c> section reads its corpus: a path (or, for records, the older <c>folder</c>) and only the
/// fields its format uses, so a <c>labelField</c> given to a format that ignores it is reported rather than silently
/// unused. Whether the path exists is checked when the run starts, as for data.train's default Fashion-MNIST folder: a
/// recipe stays valid on a machine that has not installed its data yet.
/// </summary>
internal static class TextCorpusValidator
{
    public static IEnumerable<OptionProblem> Validate(TextSection text)
    {
        var format = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(text.Format.ToString());
        if (text.Path is not null && text.Folder is not null)
            yield return new("folder", "give path or folder, not both (folder is the older name of path for records).");
        else if (text.Folder is not null && text.Format != TextCorpusFormat.Records)
            yield return new("folder", $"expected only with format records; use path for format {format}.");
        else if (string.IsNullOrWhiteSpace(text.CorpusPath))
            yield return new(text.CorpusPathField, text.Format switch
            {
                TextCorpusFormat.Records => "expected a folder of record files.",
                TextCorpusFormat.Folders => "expected a folder holding a folder per category.",
                TextCorpusFormat.Lines => "expected a text file, or a folder of .txt files.",
                _ => $"expected a {format} file.",
            });

        var tabular = text.Format is TextCorpusFormat.Csv or TextCorpusFormat.Tsv;
        var fielded = tabular || text.Format == TextCorpusFormat.Jsonl;
        foreach (var (value, name) in new[] { (text.LabelField, "labelField"), (text.TextField, "textField") })
        {
            if (value is null)
                continue;
            if (!fielded)
                yield return new(name, $"expected only with format csv, tsv or jsonl; format {format} takes categories from file or folder names.");
            else if (string.IsNullOrWhiteSpace(value))
                yield return new(name, $"expected a {(tabular ? "column name or 0-based index" : "field name")}, received \"{value}\".");
        }
        if (fielded && text.LabelField is not null && text.LabelField == text.TextField)
            yield return new("textField", $"expected a different {(tabular ? "column" : "field")} from labelField, received \"{text.TextField}\" for both.");
        if (text.Header is not null && !tabular)
            yield return new("header", $"expected only with format csv or tsv, received it with format {format}.");
    }
}
