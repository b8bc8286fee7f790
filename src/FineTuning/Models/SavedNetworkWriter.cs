using System.Text.Json;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Transfer;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.IO;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Models;

/// <summary>
/// Saves a trained network so that <see cref="SavedNetwork.Load"/> can use it anywhere: the weights
/// (<c>NAME.safetensors</c>, PyTorch's <c>[out, in]</c> layout) first, then the manifest <c>NAME.json</c> beside them,
/// each atomically, so a crash leaves either no manifest or one that matches its weights.
/// </summary>
public static class SavedNetworkWriter
{
    /// <summary>
    /// Writes <paramref name="network"/> (built from <paramref name="spec"/>) to <paramref name="weightsPath"/>
    /// (a <c>.safetensors</c> path) and its manifest next to it; returns the manifest's path.
    /// </summary>
    /// <param name="network">The trained module.</param>
    /// <param name="spec">Its architecture.</param>
    /// <param name="inputShape">The shape of one raw example (its product is the spec's input features).</param>
    /// <param name="scaling">The scaling fitted on the training data.</param>
    /// <param name="classNames">One name per class, or null for <c>"0"</c>..<c>"C-1"</c>.</param>
    /// <param name="weightsPath">Where the weights go.</param>
    public static string Save(nn.Module network, MlpSpec spec, IReadOnlyList<long> inputShape, ScalerState scaling, IReadOnlyList<string>? classNames, string weightsPath)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(scaling);
        ArgumentNullException.ThrowIfNull(weightsPath);
        var names = classNames is { } given && given.Count == spec.ClassCount
            ? given.ToArray()
            : Enumerable.Range(0, spec.ClassCount).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        WeightTransfer.Export(network, weightsPath);
        var manifest = new NetworkManifest
        {
            Architecture = NetworkArchitecture.From(spec),
            Input = new NetworkInput(inputShape.ToArray(), "float32"),
            Scaling = scaling,
            Classes = names,
            Weights = new NetworkWeights(Path.GetFileName(weightsPath), FileChecksum.Sha256(weightsPath)),
            Created = DateTimeOffset.UtcNow,
            WrittenBy = $"Pretrain {typeof(SavedNetworkWriter).Assembly.GetName().Version}",
        };
        var manifestPath = Path.ChangeExtension(weightsPath, ".json");
        AtomicFile.WriteAllText(manifestPath, JsonSerializer.Serialize(manifest, NetworkManifest.SerializerOptions));
        return manifestPath;
    }
}
