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
                using var stream = entry.Open();
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                var name = entry.FullName[..^4];
                arrays[name] = NpyReader.Parse(buffer.ToArray(), $"{path}[{name}]");
            }
            return arrays;
        }
        catch (InvalidDataException e)
        {
            throw new DataException(path, $"not a valid .npz (zip) archive: {e.Message}", e);
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
            throw new DataException(path, $"not a valid .npz (zip) archive: {e.Message}", e);
        }
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
