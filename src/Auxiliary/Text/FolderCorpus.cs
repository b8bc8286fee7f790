using Pretrain.Pretraining;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// Documents laid out a folder per category, as image folders are: <c>root/&lt;category&gt;/*.txt</c>, each file one
/// document whose category is its folder's name. Files of other extensions and hidden entries are skipped; every
/// category folder must hold at least one <c>.txt</c> file.
/// </summary>
public static class FolderCorpus
{
    /// <summary>Reads every category folder under <paramref name="root"/>.</summary>
    /// <param name="root">The folder holding one folder per category.</param>
    /// <param name="tokenizer">Splits each document into words.</param>
    /// <param name="minWords">Documents with fewer words are dropped.</param>
    /// <exception cref="DataException">The root is missing or has no category folders, a category folder has no .txt file, or a file is not UTF-8.</exception>
    public static IReadOnlyList<LabeledDocument> Load(string root, WordTokenizer tokenizer, int minWords = 1)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!Directory.Exists(root))
            throw new DataException(root, "text folder not found: expected a folder per category.");
        var categories = Directory.GetDirectories(root)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .OrderBy(d => d, StringComparer.Ordinal)
            .ToList();
        if (categories.Count == 0)
            throw new DataException(root, "no category folders: expected root/<category>/*.txt.");
        var collector = new DocumentCollector(tokenizer, minWords);
        foreach (var folder in categories)
        {
            var files = TextFiles.In(folder);
            if (files.Count == 0)
                throw new DataException(folder, "no .txt files in the category folder: expected one file per document.");
            foreach (var file in files)
                collector.Add(Utf8TextFile.ReadAll(file), Path.GetFileName(folder));
        }
        return collector.Documents;
    }
}
