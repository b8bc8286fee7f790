using System.IO.Compression;

namespace Pretrain.Pretraining.Data;

/// <summary>Reads NumPy <c>.npz</c> archives (a zip of <c>.npy</c> files, as <c>numpy.savez</c> writes).</summary>
public static class NpzReader
{
    /// <summary>Every array of <paramref name="path"/>, by name (without <c>.npy</c>).</summary>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new DataException(path, "file not found.");
        try
        {
            using var archive = ZipFile.OpenRead(path);
            var arrays = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
            foreach (var entry in archive.Entries.Where(e => e.Name.EndsWith(".npy", StringComparison.Ordinal)))
            {
                var name = entry.FullName[..^4];
                arrays[name] = ReadEntry(entry, $"{path}[{name}]");
            }
            return arrays;
        }
        catch (InvalidDataException e)
        {
            throw NotAnArchive(path, e);
        }
    }

    /// <summary>The dtype descriptor of the array <paramref name="name"/> in <paramref name="path"/>, or null when there is none.</summary>
    public static string? ReadDtype(string path, string name)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var archive = ZipFile.OpenRead(path);
            using var stream = archive.GetEntry(name + ".npy")?.Open();
            return stream is null ? null : NpyReader.ReadDtype(stream, $"{path}[{name}]");
        }
        catch (InvalidDataException e)
        {
            throw NotAnArchive(path, e);
        }
    }

    /// <summary>The archive entry of the array <paramref name="name"/>; a <see cref="DataException"/> listing the arrays there are when it is missing.</summary>
    internal static ZipArchiveEntry Entry(ZipArchive archive, string path, string name) =>
        archive.GetEntry(name + ".npy")
        ?? throw new DataException(path, $"no array named '{name}'; the archive holds {Names(archive)}.");

    /// <summary>The whole array of <paramref name="entry"/>; <paramref name="source"/> names it in errors.</summary>
    internal static NpyArray ReadEntry(ZipArchiveEntry entry, string source)
    {
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return NpyReader.Parse(buffer.ToArray(), source);
    }

    /// <summary>The error for a file that is not a zip archive, or whose compressed data is damaged.</summary>
    internal static DataException NotAnArchive(string path, InvalidDataException e) =>
        new(path, $"not a valid .npz (zip) archive: {e.Message}", e);

    private static string Names(ZipArchive archive)
    {
        var names = archive.Entries.Where(e => e.Name.EndsWith(".npy", StringComparison.Ordinal)).Select(e => e.FullName[..^4]).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    /// <summary>Loads the arrays <paramref name="featuresKey"/> and (optionally) <paramref name="labelsKey"/> into a <see cref="Dataset"/>.</summary>
    public static Dataset LoadLabeled(string path, string featuresKey = "x", string? labelsKey = "y")
    {
        var arrays = Read(path);
        NpyArray Get(string key) => arrays.TryGetValue(key, out var array) ? array
            : throw new DataException(path, $"no array named '{key}'; the archive holds {(arrays.Count == 0 ? "none" : string.Join(", ", arrays.Keys))}.");
        return NpyReader.ToDataset(Get(featuresKey), labelsKey is null ? null : Get(labelsKey), Path.GetFileName(path));
    }
}
