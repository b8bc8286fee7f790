using System.Text.Json;
using System.Text.RegularExpressions;
using Pretrain.FineTuning.Models;
using Pretrain.Pretraining;
using Pretrain.Pretraining.IO;
using Pretrain.Pretraining.Stacks;

namespace Pretrain.FineTuning.Catalog;

/// <summary>
/// The team's own model zoo: a folder with one sub-folder per saved model, holding the model's files and an
/// <c>entry.json</c> with its metadata. Adding copies the files into a temporary folder first and renames it into
/// place, so a crash never leaves a half-copied entry.
/// </summary>
public sealed partial class ModelCatalog
{
    private const string EntryFile = "entry.json";
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    /// <summary>A catalog rooted at <paramref name="root"/> (created on first add).</summary>
    public ModelCatalog(string root) => Root = Path.GetFullPath(root ?? throw new ArgumentNullException(nameof(root)));

    /// <summary>The catalog folder.</summary>
    public string Root { get; }

    /// <summary>
    /// The default catalog: <c>$PRETRAIN_MODELS</c> when set, otherwise <c>models/</c> under the user's local
    /// application data folder (<c>~/.local/share/pretrain/models</c> on Linux).
    /// </summary>
    public static ModelCatalog Default() => new(Environment.GetEnvironmentVariable("PRETRAIN_MODELS") is { Length: > 0 } path
        ? path
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "pretrain", "models"));

    /// <summary>The prefix that makes a stack reference a catalog name: <c>catalog:NAME</c>.</summary>
    public const string ReferencePrefix = "catalog:";

    /// <summary>The catalog name in a <c>catalog:NAME</c> reference, or null for a folder path.</summary>
    public static string? NameIn(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return reference.StartsWith(ReferencePrefix, StringComparison.Ordinal) ? reference[ReferencePrefix.Length..] : null;
    }

    /// <summary>
    /// The folder (of a stack or a saved network) a reference names: a <c>catalog:NAME</c> entry of the default catalog, or a folder path made
    /// absolute by <paramref name="resolvePath"/> (identity when null).
    /// </summary>
    public static string ResolveStack(string reference, Func<string, string>? resolvePath = null) =>
        NameIn(reference) is { } name ? Default().PathOf(name) : resolvePath?.Invoke(reference) ?? reference;

    /// <summary>Every entry, by name.</summary>
    public IReadOnlyList<CatalogEntry> List() =>
        !Directory.Exists(Root) ? [] : Directory.GetDirectories(Root)
            .Where(d => File.Exists(Path.Combine(d, EntryFile)))
            .Select(d => Read(Path.Combine(d, EntryFile)))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>The folder of <paramref name="name"/>'s files; an unknown name is an error listing the known ones.</summary>
    public string PathOf(string name)
    {
        var folder = Path.Combine(Root, CheckName(name));
        if (File.Exists(Path.Combine(folder, EntryFile)))
            return folder;
        var known = List().Select(e => e.Name).ToList();
        throw new PretrainException($"model catalog {Root}: no model named '{name}'; it holds {(known.Count == 0 ? "none" : string.Join(", ", known))}.");
    }

    /// <summary>The metadata of <paramref name="name"/>.</summary>
    public CatalogEntry Get(string name) => Read(Path.Combine(PathOf(name), EntryFile));

    /// <summary>Copies the stack in <paramref name="stackFolder"/> into the catalog as <paramref name="entry"/> (checked by loading it).</summary>
    public void AddStack(CatalogEntry entry, string stackFolder)
    {
        ArgumentNullException.ThrowIfNull(entry);
        StackStore.ReadManifest(stackFolder);
        Add(entry with { Kind = "stack" }, temp =>
        {
            foreach (var file in Directory.GetFiles(stackFolder))
                File.Copy(file, Path.Combine(temp, Path.GetFileName(file)));
            using (StackStore.Load(temp))
            {
                // Loading verifies every checksum of the copy before it becomes visible.
            }
        });
    }

    /// <summary>
    /// Copies a saved network (a folder holding <c>network.json</c>, or a manifest path) into the catalog as
    /// <paramref name="entry"/>: the manifest becomes the entry's <c>network.json</c>, next to its weights file, and the
    /// copy is loaded (checksum included) before it becomes visible. <c>catalog:NAME</c> then loads it. A text model
    /// (kind <c>text</c>) is copied with its vocabulary file, and its copy's manifest and checksums are checked.
    /// </summary>
    public void AddNetwork(CatalogEntry entry, string network)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var manifestPath = SavedNetwork.ManifestPathOf(network);
        if (NetworkManifestReader.KindOf(manifestPath) == TextNetworkManifest.Kind)
        {
            AddTextModel(entry, manifestPath);
            return;
        }
        var manifest = NetworkManifestReader.Read(manifestPath);
        Add(entry with { Kind = "network" }, temp =>
        {
            File.Copy(manifestPath, Path.Combine(temp, SavedNetwork.ManifestFileName));
            File.Copy(NetworkManifestReader.WeightsPath(manifestPath, manifest), Path.Combine(temp, manifest.Weights.File));
            using (SavedNetwork.Load(temp))
            {
                // Loading verifies the copy's checksum and shapes before it becomes visible.
            }
        });
    }

    private void AddTextModel(CatalogEntry entry, string manifestPath)
    {
        var manifest = TextNetworkManifestReader.Read(manifestPath);
        // Checked here first so that a modified file is reported under its own name rather than its copy's.
        TextNetworkManifestReader.VerifyChecksums(manifestPath, manifest);
        Add(entry with { Kind = TextNetworkManifest.Kind }, temp =>
        {
            var copy = Path.Combine(temp, SavedNetwork.ManifestFileName);
            File.Copy(manifestPath, copy);
            File.Copy(TextNetworkManifestReader.WeightsPath(manifestPath, manifest), Path.Combine(temp, manifest.Weights.File));
            File.Copy(TextNetworkManifestReader.VocabularyPath(manifestPath, manifest), Path.Combine(temp, manifest.Vocabulary.File));
            // The tokenizer and classifier live in Pretrain.Auxiliary; the checks here are the manifest's and both checksums.
            TextNetworkManifestReader.VerifyChecksums(copy, TextNetworkManifestReader.Read(copy));
        });
    }

    /// <summary>Fills a temporary folder with <paramref name="fill"/>, writes the entry and renames the folder into place.</summary>
    private void Add(CatalogEntry entry, Action<string> fill)
    {
        var target = Path.Combine(Root, CheckName(entry.Name));
        if (Directory.Exists(target))
            throw new PretrainException($"model catalog {Root}: a model named '{entry.Name}' exists already; remove it first or pick another name.");
        Directory.CreateDirectory(Root);
        var temp = Path.Combine(Root, $".{entry.Name}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(temp);
            fill(temp);
            AtomicFile.WriteAllText(Path.Combine(temp, EntryFile), JsonSerializer.Serialize(entry, Json));
            Directory.Move(temp, target);
        }
        finally
        {
            if (Directory.Exists(temp))
                Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>Deletes <paramref name="name"/> and its files.</summary>
    public void Remove(string name) => Directory.Delete(PathOf(name), recursive: true);

    private static CatalogEntry Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<CatalogEntry>(File.ReadAllText(path), Json) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new DataException(path, $"not a valid catalog entry: {e.Message}", e);
        }
    }

    private static string CheckName(string name) =>
        name is not null && ValidName().IsMatch(name)
            ? name
            : throw new PretrainException($"model name '{name}': expected lower-case letters, digits, '.', '_' or '-' (at most 100), starting with a letter or digit.");

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,99}$")]
    private static partial Regex ValidName();
}
