using System.Text.Json.Nodes;
using Pretrain.Pretraining.Data.Shards;
using Pretrain.Pretraining.IO;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Data.Shards;

public sealed class BadShardTests : TempFolder
{
    private string Set(bool labeled = true)
    {
        var folder = PathOf("set");
        var (features, labels) = ShardFiles.Write(folder, rows: 100, rowsPerShard: 40, labeled);
        features.Dispose();
        labels.Dispose();
        return folder;
    }

    private static void EditManifest(string folder, Action<JsonObject> edit)
    {
        var path = Path.Combine(folder, ShardManifest.FileName);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    private static void Refused(string folder, string message, bool verify = false) =>
        FluentActions.Invoking(() => ShardSet.Open(folder, verify)).Should().Throw<DataException>().WithMessage(message);

    [Fact]
    public void A_folder_without_a_manifest_is_refused_naming_the_manifest()
    {
        var folder = Set();
        File.Delete(Path.Combine(folder, ShardManifest.FileName));
        Refused(folder, $"{Path.Combine(folder, "shards.json")}: not found*incomplete*");
        Refused(PathOf("nowhere"), "*nowhere: shard folder not found.");
    }

    [Fact]
    public void A_cut_short_shard_is_refused_naming_the_shard()
    {
        var folder = Set();
        var shard = Path.Combine(folder, "shard-00001.x.npy");
        var bytes = File.ReadAllBytes(shard);
        File.WriteAllBytes(shard, bytes[..^100]);
        Refused(folder, $"{shard}: truncated data*");
    }

    [Fact]
    public void A_shard_of_another_shape_or_dtype_is_refused_naming_it()
    {
        var folder = Set();
        var shard = Path.Combine(folder, "shard-00002.x.npy");
        using (var other = zeros([20, 4, 4]))
            NpyWriter.Write(shard, other);
        Refused(folder, $"{shard}: expected shape [20, 4, 5] (from shards.json), received [20, 4, 4].");

        var labels = Path.Combine(folder, "shard-00000.y.npy");
        using (var floats = zeros([40], ScalarType.Float64))
            NpyWriter.Write(labels, floats);
        Refused(folder, $"{labels}: expected dtype <i8, received <f8.");
    }

    [Fact]
    public void A_manifest_that_disagrees_with_itself_or_points_outside_the_folder_is_refused_naming_the_field()
    {
        var folder = Set();
        var manifest = Path.Combine(folder, ShardManifest.FileName);
        EditManifest(folder, m => m["rows"] = 99);
        Refused(folder, $"{manifest}: rows: the shards hold 100 rows in all, the manifest says 99.");
        EditManifest(folder, m => { m["rows"] = 100; m["shards"]![0]!["features"] = "../elsewhere.npy"; });
        Refused(folder, $"{manifest}: shards[0].features: expected a file name inside the folder, received '../elsewhere.npy'.");
        EditManifest(folder, m => { m["shards"]![0]!["features"] = "shard-00000.x.npy"; m["surprise"] = 1; });
        Refused(folder, $"{manifest}: not a valid shard manifest*surprise*");
        File.WriteAllText(manifest, "{ not json");
        Refused(folder, $"{manifest}: not a valid shard manifest*");
    }

    [Fact]
    public void A_modified_shard_fails_its_checksum_when_checked_and_bad_labels_are_refused_when_read()
    {
        var folder = Set();
        var shard = Path.Combine(folder, "shard-00001.x.npy");
        var bytes = File.ReadAllBytes(shard);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(shard, bytes);
        Refused(folder, $"{shard}: checksum mismatch*", verify: true);

        var labels = Path.Combine(folder, "shard-00002.y.npy");
        using (var wrong = full([20], 7L, ScalarType.Int64))
            NpyWriter.Write(labels, wrong);
        EditManifest(folder, m => m["shards"]![2]!["labelsBytes"] = new FileInfo(labels).Length);
        var set = ShardSet.Open(folder);
        FluentActions.Invoking(() => set.ReadAll()).Should().Throw<DataException>()
            .WithMessage($"{labels}: labels must lie in 0..2 (the manifest's class count), received values from 7 to 7.");
    }

    [Fact]
    public void A_shard_holding_NaN_is_refused_naming_it_at_every_read_while_good_shards_read_again()
    {
        var folder = Set();
        var shard = Path.Combine(folder, "shard-00001.x.npy");
        using (var values = zeros([40, 4, 5], ScalarType.Float32))
        {
            values[3, 1, 2] = tensor(float.NaN);
            NpyWriter.Write(shard, values);
        }
        var set = ShardSet.Open(folder);

        for (var read = 0; read < 2; read++)
        {
            FluentActions.Invoking(() => set.ReadShard(1)).Should().Throw<DataException>($"read {read + 1} of the bad shard")
                .WithMessage($"{shard}: 1 NaN or infinite value(s)*");
            var (features, labels) = set.ReadShard(0);
            features.Dispose();
            labels?.Dispose();
        }
    }
}
