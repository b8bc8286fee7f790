using System.Globalization;
using System.Text.Json;
using Pretrain.Pretraining.IO;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// The folder one run writes everything into: the resolved recipe, the environment, the log, metrics as JSON lines,
/// and the result. Created as <c>OUTPUT/NAME-yyyyMMdd-HHmmss</c> (a suffix keeps it unique).
/// </summary>
public sealed class RunFolder
{
    // A diverged metric is written as "NaN" or "Infinity" rather than failing the run at the epoch that diverged.
    private static readonly JsonSerializerOptions Compact = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
    private static readonly JsonSerializerOptions Indented = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private RunFolder(string path) => Path = path;

    /// <summary>Absolute path of the folder.</summary>
    public string Path { get; }

    /// <summary>The run's log file.</summary>
    public string LogFile => System.IO.Path.Combine(Path, "log.txt");

    /// <summary>Metrics of every epoch, one JSON object a line.</summary>
    public string MetricsFile => System.IO.Path.Combine(Path, "metrics.jsonl");

    /// <summary>Creates a new, empty run folder for <paramref name="name"/> under <paramref name="outputRoot"/>.</summary>
    public static RunFolder Create(string outputRoot, string name, DateTimeOffset now)
    {
        var stem = System.IO.Path.Combine(System.IO.Path.GetFullPath(outputRoot), $"{name}-{now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
        var path = stem;
        for (var n = 2; Directory.Exists(path); n++)
            path = $"{stem}-{n}";
        Directory.CreateDirectory(path);
        return new RunFolder(path);
    }

    /// <summary>
    /// The run folder at exactly <paramref name="path"/>: reopened (see <see cref="Open"/>) when a run already started
    /// there, else created. For callers that name run folders themselves, such as a shared job queue whose jobs must
    /// resume in the same folder on whichever worker takes them over.
    /// </summary>
    public static RunFolder At(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (System.IO.File.Exists(System.IO.Path.Combine(path, "recipe.json")))
            return Open(path);
        Directory.CreateDirectory(path);
        return new RunFolder(System.IO.Path.GetFullPath(path));
    }

    /// <summary>
    /// Reopens the folder of an interrupted run so its checkpoints are picked up (finished layers are not retrained).
    /// </summary>
    public static RunFolder Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(full))
            throw new Pretraining.PretrainException($"{path}: run folder not found.");
        if (!System.IO.File.Exists(System.IO.Path.Combine(full, "recipe.json")))
            throw new Pretraining.PretrainException($"{path}: not a run folder (it has no recipe.json).");
        // A process killed mid-write leaves only its hidden temporary file (the real file is renamed into place whole):
        // those are garbage, never data.
        foreach (var stale in Directory.EnumerateFiles(full, ".*.tmp", SearchOption.AllDirectories))
            System.IO.File.Delete(stale);
        return new RunFolder(full);
    }

    /// <summary>Writes the resolved recipe (every default filled in) as <c>recipe.json</c>, which loads again as a recipe.</summary>
    public void WriteRecipe(Pretrain.Recipes.Model.LoadedRecipe loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        using var resolved = JsonDocument.Parse(loaded.ResolvedJson);
        WriteJson("recipe.json", resolved.RootElement);
    }

    /// <summary>Path of <paramref name="fileName"/> inside the folder.</summary>
    public string File(string fileName) => System.IO.Path.Combine(Path, fileName);

    /// <summary>Writes <paramref name="value"/> as indented JSON to <paramref name="fileName"/>, atomically.</summary>
    public void WriteJson<T>(string fileName, T value) => AtomicFile.WriteAllText(File(fileName), JsonSerializer.Serialize(value, Indented));

    /// <summary>Appends <paramref name="value"/> as one JSON line to the metrics file.</summary>
    public void AppendMetrics<T>(T value) => AtomicFile.AppendLine(MetricsFile, JsonSerializer.Serialize(value, Compact));
}
