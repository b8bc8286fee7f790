using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using Pretrain.Pretraining.IO;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Models;

/// <summary>
/// A trained network loaded from its manifest (<c>network.json</c>) and weights alone, with no recipe and no training
/// data: the module is built from the manifest's architecture, the weights are checked against its SHA-256 and
/// imported, and raw inputs are scaled with the statistics fitted at training time before the first layer.
/// </summary>
/// <example>
/// <code>
/// using var network = SavedNetwork.Load("runs/quickstart-20261122-153012");   // or .../network.json
/// using var probabilities = network.PredictProbabilities(rawInputs);          // float32 [N, 784] -> [N, 10]
/// </code>
/// </example>
public sealed class SavedNetwork : IDisposable
{
    /// <summary>The manifest's file name in a run folder.</summary>
    public const string ManifestFileName = "network.json";

    private readonly Tensor _offset;
    private readonly Tensor _scale;

    private SavedNetwork(string manifestPath, NetworkManifest manifest, Sequential module, Device device)
    {
        ManifestPath = manifestPath;
        Manifest = manifest;
        Module = module;
        Device = device;
        _offset = tensor(manifest.Scaling.Offset.ToArray(), device: device).DetachFromDisposeScope();
        _scale = tensor(manifest.Scaling.Scale.ToArray(), device: device).DetachFromDisposeScope();
    }

    /// <summary>The manifest file the network was loaded from.</summary>
    public string ManifestPath { get; }

    /// <summary>The checked manifest.</summary>
    public NetworkManifest Manifest { get; }

    /// <summary>The network (in eval mode, on <see cref="Device"/>); it takes scaled inputs and returns logits.</summary>
    public Sequential Module { get; }

    /// <summary>Where the module and its scaling statistics live.</summary>
    public Device Device { get; }

    /// <summary>The class names, in logit order.</summary>
    public IReadOnlyList<string> ClassNames => Manifest.Classes;

    /// <summary>Input width D (the product of the input shape).</summary>
    public int InputFeatures => Manifest.Architecture.InputFeatures;

    /// <summary>The architecture as an <see cref="MlpSpec"/>.</summary>
    public MlpSpec Spec => Manifest.Architecture.ToSpec();

    /// <summary>The manifest path for <paramref name="path"/>: a manifest file itself, or a folder holding <c>network.json</c>.</summary>
    public static string ManifestPathOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Directory.Exists(path) ? Path.Combine(path, ManifestFileName) : path;
    }

    /// <summary>
    /// Loads the network at <paramref name="path"/> (a manifest file or a folder holding <c>network.json</c>) onto
    /// <paramref name="device"/> (CPU by default). A bad manifest, a missing, modified or mismatched weights file is a
    /// <see cref="DataException"/> naming the file and the field or tensor.
    /// </summary>
    public static SavedNetwork Load(string path, Device? device = null)
    {
        var manifestPath = ManifestPathOf(path);
        var manifest = NetworkManifestReader.Read(manifestPath);
        var weightsPath = NetworkManifestReader.WeightsPath(manifestPath, manifest);
        FileChecksum.Verify(weightsPath, manifest.Weights.Sha256);
        var module = MlpBuilder.Build(manifest.Architecture.ToSpec(), seed: 0);
        try
        {
            ImportWeights(module, weightsPath);
            module.to(device ?? CPU);
            module.eval();
            return new SavedNetwork(Path.GetFullPath(manifestPath), manifest, module, device ?? CPU);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    /// <summary>Scales raw float32 <c>[N, D]</c> inputs as at training time; the result is on <see cref="Device"/>.</summary>
    public Tensor Scale(Tensor raw)
    {
        CheckInput(raw);
        using var scope = NewDisposeScope();
        return ((raw.to(Device) - _offset) / _scale).MoveToOuterDisposeScope();
    }

    /// <summary>Class probabilities <c>[N, C]</c> (softmax of the logits, on <see cref="Device"/>) for raw float32 <c>[N, D]</c> inputs.</summary>
    public Tensor PredictProbabilities(Tensor raw)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return nn.functional.softmax(Module.forward(Scale(raw)), 1).MoveToOuterDisposeScope();
    }

    /// <summary>Loss, accuracy and confusion matrix on labeled raw data (scaled here; <paramref name="raw"/> is unchanged).</summary>
    public ClassificationReport Evaluate(Dataset raw, int batchSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(raw);
        CheckInput(raw.Features);
        using var scope = NewDisposeScope();
        var scaled = Scale(raw.Features);
        using var data = new Dataset(scaled, raw.Labels?.to(Device, copy: true), raw.SampleShape, raw.Source, Math.Max(raw.ClassCount, Manifest.Architecture.ClassCount));
        return ClassificationEvaluator.Evaluate(Module, data, Device, batchSize);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Module.Dispose();
        _offset.Dispose();
        _scale.Dispose();
    }

    private void CheckInput(Tensor raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (raw.dim() != 2 || raw.shape[1] != InputFeatures || raw.dtype != ScalarType.Float32)
            throw new PretrainException($"{ManifestPath}: the network takes float32 [N, {InputFeatures}] inputs (examples of shape [{string.Join(", ", Manifest.Input.Shape)}]), received {raw.dtype} [{string.Join(", ", raw.shape)}].");
    }

    /// <summary>Copies every tensor of the module's state from the file: same names, shapes and dtypes, nothing missing or extra.</summary>
    private static void ImportWeights(Sequential module, string weightsPath)
    {
        using var content = SafeTensorsFile.Read(weightsPath);
        var state = module.state_dict();
        using var _ = no_grad();
        foreach (var (name, into) in state)
        {
            if (!content.Tensors.TryGetValue(name, out var source))
                throw new DataException(weightsPath, $"tensor '{name}' is missing; the manifest's architecture needs it.");
            if (!source.shape.SequenceEqual(into.shape) || source.dtype != into.dtype)
                throw new DataException(weightsPath, $"tensor '{name}': the manifest's architecture needs {into.dtype} [{string.Join(", ", into.shape)}], the file has {source.dtype} [{string.Join(", ", source.shape)}].");
            into.copy_(source);
        }
        var extra = content.Tensors.Keys.Where(k => !state.ContainsKey(k)).ToList();
        if (extra.Count > 0)
            throw new DataException(weightsPath, $"tensors {string.Join(", ", extra)} are not part of the manifest's architecture.");
    }
}
