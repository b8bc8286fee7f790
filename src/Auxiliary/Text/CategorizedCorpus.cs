using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// Documents read from record files (records separated by a line holding only <c>%</c>, as in the fortune files),
/// each labelled with its file's name. Companion files that are not text (<c>.dat</c> indexes, <c>.u8</c> links) are skipped.
/// </summary>
public static class CategorizedCorpus
{
    private static readonly string[] SkippedExtensions = [".dat", ".u8"];

    /// <summary>Reads every record file in <paramref name="folder"/> (or only <paramref name="categories"/>, when given).</summary>
    /// <param name="folder">The folder of record files.</param>
    /// <param name="tokenizer">Splits each record into words.</param>
    /// <param name="categories">File names to read; null or empty reads them all.</param>
    /// <param name="minWords">Records with fewer words are dropped (signatures, blank jokes).</param>
    public static IReadOnlyList<LabeledDocument> Load(string folder, WordTokenizer tokenizer, IReadOnlyList<string>? categories = null, int minWords = 1)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (!Directory.Exists(folder))
            throw new DataException(folder, "text folder not found.");
        var files = Directory.GetFiles(folder)
            .Where(f => !SkippedExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Where(f => !new FileInfo(f).Attributes.HasFlag(FileAttributes.ReparsePoint))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        if (categories is { Count: > 0 })
        {
            var missing = categories.Where(c => !files.Any(f => Path.GetFileName(f) == c)).ToList();
            if (missing.Count > 0)
                throw new DataException(folder, $"no record file for the categories {string.Join(", ", missing)}; found {string.Join(", ", files.Select(Path.GetFileName))}.");
            files = files.Where(f => categories.Contains(Path.GetFileName(f))).ToList();
        }
        if (files.Count == 0)
            throw new DataException(folder, "no record files in the folder.");
        var documents = new List<LabeledDocument>();
        foreach (var file in files)
        {
            var category = Path.GetFileName(file);
            foreach (var record in TextCorpusReader.ReadRecords(file))
            {
                var words = tokenizer.Tokenize(record);
                if (words.Count >= minWords)
                    documents.Add(new LabeledDocument(words, category));
            }
        }
        return documents;
    }
}
