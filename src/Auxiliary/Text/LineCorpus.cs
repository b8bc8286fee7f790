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
        var collector = new DocumentCollector(tokenizer, minWords);
        foreach (var record in Records(path, labelFile: true))
            collector.Add(record.Text, record.Label!);
        return collector.Documents;
    }

    /// <summary>
    /// The non-blank lines of <paramref name="path"/> (a file, or the <c>.txt</c> files of a folder in name order, each
    /// record naming its file), streamed, each labelled with its file's name without extension; a single file's lines
    /// are unlabelled (null) unless <paramref name="labelFile"/>.
    /// </summary>
    /// <exception cref="DataException">The path is missing, holds no lines, or a file is not UTF-8.</exception>
    public static IEnumerable<TextRecord> Records(string path, bool labelFile)
    {
        ArgumentNullException.ThrowIfNull(path);
        var folder = Directory.Exists(path);
        var files = folder ? TextFiles.In(path) : [path];
        if (files.Count == 0)
            throw new DataException(path, "no .txt files in the folder: expected one file of lines per category.");
        foreach (var file in files)
        {
            var category = folder || labelFile ? Path.GetFileNameWithoutExtension(file) : null;
            var lines = 0;
            foreach (var (number, line) in Utf8TextFile.Lines(file))
            {
                if (string.IsNullOrWhiteSpace(line))
                    continue;
                lines++;
                yield return new TextRecord(line, category, number, folder ? file : null);
            }
            if (lines == 0)
                throw new DataException(file, "empty file: expected one document per line.");
        }
    }
}
