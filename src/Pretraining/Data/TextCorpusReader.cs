using System.Text;

namespace Pretrain.Pretraining.Data;

/// <summary>Reads plain UTF-8 text for text tasks: one record a line, or records separated by a line holding only a separator.</summary>
public static class TextCorpusReader
{
    /// <summary>The non-empty lines of <paramref name="path"/>, trimmed.</summary>
    public static IReadOnlyList<string> ReadLines(string path)
    {
        var lines = ReadText(path).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        return lines.Count > 0 ? lines : throw new DataException(path, "no text lines in the file.");
    }

    /// <summary>
    /// The records of <paramref name="path"/>, separated by lines holding only <paramref name="separatorLine"/> (the
    /// fortune-file convention, <c>%</c>); each record's lines are joined with '\n' and trimmed; empty records are skipped.
    /// </summary>
    public static IReadOnlyList<string> ReadRecords(string path, string separatorLine = "%")
    {
        var records = new List<string>();
        var current = new StringBuilder();
        foreach (var line in ReadText(path).Split('\n'))
        {
            if (line.TrimEnd('\r') == separatorLine)
            {
                Flush();
                continue;
            }
            current.Append(line.TrimEnd('\r')).Append('\n');
        }
        Flush();
        return records.Count > 0 ? records : throw new DataException(path, $"no records separated by '{separatorLine}' lines in the file.");

        void Flush()
        {
            var text = current.ToString().Trim();
            if (text.Length > 0)
                records.Add(text);
            current.Clear();
        }
    }

    private static string ReadText(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new DataException(path, "file not found.");
        var text = File.ReadAllText(path, Encoding.UTF8);
        return text.Length > 0 ? text : throw new DataException(path, "empty file.");
    }
}
