using System.Text.Json;
using Pretrain.Pretraining.IO;
using Pretrain.Pretraining.Layers;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Stacks;

/// <summary>
/// Saves and loads <see cref="PretrainedStack"/>s as a folder: <c>stack.json</c> plus <c>layerK.safetensors</c>.
/// Layer files are written first and the manifest last, each atomically, so the manifest is the commit point: a
/// crash leaves the previous complete stack, never a half-written one. Loading checks the format, every checksum
/// and every shape, and fails with a <see cref="DataException"/> naming the file.
/// </summary>
public static class StackStore
{
    /// <summary>The manifest's file name inside a stack folder.</summary>
    public const string ManifestFileName = "stack.json";

    /// <summary>True when <paramref name="folder"/> holds a stack manifest.</summary>
    public static bool Exists(string folder) => File.Exists(Path.Combine(folder, ManifestFileName));

    /// <summary>Writes <paramref name="stack"/> into <paramref name="folder"/> (created if needed).</summary>
    public static void Save(PretrainedStack stack, string folder)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(folder);
        Directory.CreateDirectory(folder);
        var entries = new List<StackLayerEntry>();
        for (var i = 0; i < stack.Layers.Count; i++)
        {
            var layer = stack.Layers[i];
            var name = $"layer{i + 1}";
            var file = $"{name}.safetensors";
            var tensors = new Dictionary<string, Tensor> { ["encoder.weight"] = layer.Weight, ["encoder.bias"] = layer.Bias };
            foreach (var (extra, tensor) in layer.Extras)
                tensors[extra] = tensor;
            var path = Path.Combine(folder, file);
            SafeTensorsFile.Write(path, tensors, new Dictionary<string, string> { ["kind"] = layer.Kind, ["layer"] = name });
            entries.Add(new StackLayerEntry
            {
                Name = name, Kind = layer.Kind, InputSize = layer.InputSize, OutputSize = layer.OutputSize,
                InputShape = layer.InputShape, OutputShape = layer.OutputShape, Convolution = layer.Convolution,
                Activation = layer.Activation, File = file, Sha256 = FileChecksum.Sha256(path), Settings = stack.Settings[i],
                Metrics = layer.Metrics.Where(m => double.IsFinite(m.Value)).ToDictionary(m => m.Key, m => m.Value),
            });
        }
        var manifest = new StackManifest
        {
            Version = StackManifest.VersionFor(stack.Layers.Select(l => l.Convolution)),
            InputShape = stack.InputShape, InputFeatures = stack.InputFeatures, Normalization = stack.Normalization,
            Layers = entries, Created = DateTimeOffset.UtcNow,
            WrittenBy = $"Pretrain {typeof(StackStore).Assembly.GetName().Version}",
        };
        AtomicFile.WriteAllText(Path.Combine(folder, ManifestFileName), JsonSerializer.Serialize(manifest, StackManifest.SerializerOptions));
    }

    /// <summary>Reads the manifest of the stack in <paramref name="folder"/> without loading weights, validating its format.</summary>
    public static StackManifest ReadManifest(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var path = Path.Combine(folder, ManifestFileName);
        if (!File.Exists(path))
            throw new DataException(path, Directory.Exists(folder) ? "no stack manifest in this folder." : "stack folder not found.");
        StackManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<StackManifest>(File.ReadAllText(path), StackManifest.SerializerOptions);
        }
        catch (JsonException e)
        {
            throw new DataException(path, $"not a valid stack manifest: {e.Message}", e);
        }
        if (manifest is null || manifest.Format != StackManifest.FormatName)
            throw new DataException(path, $"format: expected '{StackManifest.FormatName}', received '{manifest?.Format}'.");
        if (manifest.Version > StackManifest.CurrentVersion)
            throw new DataException(path, $"version: this Pretrain reads stack format up to {StackManifest.CurrentVersion}, the file has {manifest.Version}.");
        StackValidation.CheckChain(path, manifest);
        return manifest;
    }

    /// <summary>Loads the stack in <paramref name="folder"/> onto <paramref name="device"/> (CPU by default), verifying checksums and shapes.</summary>
    public static PretrainedStack Load(string folder, Device? device = null)
    {
        var manifest = ReadManifest(folder);
        var stack = new PretrainedStack(manifest.InputShape, manifest.Normalization);
        try
        {
            foreach (var entry in manifest.Layers)
                stack.Add(LoadLayer(folder, entry, device ?? CPU), entry.Settings);
        }
        catch
        {
            stack.Dispose();
            throw;
        }
        return stack;
    }

    private static PretrainedLayer LoadLayer(string folder, StackLayerEntry entry, Device device)
    {
        var path = Path.Combine(folder, entry.File);
        if (!File.Exists(path))
            throw new DataException(path, $"weights of {entry.Name} not found.");
        var actual = FileChecksum.Sha256(path);
        if (!string.Equals(actual, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new DataException(path, $"checksum mismatch: the manifest expects SHA-256 {entry.Sha256}, the file has {actual} (modified or cut short).");
        using var content = SafeTensorsFile.Read(path);
        var extras = content.Tensors.Where(t => t.Key is not ("encoder.weight" or "encoder.bias"))
            .ToDictionary(t => t.Key, t => t.Value.to(device));
        if (entry.Convolution is not { } geometry)
        {
            var weight = StackValidation.Expect(path, content, "encoder.weight", [entry.OutputSize, entry.InputSize]);
            var bias = StackValidation.Expect(path, content, "encoder.bias", [entry.OutputSize]);
            return new PretrainedLayer(entry.Kind, weight.to(device), bias.to(device), entry.Activation, extras, entry.Metrics);
        }
        return LoadConvolution(path, entry, geometry, content, extras, device);
    }

    private static PretrainedLayer LoadConvolution(string path, StackLayerEntry entry, ConvolutionGeometry geometry, SafeTensorsContent content,
        Dictionary<string, Tensor> extras, Device device)
    {
        if (entry.InputShape is not { Count: 3 } input || entry.OutputShape is not { Count: 3 } output)
            throw new DataException(path, $"{entry.Name}: a convolutional layer needs inputShape and outputShape [C, H, W] in the manifest.");
        var weight = StackValidation.Expect(path, content, "encoder.weight", [output[0], input[0], geometry.Kernel, geometry.Kernel]);
        var bias = StackValidation.Expect(path, content, "encoder.bias", [output[0]]);
        PretrainedLayer layer;
        try
        {
            layer = new PretrainedLayer(entry.Kind, weight.to(device), bias.to(device), entry.Activation, geometry, input, extras, entry.Metrics);
        }
        catch (ArgumentException e)
        {
            throw new DataException(path, $"{entry.Name}: {e.Message}", e);
        }
        if (!SampleShapes.Same(layer.OutputShape, output))
        {
            layer.Dispose();
            throw new DataException(path, $"{entry.Name}: the manifest says outputShape {SampleShapes.Format(output)} but the convolution gives {SampleShapes.Format(layer.OutputShape)}.");
        }
        return layer;
    }
}
