using System.Text.Json;
using Google.Protobuf;
using Pretrain.FineTuning.Catalog;
using Pretrain.FineTuning.Models;
using Pretrain.Pretraining;
using Pretrain.Pretraining.IO;

namespace Pretrain.FineTuning.Export;

/// <summary>
/// Exports a saved network (<see cref="SavedNetwork"/>) to a file other runtimes load: ONNX (<see cref="OnnxExporter"/>,
/// raw inputs in, scaling included), or the weights alone as safetensors or NumPy <c>.npz</c> with PyTorch's names and
/// <c>[out, in]</c> layout. A text model (<see cref="TextNetworkManifest"/>) exports the same three ways, its ONNX graph
/// taking token ids (<see cref="OnnxTextExporter"/>). What <c>pretrain export</c> does; documented in docs/export.md.
/// </summary>
public static class NetworkExporter
{
    /// <summary>Parses <c>onnx</c>, <c>safetensors</c> or <c>npz</c> (any case); anything else is a <see cref="PretrainException"/>.</summary>
    public static ExportFormat ParseFormat(string format) => format?.ToLowerInvariant() switch
    {
        "onnx" => ExportFormat.Onnx,
        "safetensors" => ExportFormat.SafeTensors,
        "npz" => ExportFormat.Npz,
        _ => throw new PretrainException($"--format: expected onnx, safetensors or npz, received '{format}'."),
    };

    /// <summary>The file extension of <paramref name="format"/>, with its dot.</summary>
    public static string Extension(ExportFormat format) => format switch
    {
        ExportFormat.Onnx => ".onnx",
        ExportFormat.SafeTensors => ".safetensors",
        _ => ".npz",
    };

    /// <summary>
    /// The default output file for <paramref name="model"/> (a run folder, a manifest or <c>catalog:NAME</c>): the
    /// model's name (catalog name, folder name, or the manifest's name unless it is <c>network.json</c>) plus the
    /// format's extension, in the current folder.
    /// </summary>
    public static string DefaultOutput(string model, ExportFormat format)
    {
        ArgumentNullException.ThrowIfNull(model);
        var name = ModelCatalog.NameIn(model) ?? NameOf(model);
        return name + Extension(format);
    }

    /// <summary>
    /// Loads <paramref name="model"/> (resolved as <c>pretrain predict</c> does) and writes it to <paramref name="outputPath"/>
    /// in <paramref name="format"/>, atomically; returns the full output path.
    /// </summary>
    /// <param name="model">A run folder holding <c>network.json</c>, a manifest, or <c>catalog:NAME</c>.</param>
    /// <param name="format">The output format.</param>
    /// <param name="outputPath">Where to write.</param>
    /// <param name="probabilities">ONNX only: also output the softmax of the logits (default true).</param>
    public static string Export(string model, ExportFormat format, string outputPath, bool probabilities = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(outputPath);
        var manifestPath = SavedNetwork.ManifestPathOf(ModelCatalog.ResolveStack(model));
        if (NetworkManifestReader.KindOf(manifestPath) == TextNetworkManifest.Kind)
        {
            TextNetworkExporter.Export(manifestPath, format, outputPath, probabilities);
            return Path.GetFullPath(outputPath);
        }
        using var network = SavedNetwork.Load(manifestPath);
        var manifest = network.Manifest;
        switch (format)
        {
            case ExportFormat.Onnx:
                var onnx = OnnxExporter.Build(network.Module, network.InputFeatures, manifest.Scaling, manifest.Classes, manifest.Input.Shape, probabilities);
                AtomicFile.Write(outputPath, stream => onnx.WriteTo(stream));
                break;
            case ExportFormat.SafeTensors:
                // The metadata carries what a reader needs besides the weights to reproduce predict's outputs.
                SafeTensorsFile.Write(outputPath, network.Module.state_dict(), new Dictionary<string, string>
                {
                    ["layout"] = "out,in",
                    ["writer"] = "Pretrain",
                    ["classes"] = JsonSerializer.Serialize(manifest.Classes),
                    ["inputShape"] = JsonSerializer.Serialize(manifest.Input.Shape),
                    ["scaling"] = JsonSerializer.Serialize(manifest.Scaling, NetworkManifest.SerializerOptions),
                    ["architecture"] = JsonSerializer.Serialize(manifest.Architecture, NetworkManifest.SerializerOptions),
                });
                break;
            case ExportFormat.Npz:
                NpyWriter.WriteNpz(outputPath, network.Module.state_dict());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "unknown export format");
        }
        return Path.GetFullPath(outputPath);
    }

    private static string NameOf(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        if (Directory.Exists(full) || string.Equals(Path.GetFileName(full), SavedNetwork.ManifestFileName, StringComparison.Ordinal))
            return Path.GetFileName(Directory.Exists(full) ? full : Path.GetDirectoryName(full)!) is { Length: > 0 } folder ? folder : "network";
        return Path.GetFileNameWithoutExtension(full);
    }
}
