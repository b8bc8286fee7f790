using Pretrain.Pretraining;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// Documents from plain text with one document per line. The path is one file (its documents all carry the file's
/// name without extension as category: in effect unlabelled, for the auxiliary task) or a folder whose <c>.txt</c>
/// files are the categories (<c>positive.txt</c>, <c>negative.txt</c>: category = file name without extension).
/// Blank lines are skipped; lines are streamed.
/// </summary>
public static class LineCorpus
{
    /// <summary>Reads the file or folder <paramref name="path"/>.</summary>
    /// <param name="path">A text file, or a folder of <c>.txt</c> files (UTF-8).</param>
    /// <param name="tokenizer">Splits each line into words.</param>
    /// <param name="minWords">Lines with fewer words are dropped.</param>
    /// <exception cref="DataException">The path is missing, holds no lines, or a file is not UTF-8.</exception>
    public static IReadOnlyList<LabeledDocument> Load(string path, WordTokenizer tokenizer, int minWords = 1)
    {
        ArgumentNullException.ThrowIfNull(path);
        var collector = new DocumentCollector(tokenizer, minWords);
        var files = Directory.Exists(path) ? TextFiles.In(path) : [path];
        if (files.Count == 0)
            throw new DataException(path, "no .txt files in the folder: expected one file of lines per category.");
        foreach (var file in files)
        {
            var category = Path.GetFileNameWithoutExtension(file);
            var lines = 0;
            foreach (var (_, line) in Utf8TextFile.Lines(file))
            {
                if (string.IsNullOrWhiteSpace(line))
                    continue;
                lines++;
                collector.Add(line, category);
            }
            if (lines == 0)
                throw new DataException(file, "empty file: expected one document per line.");
        }
        return collector.Documents;
    }
}
