using System.Text.Json;
using Microsoft.Extensions.Logging;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Stacks;

namespace Pretrain.Pretraining.Greedy;

/// <summary>
/// Greedy layer-wise pretraining: layer 1 learns from the input, is frozen, and its outputs for the whole data set are
/// computed once into a cache; layer 2 learns from that cache, and so on. After every layer the stack so far is saved
/// to the checkpoint folder; a restarted run reloads the finished layers (rebuilding their caches) and never
/// retrains them.
/// </summary>
public sealed class GreedyPretrainer
{
    private readonly IReadOnlyList<LayerPlan> _plans;

    /// <summary>Plans a greedy run of <paramref name="plans"/>, lowest layer first.</summary>
    public GreedyPretrainer(IReadOnlyList<LayerPlan> plans)
    {
        ArgumentNullException.ThrowIfNull(plans);
        if (plans.Count == 0)
            throw new PretrainException("layers: expected at least one layer to pretrain, received none.");
        _plans = plans;
    }

    /// <summary>How frozen outputs are cached between layers.</summary>
    public FrozenOutputCache Cache { get; init; } = new();

    /// <summary>
    /// True (default): each frozen layer's outputs are computed once. False: every upper layer re-reads the raw input
    /// through all frozen layers on every pass (<see cref="RecomputedLayerInput"/>), which benchmarks use as the baseline.
    /// </summary>
    public bool CacheFrozenOutputs { get; init; } = true;

    /// <summary>The recipe path of the layer list, which errors start with. Default <c>layers</c>.</summary>
    public string Path { get; init; } = "layers";

    /// <summary>
    /// Checks that every layer fits the output of the one below for examples of <paramref name="inputShape"/> (e.g.
    /// <c>[28, 28]</c>), without training; returns each layer's output shape. A layer that does not fit is refused
    /// with a <see cref="PretrainException"/> naming it and the sizes, e.g.
    /// <c>layers[1]: kernel 5 does not fit a 3x3 input (after layer 0: 16x3x3).</c>
    /// </summary>
    public IReadOnlyList<IReadOnlyList<long>> Describe(IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        var shapes = new List<IReadOnlyList<long>>();
        var shape = inputShape;
        for (var k = 0; k < _plans.Count; k++)
        {
            try
            {
                shape = _plans[k].Trainer.Describe(shape);
            }
            catch (PretrainException e)
            {
                var below = k == 0 ? "input" : $"after layer {k - 1}";
                throw new PretrainException($"{Path}[{k}]: {e.Message.TrimEnd('.')} ({below}: {SampleShapes.Format(shape)}).", e);
            }
            shapes.Add(shape);
        }
        return shapes;
    }

    /// <summary>
    /// Runs the greedy pretraining on <paramref name="train"/> (and <paramref name="validation"/> for monitoring and
    /// early stopping), saving to and resuming from <paramref name="checkpointFolder"/> when given.
    /// </summary>
    /// <param name="train">Layer 1's inputs (already scaled).</param>
    /// <param name="validation">Validation inputs, or null.</param>
    /// <param name="inputShape">Shape of one input example, recorded in the stack.</param>
    /// <param name="normalization">The input scaler's state as JSON, recorded in the stack.</param>
    /// <param name="context">Device, seed, logger, cancellation.</param>
    /// <param name="checkpointFolder">Stack folder saved after every layer; null for no checkpoints.</param>
    /// <param name="callback">Receives every layer's epochs.</param>
    public PretrainedStack Run(ILayerInput train, ILayerInput? validation, IReadOnlyList<long> inputShape, JsonElement? normalization,
        RunContext context, string? checkpointFolder = null, ITrainingCallback? callback = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(inputShape);
        if (SampleShapes.Size(inputShape) != train.Width)
            throw new PretrainException($"{Path}: the input shape {SampleShapes.Format(inputShape)} holds {SampleShapes.Size(inputShape)} values but the examples have {train.Width}.");
        var shapes = Describe(inputShape);
        context.Logger.LogInformation("Greedy pretraining of {Count} layers: {Shapes}", _plans.Count,
            string.Join(" -> ", new[] { inputShape }.Concat(shapes).Select(SampleShapes.Format)));
        // Layer 1 sees the examples in their own shape (e.g. [28, 28] images), whatever shape the caller stored them in.
        train = ReshapedLayerInput.Of(train, inputShape);
        validation = validation is null ? null : ReshapedLayerInput.Of(validation, inputShape);

        var stack = ResumeOrStart(checkpointFolder, inputShape, normalization, context);
        ILayerInput trainInput = train, validationInput = validation!;
        try
        {
            for (var k = 0; k < _plans.Count; k++)
            {
                using var layerScope = context.Logger.BeginScope(new Dictionary<string, object> { ["Layer"] = k + 1 });
                if (k >= stack.Layers.Count)
                {
                    var plan = _plans[k];
                    var stage = $"layer {k + 1} ({plan.Trainer.Kind})";
                    context.Logger.LogInformation("Training {Stage}: {Inputs} -> {Outputs} on {Count} cached inputs", stage,
                        SampleShapes.Format(trainInput.SampleShape), SampleShapes.Format(shapes[k]), trainInput.Count);
                    var layer = plan.Trainer.Fit(trainInput, validation is null ? null : validationInput, context, stage, callback);
                    stack.Add(layer, plan.Settings);
                    if (checkpointFolder is not null)
                    {
                        StackStore.Save(stack, checkpointFolder);
                        context.Logger.LogInformation("Saved the stack of {Count} layers to {Folder}", stack.Layers.Count, checkpointFolder);
                    }
                }
                if (k == _plans.Count - 1)
                    break;
                // Encode once for the layer above; the previous cache (never the caller's input) is dropped.
                if (!CacheFrozenOutputs)
                {
                    var frozen = stack.Layers.Take(k + 1).ToList();
                    (trainInput, validationInput) = (new RecomputedLayerInput(train, frozen), validation is null ? null! : new RecomputedLayerInput(validation, frozen));
                    continue;
                }
                var (next, nextValidation) = BuildCaches(stack.Layers[k], trainInput, validation is null ? null : validationInput, context);
                DisposeIfCache(trainInput, train);
                DisposeIfCache(validationInput, validation);
                (trainInput, validationInput) = (next, nextValidation!);
            }
        }
        catch
        {
            stack.Dispose();
            throw;
        }
        finally
        {
            DisposeIfCache(trainInput, train);
            DisposeIfCache(validationInput, validation);
        }
        return stack;
    }

    private (ILayerInput Train, ILayerInput? Validation) BuildCaches(PretrainedLayer layer, ILayerInput train, ILayerInput? validation, RunContext context)
    {
        var onDevice = layer.To(context.Device);
        ILayerInput? trainCache = null;
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            // One decision for both caches, from their size together: they live side by side while the layer above trains.
            var rows = train.Count + (validation?.Count ?? 0);
            var plan = Cache.Plan(rows * layer.OutputSize * sizeof(float), context.Device);
            context.Logger.LogInformation("Frozen outputs of this {Kind} layer ({Count} x {Shape}) go to {Placement}: {Reason}",
                layer.Kind, rows, SampleShapes.Format(layer.OutputShape), PlacementName(plan.Placement), plan.Reason);
            trainCache = Cache.Build(onDevice, train, context.Device, plan);
            var validationCache = validation is null ? null : Cache.Build(onDevice, validation, context.Device, plan);
            context.Logger.LogInformation("Cached the frozen outputs ({Count} x {Shape}) in {Placement} in {Seconds:F1} s",
                trainCache.Count, SampleShapes.Format(trainCache.SampleShape), PlacementName(plan.Placement), clock.Elapsed.TotalSeconds);
            return (trainCache, validationCache);
        }
        catch
        {
            (trainCache as IDisposable)?.Dispose();
            throw;
        }
        finally
        {
            if (!ReferenceEquals(onDevice, layer))
                onDevice.Dispose();
        }
    }

    private static string PlacementName(CachePlacement placement) => placement switch
    {
        CachePlacement.Device => "device memory",
        CachePlacement.Host => "host memory",
        _ => "disk shards",
    };

    private PretrainedStack ResumeOrStart(string? folder, IReadOnlyList<long> inputShape, JsonElement? normalization, RunContext context)
    {
        if (folder is null || !StackStore.Exists(folder))
            return new PretrainedStack(inputShape, normalization);
        var stack = StackStore.Load(folder, context.Device);
        try
        {
            CheckpointCompatibility.Check(folder, stack, _plans);
        }
        catch
        {
            stack.Dispose();
            throw;
        }
        context.Logger.LogInformation("Resuming from {Folder}: layers 1..{Count} are finished and will not be retrained", folder, stack.Layers.Count);
        return stack;
    }

    private static void DisposeIfCache(ILayerInput? input, ILayerInput? original)
    {
        if (input is not null && !ReferenceEquals(input, original) && input is IDisposable disposable)
            disposable.Dispose();
    }
}
