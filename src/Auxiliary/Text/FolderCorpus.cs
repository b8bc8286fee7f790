using Pretrain.Pretraining;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// Documents laid out a folder per category, as image folders are: <c>root/&lt;category&gt;/*.txt</c>, each file one
/// document whose category is its folder's name. Files of other extensions and hidden entries are skipped; every
/// category folder must hold at least one <c>.txt</c> file. Files at the top of the root are not documents (a
/// corpus root often holds notes or URL lists beside its category folders), except in a root without category
/// folders, whose <c>.txt</c> files are read as unlabelled documents (<see cref="Records"/>, for prediction).
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
        var collector = new DocumentCollector(tokenizer, minWords);
        if (CategoryFolders(root).Count == 0)
            throw new DataException(root, "no category folders: expected root/<category>/*.txt.");
        foreach (var record in Records(root))
            collector.Add(record.Text, record.Label!);
        return collector.Documents;
    }

    /// <summary>The category folders of <paramref name="root"/> (hidden ones left out), sorted by ordinal comparison; empty when it has none.</summary>
    /// <exception cref="DataException">The root is missing.</exception>
    public static IReadOnlyList<string> CategoryFolders(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!Directory.Exists(root))
            throw new DataException(root, "text folder not found: expected a folder per category.");
        return Directory.GetDirectories(root)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .OrderBy(d => d, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The documents of <paramref name="root"/>, a file each, streamed: every <c>.txt</c> file of every category folder,
    /// labelled with the folder's name; or, when the root has no category folders, its own <c>.txt</c> files, unlabelled
    /// (null). Each record names its file and starts on line 1.
    /// </summary>
    /// <exception cref="DataException">The root is missing or holds neither category folders nor .txt files, a category folder has no .txt file, or a file is not UTF-8.</exception>
    public static IEnumerable<TextRecord> Records(string root)
    {
        var categories = CategoryFolders(root);
        if (categories.Count > 0)
            return categories.SelectMany(folder => DocumentsOf(folder, Path.GetFileName(folder)));
        return TextFiles.In(root).Count > 0 ? DocumentsOf(root, null)
            : throw new DataException(root, "no category folders and no .txt files: expected root/<category>/*.txt, or .txt files directly in the folder (unlabelled).");
    }

    private static IEnumerable<TextRecord> DocumentsOf(string folder, string? category)
    {
        var files = TextFiles.In(folder);
        if (files.Count == 0)
            throw new DataException(folder, "no .txt files in the category folder: expected one file per document.");
        foreach (var file in files)
            yield return new TextRecord(Utf8TextFile.ReadAll(file), category, 1, file);
    }
}
