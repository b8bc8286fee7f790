using System.Text;
using Sylvan.Data.Csv;

namespace Pretrain.Pretraining.Data;

/// <summary>
/// Streams the records of a delimited text file (CSV, TSV, ...) through Sylvan.Data.Csv, one at a time, and keeps the
/// physical line each record starts on, so that callers can name file, line and column in their errors. Quoted fields
/// may hold the delimiter, doubled quotes and newlines. Blank lines are skipped; there are no comment lines (a field
/// starting with <c>#</c> is data). Malformed quoting becomes a <see cref="DataException"/> naming the line.
/// </summary>
public sealed class CsvRecordReader : IDisposable
{
    // Sylvan needs a whole record in its buffer; text corpora may hold long documents in one field, so let it grow.
    private const int MaxRecordChars = 64 * 1024 * 1024;

    private readonly CsvDataReader reader;
    private int nextLine = 1;

    private CsvRecordReader(string path, CsvDataReader reader)
    {
        Path = path;
        this.reader = reader;
    }

    /// <summary>The file being read, as the caller named it.</summary>
    public string Path { get; }

    /// <summary>The 1-based line of the file on which the current record starts.</summary>
    public int Line { get; private set; }

    /// <summary>The number of fields in the current record.</summary>
    public int FieldCount => reader.RowFieldCount;

    /// <summary>Opens <paramref name="path"/> (UTF-8, a byte order mark is honoured) with fields separated by <paramref name="delimiter"/>.</summary>
    /// <exception cref="DataException">The file does not exist.</exception>
    public static CsvRecordReader Open(string path, char delimiter)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new DataException(path, "file not found.");
        var options = new CsvDataReaderOptions
        {
            // Headers are detected by the callers (numeric or named columns), so Sylvan sees every row as data.
            HasHeaders = false,
            Delimiter = delimiter,
            Comment = '\0',
            MaxBufferSize = MaxRecordChars,
            OwnsReader = true,
        };
        var text = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        try
        {
            return new CsvRecordReader(path, CsvDataReader.Create(text, options));
        }
        catch (Exception e) when (e is CsvFormatException or CsvInvalidCharacterException or CsvRecordTooLargeException)
        {
            text.Dispose();
            throw Malformed(path, 1, e);
        }
    }

    /// <summary>Moves to the next non-blank record; false at the end of the file.</summary>
    /// <exception cref="DataException">A quoted field is not closed, or a closing quote is followed by text.</exception>
    public bool Read()
    {
        while (true)
        {
            bool more;
            try
            {
                more = reader.Read();
            }
            catch (Exception e) when (e is CsvFormatException or CsvInvalidCharacterException or CsvRecordTooLargeException)
            {
                throw Malformed(Path, nextLine, e);
            }
            if (!more)
                return false;
            Line = nextLine;
            // Quoted fields may span lines: the raw record (line ending included) says how many lines it used.
            nextLine += reader.GetRawRecordSpan().Count('\n');
            if (reader.RowFieldCount > 1 || !reader.GetFieldSpan(0).IsWhiteSpace())
                return true;
        }
    }

    /// <summary>The characters of field <paramref name="index"/> (0-based) of the current record, quotes removed.</summary>
    public ReadOnlySpan<char> Field(int index) => reader.GetFieldSpan(index);

    /// <summary>Field <paramref name="index"/> (0-based) of the current record as a string, quotes removed.</summary>
    public string FieldText(int index) => reader.GetString(index);

    /// <summary>All fields of the current record, trimmed: for header rows.</summary>
    public IReadOnlyList<string> Fields() => Enumerable.Range(0, FieldCount).Select(i => FieldText(i).Trim()).ToArray();

    /// <inheritdoc/>
    public void Dispose() => reader.Dispose();

    private static DataException Malformed(string path, int line, Exception e) =>
        new(path, $"line {line}: expected a well-formed record, received malformed quoting ({e.Message.TrimEnd('.')}).", e);
}
