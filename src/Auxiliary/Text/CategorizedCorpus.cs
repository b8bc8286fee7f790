using System.Text;
using Pretrain.Pretraining;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// Documents read from record files (records separated by a line holding only <c>%</c>, as in the fortune files),
/// each labelled with its file's name. Companion files that are not text (<c>.dat</c> indexes, <c>.u8</c> links) are
/// skipped. Files are read as strict UTF-8, streamed line by line.
/// </summary>
public static class CategorizedCorpus
{
    /// <summary>The line that ends a record.</summary>
    public const string Separator = "%";

    private static readonly string[] SkippedExtensions = [".dat", ".u8"];

    /// <summary>Reads every record file in <paramref name="folder"/> (or only <paramref name="categories"/>, when given).</summary>
    /// <param name="folder">The folder of record files.</param>
    /// <param name="tokenizer">Splits each record into words.</param>
    /// <param name="categories">File names to read; null or empty reads them all.</param>
    /// <param name="minWords">Records with fewer words are dropped (signatures, blank jokes).</param>
    public static IReadOnlyList<LabeledDocument> Load(string folder, WordTokenizer tokenizer, IReadOnlyList<string>? categories = null, int minWords = 1)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var files = Files(folder);
        if (categories is { Count: > 0 })
        {
            var missing = categories.Where(c => !files.Any(f => Path.GetFileName(f) == c)).ToList();
            if (missing.Count > 0)
                throw new DataException(folder, $"no record file for the categories {string.Join(", ", missing)}; found {string.Join(", ", files.Select(Path.GetFileName))}.");
            files = files.Where(f => categories.Contains(Path.GetFileName(f))).ToList();
        }
        var collector = new DocumentCollector(tokenizer, minWords);
        foreach (var file in files)
            foreach (var record in RecordsOf(file, Path.GetFileName(file)))
                collector.Add(record.Text, record.Label!);
        return collector.Documents;
    }

    /// <summary>The record files of <paramref name="folder"/> (their names are the categories), sorted by ordinal comparison.</summary>
    /// <exception cref="DataException">The folder is missing or holds no record files.</exception>
    public static IReadOnlyList<string> Files(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
            throw new DataException(folder, "text folder not found.");
        var files = Directory.GetFiles(folder)
            .Where(f => !SkippedExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Where(f => !new FileInfo(f).Attributes.HasFlag(FileAttributes.ReparsePoint))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        return files.Count > 0 ? files : throw new DataException(folder, "no record files in the folder.");
    }

    /// <summary>
    /// The records of <paramref name="path"/>, streamed: for a folder, those of every record file (<see cref="Files"/>),
    /// each labelled with its file's name and naming its file; for a single record file, its records unlabelled (null).
    /// </summary>
    /// <exception cref="DataException">The path is missing, a file holds no record or is not UTF-8.</exception>
    public static IEnumerable<TextRecord> Records(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
            return Files(path).SelectMany(f => RecordsOf(f, Path.GetFileName(f)));
        return File.Exists(path) ? RecordsOf(path, null)
            : throw new DataException(path, $"not found: expected a folder of record files (records separated by '{Separator}' lines), or one such file.");
    }

    /// <summary>
    /// The records of one file: the lines between separator lines joined with '\n' and trimmed, empty ones skipped;
    /// each starts on the line of its first text. A file without any record is a <see cref="DataException"/>.
    /// </summary>
    private static IEnumerable<TextRecord> RecordsOf(string file, string? category)
    {
        var text = new StringBuilder();
        var (start, records) = (0, 0);
        foreach (var (number, line) in Utf8TextFile.Lines(file))
        {
            if (line != Separator)
            {
                text.Append(line).Append('\n');
                if (start == 0 && !string.IsNullOrWhiteSpace(line))
                    start = number;
                continue;
            }
            if (Take() is { } record)
                yield return record;
        }
        if (Take() is { } last)
            yield return last;
        if (records == 0)
            throw new DataException(file, $"no records separated by '{Separator}' lines in the file.");

        TextRecord? Take()
        {
            var content = text.ToString().Trim();
            var line = start;
            (start, text.Length) = (0, 0);
            if (content.Length == 0)
                return null;
            records++;
            return new TextRecord(content, category, line, file);
        }
    }
}
