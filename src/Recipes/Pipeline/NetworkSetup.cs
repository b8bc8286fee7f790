using Microsoft.Extensions.Logging;
using Pretrain.FineTuning.Freezing;
using Pretrain.FineTuning.Networks;
using Pretrain.FineTuning.Transfer;
using Pretrain.Recipes.Model;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Stacks;
using TorchSharp;
using TorchSharp.Modules;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// Builds the supervised network a recipe describes: from random weights or from the pretrained stack (reused,
/// dropped or added layers), then restores weights from a file and freezes layers, in that order.
/// </summary>
internal static class NetworkSetup
{
    public static Sequential Create(LoadedRecipe loaded, PreparedData data, PretrainedStack? stack, bool fromScratch, RunContext context)
    {
        var model = loaded.Recipe.Model;
        var network = Build(model, data, stack, fromScratch, context);
        try
        {
            network.to(context.Device);
            if (model.Restore is { } restore && !fromScratch)
            {
                var mappings = restore.Mappings ?? [new NameMapping($"({restore.Layers})\\.(weight|bias)", "$1.$2")];
                var restored = WeightTransfer.Import(network, loaded.Resolve(restore.Path), mappings);
                context.Logger.LogInformation("Restored {Tensors} from {Path}", string.Join(", ", restored), restore.Path);
            }
            if (model.FreezeLayers != 0)
            {
                var frozen = Freezer.FreezeTo(LayerGroups.Of(network), model.FreezeLayers);
                context.Logger.LogInformation("Frozen layers: {Layers}", string.Join(", ", frozen));
            }
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The architecture of the network <see cref="Create"/> builds (the same for both arms): the stack's layers when
    /// there is a stack, else the recipe's hidden layers. Saved with the trained network (<c>network.json</c>).
    /// </summary>
    public static MlpSpec Spec(LoadedRecipe loaded, PreparedData data, PretrainedStack? stack) => Spec(loaded.Recipe.Model, data, stack);

    /// <summary>
    /// The student of <c>distillation.student</c> from random weights. Both arms' students draw them from the same
    /// key of <see cref="RandomStream.NetworkInitialization"/> (after the arms' own), so they start identical and
    /// only their teachers differ.
    /// </summary>
    public static Sequential CreateStudent(ModelSection student, PreparedData data, RunContext context)
    {
        using var generator = context.CreateGenerator(RandomStream.NetworkInitialization, StudentKey);
        var network = MlpBuilder.Build(StudentSpec(student, data), generator);
        try
        {
            Initializers.Apply(network, student.Initializer, generator, student.InitializerGain);
            network.to(context.Device);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>The architecture of <see cref="CreateStudent"/>'s network (saved with the trained student).</summary>
    public static MlpSpec StudentSpec(ModelSection student, PreparedData data) => Spec(student, data, stack: null, "distillation.student");

    /// <summary>The pretrained arm draws with key 0 and the scratch arm with key 1.</summary>
    private const int StudentKey = 2;

    private static MlpSpec Spec(ModelSection model, PreparedData data, PretrainedStack? stack, string path = "model")
    {
        if (stack is not null)
            return StackNetwork.SpecFor(stack, data.Train.ClassCount, model.Dropout, model.ReuseLayers, model.AddLayers, model.BatchNorm);
        var spec = new MlpSpec(data.Train.FeatureCount, model.HiddenLayers, data.Train.ClassCount, model.Activation, model.Dropout)
        {
            BatchNorm = model.BatchNorm, ActivationAlpha = model.ActivationAlpha,
            Convolutions = model.Convolutions.Select(c => c.ToSpec()).ToArray(),
            ImageShape = model.Convolutions.Count > 0 ? SampleShapes.AsImage(data.Train.SampleShape) : null,
        };
        if (spec.Convolutions.Count == 0)
            return spec;
        if (spec.ImageShape is null)
            throw new PretrainException($"{path}.convolutions: convolutions need image examples, but those of {data.Train.Source} have the shape {SampleShapes.Format(data.Train.SampleShape)}; give the data an image shape ([H, W] or [C, H, W]).");
        try
        {
            _ = spec.ConvolutionShapes();
        }
        catch (ArgumentException e)
        {
            // The spec names blocks as layers (hidden2); the recipe user knows them as model.convolutions[1].
            var block = System.Text.RegularExpressions.Regex.Match(e.Message, @"^hidden(\d+): ");
            var field = block.Success ? $"{path}.convolutions[{int.Parse(block.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - 1}]" : $"{path}.convolutions";
            throw new PretrainException($"{field}: {(block.Success ? e.Message[block.Length..] : e.Message).TrimEnd('.')} (images {SampleShapes.Format(spec.ImageShape)}).", e);
        }
        return spec;
    }

    /// <summary>
    /// The network's initial weights and dropout seeds come from the run's <see cref="RandomStream.NetworkInitialization"/>
    /// stream (one key per arm), so the network depends on the seed and the arm only, and every copy built for a
    /// learning-rate grid starts identical.
    /// </summary>
    private static Sequential Build(ModelSection model, PreparedData data, PretrainedStack? stack, bool fromScratch, RunContext context)
    {
        using var generator = context.CreateGenerator(RandomStream.NetworkInitialization, fromScratch ? 1 : 0);
        if (stack is not null && !fromScratch)
        {
            var network = StackNetwork.Build(stack, data.Train.ClassCount, generator, model.Dropout, model.ReuseLayers, model.AddLayers, model.BatchNorm);
            if (model.BatchNorm)
            {
                // One shuffled batch of training examples: uniform over the set in memory; from a stream, the window of
                // randomly chosen shards (storage order could be one class after another).
                using var sampling = context.CreateGenerator(RandomStream.BatchNormCalibration);
                foreach (var (sample, _) in data.Train.LabeledBatches(BatchNormCalibration.DefaultSampleSize, sampling, context.Device))
                {
                    var calibrated = BatchNormCalibration.Calibrate(network, sample, start: model.BatchNormStart);
                    if (model.BatchNormStart == BatchNormStart.Identity)
                        context.Logger.LogInformation("Batch normalizations {Layers} start as the identity (statistics from {Count} training examples), keeping the pretrained function",
                            string.Join(", ", calibrated), sample.shape[0]);
                    else
                        context.Logger.LogInformation("Batch normalizations {Layers} start as from scratch (scale 1, shift 0; running statistics from {Count} training examples), normalizing the pretrained features",
                            string.Join(", ", calibrated), sample.shape[0]);
                    break;
                }
            }
            return network;
        }
        var scratch = MlpBuilder.Build(Spec(model, data, stack), generator);
        Initializers.Apply(scratch, model.Initializer, generator, model.InitializerGain);
        return scratch;
    }
}
