using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Pretrain.Pretraining.Runtime;

namespace Pretrain.Pretraining.Training;

/// <summary>
/// The one epoch loop every trainer in Pretrain runs on (layer pretraining, fine-tuning, auxiliary tasks, document
/// classifiers, the linear probe): timing, per-epoch logging, callbacks with stop requests, early stopping on a
/// monitored metric, restoring the best epoch's weights, and checkpoints after every epoch that a killed run resumes
/// from exactly. The trainer supplies one epoch of its update rule through <see cref="IEpochBody"/>.
/// </summary>
public sealed class EpochLoop
{
    private const string WeightsPrefix = "weights.";
    private const string BestPrefix = "loop.best.";
    private const string TrainerPrefix = "trainer.";

    // A diverging epoch reports NaN or infinity; the checkpoint must still hold it.
    private static readonly JsonSerializerOptions ReportJson = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Creates a loop with <paramref name="settings"/>.</summary>
    public EpochLoop(EpochLoopSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Epochs < 0)
            throw new ArgumentOutOfRangeException(nameof(settings), $"{settings.Stage}: epochs must not be negative, received {settings.Epochs}.");
        if (settings.Patience is not null && settings.Monitor is null)
            throw new ArgumentException($"{settings.Stage}: early stopping (patience) needs a monitored metric.", nameof(settings));
        Settings = settings;
    }

    /// <summary>The loop's settings.</summary>
    public EpochLoopSettings Settings { get; }

    /// <summary>
    /// Runs up to <see cref="EpochLoopSettings.Epochs"/> epochs of <paramref name="body"/>. With a
    /// <paramref name="checkpoint"/> that exists, continues after its last epoch (or returns at once when it finished);
    /// after every epoch the checkpoint is rewritten. Throws <see cref="OperationCanceledException"/> when the context is
    /// cancelled (the last checkpoint stays), <see cref="TrainingCallbackException"/> when a callback fails.
    /// </summary>
    public EpochLoopResult Run(IEpochBody body, RunContext context, int batchesPerEpoch, ITrainingCallback? callback = null, EpochCheckpoint? checkpoint = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(context);
        var stage = Settings.Stage;
        using var tracker = Settings.Monitor is { } monitor ? new BestEpochTracker(monitor) : null;
        var reports = new List<EpochReport>();
        var first = 1;
        string? stopReason = null;
        if (checkpoint is { Exists: true })
        {
            var (done, finished, reason) = Resume(body, checkpoint, tracker, reports, context);
            if (finished)
            {
                context.Logger.LogInformation("{Stage}: already finished in {Checkpoint} after epoch {Epoch}; its result is reused", stage, checkpoint.Path, done);
                return Result(reports, tracker, done, reason);
            }
            first = done + 1;
            context.Logger.LogInformation("{Stage}: resuming after epoch {Epoch} from {Checkpoint}", stage, done, checkpoint.Path);
        }

        Notify(callback, "fit start", c => c.OnFitStart(stage, Settings.Epochs, batchesPerEpoch));
        var last = first - 1;
        for (var epoch = first; epoch <= Settings.Epochs; epoch++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var batch = 0;
            var current = epoch;
            var metrics = body.RunEpoch(epoch, () => Notify(callback, "batch end", c => c.OnBatchEnd(current, ++batch)));
            tracker?.Offer(epoch, metrics, body.Weights);
            var report = new EpochReport(stage, epoch, metrics, clock.Elapsed.TotalSeconds);
            reports.Add(report);
            context.Logger.Log(Settings.LogEpochs ? LogLevel.Information : LogLevel.Debug, "{Stage} epoch {Epoch}/{Epochs} {Metrics} ({Seconds:F1} s)",
                stage, epoch, Settings.Epochs, Describe(metrics), report.Seconds);
            var control = new TrainingControl();
            Notify(callback, "epoch end", c => c.OnEpochEnd(report, control));
            last = epoch;

            if (Diverged(metrics) is { } diverged)
            {
                // Without a best epoch to go back to, the weights are lost: say so instead of handing NaNs on.
                if (!Settings.RestoreBest || tracker is not { BestEpoch: > 0 })
                    throw new PretrainException(
                        $"{stage}: {diverged} at epoch {epoch}, and no earlier epoch's weights were kept to go back to (the stage monitors no validation metric). Lower the learning rate and run it again.");
                stopReason = diverged;
            }
            else if (Settings.Patience is int patience && tracker is not null && tracker.StaleEpochs >= patience && epoch >= Settings.EarliestStop)
                stopReason = $"no better {tracker.Monitor.Name} for {patience} epochs";
            else if (control.StopRequested)
                stopReason = control.StopReason;
            var finished = stopReason is not null || epoch == Settings.Epochs;
            if (finished)
                Finish(body, tracker, context, stopReason, epoch);
            if (checkpoint is not null)
                Save(body, checkpoint, tracker, reports, epoch, finished, stopReason);
            if (stopReason is not null)
                break;
        }
        Notify(callback, "fit end", c => c.OnFitEnd(stage));
        return Result(reports, tracker, last, stopReason);
    }

    // A NaN or infinite loss will not come back: training more epochs only spends time, and the best epoch's weights
    // (restored as for early stopping) are the useful result. Seen with a finite training loss and a NaN validation
    // loss after the epoch's last optimizer step.
    private static string? Diverged(IReadOnlyDictionary<string, double> metrics)
    {
        foreach (var (name, value) in metrics)
            if (name.Contains("Loss", StringComparison.OrdinalIgnoreCase) && !double.IsFinite(value))
                return $"{name} became {value.ToString(CultureInfo.InvariantCulture)} (training diverged)";
        return null;
    }

    private EpochLoopResult Result(List<EpochReport> reports, BestEpochTracker? tracker, int last, string? stopReason)
    {
        var restored = Settings.RestoreBest && tracker is { BestEpoch: > 0 };
        return new EpochLoopResult(reports, restored ? tracker!.BestEpoch : last, tracker is { BestEpoch: > 0 } ? tracker.BestValue : null,
            stopReason is not null, stopReason);
    }

    private void Finish(IEpochBody body, BestEpochTracker? tracker, RunContext context, string? stopReason, int epoch)
    {
        if (stopReason is not null)
            context.Logger.LogInformation("{Stage}: early stop after epoch {Epoch}: {Reason}", Settings.Stage, epoch, stopReason);
        if (Settings.RestoreBest && tracker is not null && tracker.BestEpoch != epoch && tracker.Restore(body.Weights))
            context.Logger.LogInformation("{Stage}: restored the weights of epoch {Best} (best {Metric} {Value})",
                Settings.Stage, tracker.BestEpoch, tracker.Monitor.Name, tracker.BestValue.ToString("G5", CultureInfo.InvariantCulture));
    }

    private void Save(IEpochBody body, EpochCheckpoint checkpoint, BestEpochTracker? tracker, List<EpochReport> reports, int epoch, bool finished, string? stopReason)
    {
        using var state = new TrainingState { Source = checkpoint.Path };
        state.Set("loop.stage", Settings.Stage);
        state.Set("loop.fingerprint", body.Fingerprint);
        state.Set("loop.epoch", epoch.ToString(CultureInfo.InvariantCulture));
        state.Set("loop.finished", finished ? "true" : "false");
        state.Set("loop.stopReason", stopReason ?? "");
        state.Set("loop.reports", JsonSerializer.Serialize(reports, ReportJson));
        foreach (var (name, tensor) in body.Weights)
            state.Add(WeightsPrefix + name, tensor);
        tracker?.Save(state, BestPrefix);
        using (var trainer = new TrainingState())
        {
            body.SaveState(epoch, trainer);
            foreach (var (name, tensor) in trainer.Tensors)
                state.Add(TrainerPrefix + name, tensor);
            foreach (var (name, value) in trainer.Values)
                state.Set(TrainerPrefix + name, value);
        }
        checkpoint.Save(state);
    }

    private (int Epoch, bool Finished, string? StopReason) Resume(IEpochBody body, EpochCheckpoint checkpoint, BestEpochTracker? tracker, List<EpochReport> reports, RunContext context)
    {
        using var state = checkpoint.Load();
        var fingerprint = state.Get("loop.fingerprint");
        if (state.Get("loop.stage") != Settings.Stage || fingerprint != body.Fingerprint)
            throw new PretrainException($"{checkpoint.Path}: this checkpoint was written by other training settings ({state.Get("loop.stage")}: {fingerprint}); " +
                $"this run has {Settings.Stage}: {body.Fingerprint}. Delete the file to start this stage over, or resume with the settings it was written with.");
        var epoch = int.Parse(state.Get("loop.epoch"), CultureInfo.InvariantCulture);
        reports.AddRange(JsonSerializer.Deserialize<List<EpochReport>>(state.Get("loop.reports"), ReportJson) ?? []);
        foreach (var (name, tensor) in body.Weights)
            state.CopyInto(WeightsPrefix + name, tensor);
        tracker?.Load(state, BestPrefix, body.Weights);
        using (var trainer = new TrainingState { Source = checkpoint.Path })
        {
            foreach (var (name, tensor) in state.Tensors.Where(t => t.Key.StartsWith(TrainerPrefix, StringComparison.Ordinal)))
                trainer.Add(name[TrainerPrefix.Length..], tensor);
            foreach (var (name, value) in state.Values.Where(v => v.Key.StartsWith(TrainerPrefix, StringComparison.Ordinal)))
                trainer.Set(name[TrainerPrefix.Length..], value);
            body.LoadState(epoch, trainer);
        }
        context.Cancellation.ThrowIfCancellationRequested();
        var reason = state.Get("loop.stopReason");
        return (epoch, state.Get("loop.finished") == "true", reason.Length == 0 ? null : reason);
    }

    /// <summary>Calls <paramref name="callback"/>, naming it and the event when it fails (cancellation passes through).</summary>
    private static void Notify(ITrainingCallback? callback, string @event, Action<ITrainingCallback> call)
    {
        if (callback is null)
            return;
        try
        {
            call(callback);
        }
        catch (Exception e) when (e is not OperationCanceledException and not TrainingCallbackException)
        {
            throw new TrainingCallbackException(callback.GetType().Name, @event, e);
        }
    }

    private static string Describe(IReadOnlyDictionary<string, double> metrics) =>
        string.Join(", ", metrics.Select(m => $"{m.Key} {m.Value.ToString("G5", CultureInfo.InvariantCulture)}"));
}
