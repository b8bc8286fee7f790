using System.Text.Json;
using Microsoft.Extensions.Logging;
using Pretrain.Auxiliary.Encoders;
using Pretrain.Auxiliary.Tasks;
using Pretrain.Recipes.Model;
using Pretrain.Recipes.Reports;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Stacks;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// Auxiliary-task pretraining: trains an encoder on a task with free labels over the unlabeled examples and saves
/// its layers as the run's pretrained stack (<c>stack/</c>), so the supervised stage reuses, freezes and caches them
/// exactly as it does a greedy stack. A stack already in the run folder (a resumed run) is loaded, not retrained.
/// </summary>
internal static class AuxiliaryStage
{
    private const string Path = "pretraining.auxiliary";

    public static PretrainedStack Run(AuxiliarySection section, PreparedData data, RunFolder folder, RunContext context, ITrainingCallback? progress)
    {
        var stackFolder = folder.File(PretrainingStage.StackFolderName);
        if (StackStore.Exists(stackFolder))
        {
            context.Logger.LogInformation("Auxiliary stage already finished in {Folder}: loading its stack", stackFolder);
            return StackStore.Load(stackFolder, context.Device);
        }
        var unlabeled = data.Unlabeled;
        var stream = unlabeled is null ? data.UnlabeledStream : null;
        if (unlabeled is null && stream is null)
            throw new InvalidOperationException("auxiliary pretraining needs the unlabeled examples prepared");
        var sampleShape = unlabeled?.SampleShape ?? stream!.SampleShape;
        var inputs = unlabeled?.FeatureCount ?? stream!.Width;
        var count = unlabeled?.Count ?? stream!.Count;
        var corruption = CorruptionFactory.Create(section.Corruption, sampleShape, $"{Path}.corruption");
        var spec = new EncoderSpec
        {
            Inputs = inputs, HiddenLayers = section.HiddenLayers, Activation = section.Activation, BatchNorm = section.BatchNorm,
            Convolutions = section.Convolutions.Select(c => c.ToSpec()).ToArray(),
            ImageShape = section.Convolutions.Count > 0 ? Pretraining.Layers.SampleShapes.AsImage(sampleShape) : null,
        };
        if (spec.Problems().FirstOrDefault() is { } problem)
            throw new Pretraining.PretrainException($"{Path}.{problem.Path}: {problem.Message}");
        using var encoderGenerator = context.CreateGenerator(RandomStream.AuxiliaryEncoder);
        using var headGenerator = context.CreateGenerator(RandomStream.AuxiliaryHead);
        using var encoder = new AuxiliaryEncoder(spec, context.Device, encoderGenerator);
        using IAuxiliaryTask task = section.Task switch
        {
            AuxiliaryTaskKind.CorruptedVsGood => new CorruptedVersusGoodTask(corruption, spec.OutputSize, context.Device, headGenerator),
            AuxiliaryTaskKind.Ranking => new PairwiseRankingTask(corruption, spec.OutputSize, section.Margin, context.Device, headGenerator),
            _ => new SameDifferentTask(corruption, spec.OutputSize, section.PairLoss, section.Margin, context.Device, headGenerator, section.Contrastive),
        };
        context.Logger.LogInformation("Auxiliary pretraining: {Task} ({Loss}) with {Corruption}, encoder {Inputs}-{Widths} ({Activation}{Normalization}), {Examples} unlabeled examples",
            task.Name, section.PairLoss, corruption.Describe(), spec.Inputs,
            string.Join("-", spec.Convolutions.Select(c => $"conv{c.Channels}x{c.Geometry.Kernel}").Concat(spec.HiddenLayers.Select(w => w.ToString(System.Globalization.CultureInfo.InvariantCulture)))),
            spec.Activation, spec.BatchNorm ? ", batch norm" : "", count);
        var heldOutForStream = stream is null ? null : HeldOutForStream(data, context);
        if (spec.BatchNorm && unlabeled is null && heldOutForStream is null)
            throw new Pretraining.PretrainException($"{Path}.batchNorm: the normalization is folded into the stack with statistics of examples in memory, but the unlabeled examples are streamed and there is no validation split in memory: set data.validationFraction above 0 or batchNorm to false.");

        var history = new HistoryCallback();
        // The section is the trainer's options (it derives from them), so nothing is copied.
        var trainer = new AuxiliaryTrainer(section);
        var callbacks = new CompositeCallback(progress, history, new MetricsFileCallback(folder));
        var epochs = stream is null
            ? trainer.Fit(task, encoder, unlabeled!.Features, null, context, callbacks)
            : trainer.Fit(task, encoder, stream, heldOutForStream, context, callbacks);

        var metrics = new Dictionary<string, double> { ["auxiliaryLoss"] = epochs[^1].Loss };
        if (epochs[^1].HeldOutScore is double score)
            metrics[task.ScoreName] = score;
        var normalization = JsonSerializer.SerializeToElement(data.Scaler, RecipeLoader.SerializerOptions);
        using var calibration = spec.BatchNorm ? CalibrationSample(unlabeled?.Features ?? heldOutForStream!, context) : null;
        var stack = encoder.ToStack(sampleShape, normalization, $"auxiliary:{task.Name}", metrics, calibration);
        StackStore.Save(stack, stackFolder);
        DrawPictures(folder, stack, history, sampleShape, context);
        return stack;
    }

    /// <summary>Up to <see cref="CalibrationExamples"/> examples drawn without replacement: the statistics folded into the stack.</summary>
    private static TorchSharp.torch.Tensor CalibrationSample(TorchSharp.torch.Tensor examples, RunContext context)
    {
        using var generator = context.CreateGenerator(RandomStream.BatchNormCalibration);
        using var order = TorchSharp.torch.randperm(examples.shape[0], generator: generator);
        using var chosen = order.narrow(0, 0, Math.Min(CalibrationExamples, examples.shape[0])).to(examples.device);
        context.Logger.LogInformation("Folding the encoder's batch normalization into its layers with statistics of {Count} unlabeled examples", chosen.shape[0]);
        return examples.index_select(0, chosen);
    }

    /// <summary>Enough for per-channel statistics within a fraction of a percent; a pass over them takes seconds.</summary>
    private const int CalibrationExamples = 10_000;

    /// <summary>
    /// What a task streamed from shards is scored on after each epoch: the validation split's images when they are in
    /// memory (the stream leaves them out, so the score is on examples pretraining never saw), else nothing.
    /// </summary>
    private static TorchSharp.torch.Tensor? HeldOutForStream(PreparedData data, RunContext context)
    {
        if (data.Validation is Pretraining.Data.Dataset validation && validation.Count >= 2)
        {
            context.Logger.LogInformation("Auxiliary pretraining streams its examples from the shards; its held-out score is measured on the {Count} validation examples, which the stream leaves out", validation.Count);
            return validation.Features;
        }
        context.Logger.LogInformation("Auxiliary pretraining streams its examples from the shards and has no validation split in memory to score on: no held-out score is reported");
        return null;
    }

    private static void DrawPictures(RunFolder folder, PretrainedStack stack, HistoryCallback history, IReadOnlyList<long> sampleShape, RunContext context) =>
        Pictures.TryDraw(context.Logger, "the auxiliary pretraining pictures", () =>
        {
            LossCurvePlot.WriteAuxiliary(folder, history);
            FirstLayerFilters.TryWrite(folder, stack, sampleShape);
        });
}
