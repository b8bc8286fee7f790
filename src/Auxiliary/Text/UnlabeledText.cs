using Pretrain.Pretraining;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// Extra plain text for the auxiliary task, so a small labelled corpus can sit on a large unlabeled one: files, or
/// folders searched recursively, each non-blank line a document (record separators such as a lone <c>%</c> are
/// dropped by <c>minWords</c>). Files that are not UTF-8 text (binary indexes, compressed files) are skipped and
/// counted rather than failing the run, because system text folders mix them in; symbolic links are not followed.
/// </summary>
public static class UnlabeledText
{
    private static readonly string[] SkippedExtensions = [".dat", ".u8", ".gz", ".bz2", ".xz", ".zip"];

    /// <summary>The documents and the number of files skipped as not text.</summary>
    public sealed record Result(IReadOnlyList<IReadOnlyList<string>> Documents, int Files, int SkippedFiles);

    /// <summary>Reads every path of <paramref name="paths"/>; a path that does not exist is a <see cref="DataException"/> naming it.</summary>
    public static Result Load(IEnumerable<string> paths, WordTokenizer tokenizer, int minWords = 1)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var documents = new List<IReadOnlyList<string>>();
        var (read, skipped) = (0, 0);
        foreach (var path in paths)
        {
            if (!File.Exists(path) && !Directory.Exists(path))
                throw new DataException(path, "unlabeled text not found: expected a file or a folder.");
            foreach (var file in Files(path))
            {
                try
                {
                    var words = new List<IReadOnlyList<string>>();
                    foreach (var (_, line) in Utf8TextFile.Lines(file))
                        if (tokenizer.Tokenize(line) is { } tokens && tokens.Count >= minWords)
                            words.Add(tokens);
                    documents.AddRange(words);
                    read++;
                }
                catch (DataException)
                {
                    skipped++;
                }
            }
        }
        return new Result(documents, read, skipped);
    }

    private static IEnumerable<string> Files(string path)
    {
        if (File.Exists(path))
            return [path];
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint | FileAttributes.Hidden, IgnoreInaccessible = true };
        return Directory.EnumerateFiles(path, "*", options)
            .Where(f => !SkippedExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .OrderBy(f => f, StringComparer.Ordinal);
    }
}
