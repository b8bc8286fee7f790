using System.Text.Json;
using System.Text.Json.Serialization;
using Pretrain.Pretraining.IO;

namespace Pretrain.Pretraining.Data.Shards;

/// <summary>Reads and writes <c>shards.json</c>; a manifest that cannot be used is refused naming the file and the field.</summary>
internal static class ShardManifestFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
    };

    public static string PathIn(string folder) => System.IO.Path.Combine(folder, ShardManifest.FileName);

    public static void Write(string folder, ShardManifest manifest) =>
        AtomicFile.WriteAllText(PathIn(folder), JsonSerializer.Serialize(manifest, Json));

    public static ShardManifest Read(string folder)
    {
        var path = PathIn(folder);
        if (!Directory.Exists(folder))
            throw new DataException(folder, "shard folder not found.");
        if (!File.Exists(path))
            throw new DataException(path, $"not found: a shard folder has a {ShardManifest.FileName} (written last, so a folder without one is incomplete; write it with 'pretrain data shard').");
        ShardManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ShardManifest>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new DataException(path, $"not a valid shard manifest: {e.Message}", e);
        }
        if (manifest is null)
            throw new DataException(path, "not a valid shard manifest: empty.");
        Check(manifest, path);
        return manifest;
    }

    private static void Check(ShardManifest m, string path)
    {
        void Require(bool ok, string field, string message)
        {
            if (!ok)
                throw new DataException(path, $"{field}: {message}");
        }
        Require(m.Format == ShardManifest.FormatName, "format", $"expected '{ShardManifest.FormatName}', received '{m.Format}'.");
        Require(m.Version == 1, "version", $"expected 1, received {m.Version}.");
        Require(m.Dtype == "float32", "dtype", $"expected 'float32', received '{m.Dtype}'.");
        Require(m.SampleShape.Count > 0 && m.SampleShape.All(s => s > 0) && ShapeSize.TryByteCount(m.SampleShape, sizeof(float), out var rowBytes) && rowBytes <= int.MaxValue,
            "sampleShape", $"expected positive sizes, received [{string.Join(", ", m.SampleShape)}].");
        Require(m.Shards.Count > 0, "shards", "expected at least one shard, received none.");
        Require(m.Rows == m.Shards.Sum(s => s.Rows), "rows", $"the shards hold {m.Shards.Sum(s => s.Rows)} rows in all, the manifest says {m.Rows}.");
        Require(!m.Labeled || m.ClassCount is > 0, "classCount", $"labeled shards need a positive class count, received {(m.ClassCount is int c ? c.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")}.");
        Require(m.ClassNames is null || m.ClassNames.Count == m.ClassCount, "classNames", $"expected {m.ClassCount} names (one per class), received {m.ClassNames?.Count}.");
        for (var i = 0; i < m.Shards.Count; i++)
        {
            var s = m.Shards[i];
            Require(s.Rows > 0, $"shards[{i}].rows", $"expected a positive integer, received {s.Rows}.");
            Require(IsPlainName(s.Features), $"shards[{i}].features", $"expected a file name inside the folder, received '{s.Features}'.");
            Require(m.Labeled == (s.Labels is not null), $"shards[{i}].labels", m.Labeled ? "missing: the manifest says the shards are labeled." : "given, but the manifest says the shards are unlabeled.");
            Require(s.Labels is null || IsPlainName(s.Labels), $"shards[{i}].labels", $"expected a file name inside the folder, received '{s.Labels}'.");
        }
    }

    // A manifest names files in its own folder only, never ../elsewhere.
    private static bool IsPlainName(string name) =>
        !string.IsNullOrWhiteSpace(name) && name == System.IO.Path.GetFileName(name) && name is not "." and not "..";
}
