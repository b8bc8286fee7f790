using Pretrain.Auxiliary.Text;
using Pretrain.Pretraining;
using Pretrain.Recipes.Model;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// The data source of a file or folder to predict on, as <c>pretrain predict</c> names it: a path, an optional format
/// (<c>csv</c>, <c>tsv</c>, <c>npy</c>, <c>npz</c>, <c>idx</c> or <c>imageFolder</c>; else taken from the extension, and
/// a folder is an image folder) and where the labels are.
/// </summary>
public static class PredictionSource
{
    /// <summary>The formats <see cref="For"/> accepts.</summary>
    public const string Formats = "csv, tsv, npy, npz, idx, imageFolder";

    /// <summary>
    /// A <see cref="DataSourceSpec"/> for <paramref name="path"/>. <paramref name="labelColumn"/> names the CSV label
    /// column (header name or 0-based index); <paramref name="labels"/> is the labels file of an <c>npy</c> or
    /// <c>idx</c> input; an <c>npz</c> archive's labels are its array <c>y</c> when present; an image folder's are its
    /// class folders, when it has them. An image folder's size is left empty: <see cref="NetworkPredictor"/> decodes the
    /// images to the network's input shape. Throws <see cref="PretrainException"/> for an unknown format or a label
    /// option that does not fit it.
    /// </summary>
    public static DataSourceSpec For(string path, string? format = null, string? labelColumn = null, string? labels = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var kind = (format ?? FromExtension(path)).ToLowerInvariant();
        var shown = kind == "imagefolder" ? "imageFolder (labels are the class folders' names)" : kind;
        if (labelColumn is not null && kind is not ("csv" or "tsv"))
            throw new PretrainException($"--label-column: applies to csv and tsv files; {path} is read as {shown}.");
        if (labels is not null && kind is not ("npy" or "idx"))
            throw new PretrainException($"--labels: applies to npy and idx files; {path} is read as {shown}.");
        return kind switch
        {
            "csv" => new CsvSourceSpec { Path = path, LabelColumn = labelColumn },
            "tsv" => new CsvSourceSpec { Path = path, LabelColumn = labelColumn, Delimiter = "\t" },
            "npy" => new NpySourceSpec { Features = path, Labels = labels },
            "npz" => new NpzSourceSpec { Path = path, Labels = HasArray(path, "y") ? "y" : null },
            "idx" => new IdxSourceSpec { Images = path, Labels = labels },
            "imagefolder" => new ImageFolderSourceSpec { Directory = path, Size = [] },
            _ => throw new PretrainException($"--format: expected one of {Formats}, received '{format}'."),
        };
    }

    /// <summary>The formats <see cref="ForText"/> accepts, for a text model.</summary>
    public const string TextFormats = "csv, tsv, jsonl, lines, records, folders";

    /// <summary>
    /// The documents of <paramref name="path"/> for a text model, in the layouts the text recipes read: a file, or a folder
    /// for <c>lines</c>, <c>records</c> and <c>folders</c>. The format is <paramref name="format"/> (<c>csv</c>,
    /// <c>tsv</c>, <c>jsonl</c>, <c>lines</c>, <c>records</c> or <c>folders</c>) or comes from the extension (<c>.csv</c>,
    /// <c>.tsv</c>/<c>.tab</c>, <c>.jsonl</c>/<c>.ndjson</c>, <c>.txt</c>) or, for a folder, from what it holds:
    /// sub-folders make it <c>folders</c>, <c>.txt</c> files <c>lines</c>, other files <c>records</c> (the fortune files
    /// have no extension). <paramref name="labelColumn"/> and <paramref name="textColumn"/> name the label and text
    /// columns of a table or fields of JSON Lines (see <see cref="TextPredictionSource.HasLabels"/> when they are left
    /// out). Throws <see cref="PretrainException"/> for an unknown format or an option that does not fit it.
    /// </summary>
    public static TextPredictionSource ForText(string path, string? format = null, string? labelColumn = null, string? textColumn = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var kind = (format ?? TextFormatFromExtension(path)).ToLowerInvariant();
        var parsed = kind switch
        {
            "csv" => TextCorpusFormat.Csv,
            "tsv" => TextCorpusFormat.Tsv,
            "jsonl" => TextCorpusFormat.Jsonl,
            "lines" => TextCorpusFormat.Lines,
            "records" => TextCorpusFormat.Records,
            "folders" => TextCorpusFormat.Folders,
            _ => throw new PretrainException($"--format: a text model reads documents: expected one of {TextFormats}, received '{format}'."),
        };
        if (parsed is TextCorpusFormat.Lines or TextCorpusFormat.Records or TextCorpusFormat.Folders && (labelColumn ?? textColumn) is not null)
            throw new PretrainException($"--{(labelColumn is null ? "text" : "label")}-column: applies to csv, tsv and jsonl files; {path} is read as {kind} ({Layout(parsed)}).");
        return new TextPredictionSource(path, parsed, labelColumn, textColumn);
    }

    private static string Layout(TextCorpusFormat format) => format switch
    {
        TextCorpusFormat.Lines => "one unlabelled document per line, or a folder of .txt files named after their category",
        TextCorpusFormat.Records => "documents separated by % lines, labelled by a folder of such files with their names",
        _ => "a .txt file per document, labelled by the category folders holding them",
    };

    private static string TextFormatFromExtension(string path)
    {
        if (Directory.Exists(path))
        {
            if (Directory.EnumerateDirectories(path).Any(d => !Path.GetFileName(d).StartsWith('.')))
                return "folders";
            return TextFiles.In(path).Count > 0 ? "lines" : "records";
        }
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => "csv",
            ".tsv" or ".tab" => "tsv",
            ".jsonl" or ".ndjson" => "jsonl",
            ".txt" => "lines",
            _ => throw new PretrainException($"{path}: cannot tell the format from the file name; give --format ({TextFormats})."),
        };
    }

    private static string FromExtension(string path)
    {
        if (Directory.Exists(path))
            return "imagefolder";
        var name = Path.GetFileName(path).ToLowerInvariant();
        if (name.EndsWith(".gz", StringComparison.Ordinal))
            name = name[..^3];
        return Path.GetExtension(name) switch
        {
            ".csv" => "csv",
            ".tsv" or ".tab" => "tsv",
            ".npy" => "npy",
            ".npz" => "npz",
            ".idx" => "idx",
            _ when name.Contains("-ubyte", StringComparison.Ordinal) || name.Contains("-idx", StringComparison.Ordinal) => "idx",
            _ => throw new PretrainException($"{path}: cannot tell the format from the file name; give --format ({Formats})."),
        };
    }

    private static bool HasArray(string path, string name)
    {
        if (!File.Exists(path))
            return false;
        try
        {
            using var archive = System.IO.Compression.ZipFile.OpenRead(path);
            return archive.GetEntry($"{name}.npy") is not null;
        }
        catch (InvalidDataException)
        {
            return false; // the reader reports the broken archive with its own message
        }
    }
}
