using System.Text.Json.Nodes;
using CsCheck;
using Pretrain.FineTuning.Models;
using Pretrain.Pretraining;

namespace Pretrain.FineTuning.Tests.Models;

/// <summary>
/// Random damage to a valid manifest (any field set to a random value of any JSON type, removed, or the text cut
/// short): loading ends in a <see cref="DataException"/> naming the manifest or the weights file, never in another
/// exception or in a module larger than the weights file.
/// </summary>
public sealed class NetworkManifestProperties : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("manifest-prop-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly string[] Fields =
    [
        "format", "version", "architecture", "architecture.kind", "architecture.inputFeatures", "architecture.hiddenLayers",
        "architecture.classCount", "architecture.activation", "architecture.activationAlpha", "architecture.dropout",
        "architecture.batchNorm", "input", "input.shape", "input.dtype", "scaling", "scaling.kind", "scaling.offset", "scaling.scale",
        "classes", "weights", "weights.file", "weights.sha256",
    ];

    private static readonly Gen<string> Value = Gen.Frequency(
        (3, Gen.OneOf("null", "0", "-1", "1", "3", "6", "2147483647", "9223372036854775807", "1e400", "0.5", "true", "\"\"", "\"mlp\"", "\"relu\"",
            "\"float32\"", "\"standardize\"", "{}", "[]", "[0]", "[2147483647, 2147483647]", "[4611686018427387904, 2]", "[-1]", "[\"0\", \"0\", \"0\"]",
            "\"network.safetensors\"", "\"/etc/passwd\"", "\"..\"")),
        (1, Gen.Int.Array[0, 4].Select(a => $"[{string.Join(",", a)}]")),
        (1, Gen.String[0, 8].Select(s => System.Text.Json.JsonSerializer.Serialize(s))));

    private static readonly Gen<(string Field, string? Value, double Cut)> Damage = Gen.Select(
        Gen.Int[0, Fields.Length - 1].Select(i => Fields[i]), Gen.Frequency((6, Value.Select(v => (string?)v)), (1, Gen.Const((string?)null))), Gen.Double[0, 1.2],
        (field, value, cut) => (field, (string?)value, cut));

    [Fact]
    public void Any_damaged_manifest_loads_or_is_refused_with_a_data_exception_naming_the_file()
    {
        using var _ = SavedNetworkFiles.Save(_folder);
        var manifest = Path.Combine(_folder, "network.json");
        var good = File.ReadAllText(manifest);
        Damage.Sample(damage =>
        {
            var json = JsonNode.Parse(good)!.AsObject();
            var parts = damage.Field.Split('.');
            var parent = parts[..^1].Aggregate((JsonNode)json, (node, part) => node[part]!).AsObject();
            if (damage.Value is null)
                parent.Remove(parts[^1]);
            else
                parent[parts[^1]] = JsonNode.Parse(damage.Value);
            var text = json.ToJsonString();
            File.WriteAllText(manifest, damage.Cut < 1 ? text[..(int)(text.Length * damage.Cut)] : text);

            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                using var loaded = SavedNetwork.Load(_folder);
                loaded.Manifest.Architecture.InputFeatures.Should().Be(6);
            }
            catch (DataException e)
            {
                e.FilePath.Should().BeOneOf(manifest, Path.Combine(_folder, "network.safetensors"), Path.Combine(_folder, "passwd"));
            }
            (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(8L * 1024 * 1024);
        }, iter: 300, threads: 1);
    }
}
