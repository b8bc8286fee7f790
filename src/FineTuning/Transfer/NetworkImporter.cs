using Pretrain.FineTuning.Catalog;
using Pretrain.FineTuning.Models;
using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Transfer;

/// <summary>
/// Turns a weight file from another framework (safetensors or <c>.npz</c>) into a saved network (an MLP, or a CNN when
/// the lowest hidden weights are 4-D kernels) in the model catalog:
/// the <see cref="NameMapping"/> rules rename (and, for <see cref="WeightLayout.InOut"/>, transpose) its tensors, the
/// mapped names and shapes give the architecture (<see cref="ImportArchitecture"/>), every tensor is checked against
/// the network built from it, and the result is saved with no input scaling. What <c>pretrain import</c> does.
/// </summary>
public static class NetworkImporter
{
    /// <summary>
    /// Imports <paramref name="file"/> into <paramref name="catalog"/> as <paramref name="name"/> and returns the report.
    /// A file that does not define the whole network (a mismatched tensor, a parameter no tensor maps to) is an
    /// <see cref="ImportException"/> carrying the report; nothing is added then.
    /// </summary>
    public static ImportReport Import(string file, IReadOnlyList<NameMapping> mappings, ModelCatalog catalog, string name, ImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(mappings);
        ArgumentNullException.ThrowIfNull(catalog);
        options ??= new ImportOptions();
        using var foreign = ForeignWeights.Read(file);
        using var scope = NewDisposeScope();
        var mapped = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var sources = new Dictionary<string, ImportedTensor>(StringComparer.Ordinal);
        var skipped = new List<ImportedTensor>();
        var mismatched = new List<ImportedTensor>();
        foreach (var (foreignName, tensor) in foreign.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (NameMapping.Apply(mappings, foreignName, out var rule) is not { } target || rule is null)
            {
                skipped.Add(new(foreignName, null, tensor.shape));
                continue;
            }
            if (sources.TryGetValue(target, out var first))
            {
                mismatched.Add(new(foreignName, target, tensor.shape, $"{first.Source} maps to {target} already."));
                continue;
            }
            sources[target] = new(foreignName, target, tensor.shape);
            mapped[target] = rule.Layout == WeightLayout.InOut && tensor.dim() == 2 ? tensor.t() : tensor;
        }

        var spec = ImportArchitecture.Infer(file, mapped, options);
        using var network = MlpBuilder.Build(spec, seed: 0);
        var state = network.state_dict();
        var matched = new List<ImportedTensor>();
        using (no_grad())
        {
            foreach (var (target, value) in mapped)
            {
                var problem = Copy(state, target, value);
                (problem is null ? matched : mismatched).Add(sources[target] with { Problem = problem });
            }
        }
        // num_batches_tracked only counts training steps; inference does not read it.
        var missing = state.Keys.Where(k => !mapped.ContainsKey(k) && !k.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).ToList();
        var report = new ImportReport(file, matched.OrderBy(m => m.Source, StringComparer.Ordinal).ToList(), skipped, mismatched, missing);
        if (!report.Complete)
            throw new ImportException(report, $"{file}: the mapped tensors do not define the whole {Describe(spec)} network; nothing was imported.");

        network.eval();
        Save(network, spec, report, catalog, name, options);
        return report;
    }

    /// <summary>Copies <paramref name="value"/> into the parameter <paramref name="target"/>; returns the problem, or null on success.</summary>
    private static string? Copy(Dictionary<string, Tensor> state, string target, Tensor value)
    {
        if (!state.TryGetValue(target, out var into))
            return $"the {target.Split('.')[0]} layer of this architecture has no tensor {target}; it has {string.Join(", ", state.Keys.Where(k => k.Split('.')[0] == target.Split('.')[0]).DefaultIfEmpty("none"))}.";
        if (into.is_floating_point() && !value.is_floating_point())
            return $"dtype {value.dtype}; expected a floating-point type.";
        if (!into.shape.SequenceEqual(value.shape))
            return $"shape [{string.Join(", ", value.shape)}] (as [out, in]) but the architecture needs [{string.Join(", ", into.shape)}].";
        into.copy_(value.to(into.dtype));
        return null;
    }

    private static void Save(nn.Module network, MlpSpec spec, ImportReport report, ModelCatalog catalog, string name, ImportOptions options)
    {
        var shape = options.InputShape ?? [spec.InputFeatures];
        if (shape.Count == 0 || shape.Any(d => d <= 0) || shape.Aggregate(1.0, (a, d) => a * d) != spec.InputFeatures)
            throw new PretrainException($"--input-shape: expected positive sizes whose product is the file's input width {spec.InputFeatures}, received [{string.Join(", ", shape)}].");
        if (options.Classes is { } classes && classes.Count != spec.ClassCount)
            throw new PretrainException($"--classes: the file's head has {spec.ClassCount} outputs, received {classes.Count} names.");
        var temp = Directory.CreateTempSubdirectory("pretrain-import-").FullName;
        try
        {
            SavedNetworkWriter.Save(network, spec, shape, new ScalerState("none", [0f], [1f]), options.Classes, Path.Combine(temp, "network.safetensors"));
            catalog.AddNetwork(new CatalogEntry
            {
                Name = name,
                Task = options.Task ?? $"imported from {Path.GetFileName(report.File)} ({Describe(spec)})",
                Created = DateTimeOffset.UtcNow,
            }, temp);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary><c>7-6-4-3 elu batch-norm</c>, or for a CNN <c>2x8x8-conv4-conv3-6-3 relu</c>.</summary>
    private static string Describe(MlpSpec spec)
    {
        var input = spec.Convolutions.Count == 0
            ? [spec.InputFeatures.ToString(System.Globalization.CultureInfo.InvariantCulture)]
            : spec.Convolutions.Select(c => $"conv{c.Channels}").Prepend(string.Join("x", spec.ImageShape!));
        var layers = input.Concat(spec.HiddenLayers.Append(spec.ClassCount).Select(w => w.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return $"{string.Join("-", layers)} {spec.Activation.ToString().ToLowerInvariant()}{(spec.BatchNorm ? " batch-norm" : "")}";
    }
}

/// <summary>An import that was refused; <see cref="Report"/> says what happened to each tensor.</summary>
public sealed class ImportException : PretrainException
{
    /// <summary>A refusal with its report.</summary>
    public ImportException(ImportReport report, string message) : base(message) => Report = report;

    /// <summary>What happened to each tensor.</summary>
    public ImportReport Report { get; }
}
