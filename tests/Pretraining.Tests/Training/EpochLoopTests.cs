using Pretrain.Pretraining;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Training;

namespace Pretrain.Pretraining.Tests.Training;

public sealed class EpochLoopTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-loop-").FullName;
    private readonly RunContext _context = RunContext.Create(DeviceSpec.Cpu, 11);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static EpochLoop Loop(int epochs, MonitoredMetric? monitor = null, int? patience = null, bool restore = true) =>
        new(new EpochLoopSettings { Stage = "test", Epochs = epochs, Monitor = monitor, Patience = patience, RestoreBest = restore });

    [Fact]
    public void Early_stopping_ends_after_patience_epochs_without_improvement_and_restores_the_best_epoch()
    {
        using var body = new ScriptedBody([.. new[] { 5.0, 3, 4, 4, 4, 1 }.Select(ScriptedBody.Loss)]);

        var result = Loop(6, MonitoredMetric.Lowest("loss"), patience: 3).Run(body, _context, 1);

        result.Epochs.Should().HaveCount(5, "epochs 3, 4 and 5 did not beat epoch 2");
        result.StoppedEarly.Should().BeTrue();
        result.StopReason.Should().Contain("loss").And.Contain("3 epochs");
        result.BestEpoch.Should().Be(2);
        result.BestValue.Should().Be(3);
        body.Weight.Should().Be(2, "the weights of the best epoch are restored");
    }

    [Fact]
    public void Early_stopping_waits_for_the_earliest_stop_epoch()
    {
        using var body = new ScriptedBody([.. new[] { 5.0, 3, 4, 4, 4, 4, 2, 4 }.Select(ScriptedBody.Loss)]);
        var loop = new EpochLoop(new EpochLoopSettings { Stage = "test", Epochs = 8, Monitor = MonitoredMetric.Lowest("loss"), Patience = 2, EarliestStop = 7 });

        var result = loop.Run(body, _context, 1);

        result.Epochs.Should().HaveCount(8, "patience ran out at epoch 4, but no stop comes before epoch 7, and epoch 7 improved");
        result.BestEpoch.Should().Be(7);
    }

    [Fact]
    public void A_loss_that_becomes_NaN_stops_training_at_once_and_restores_the_best_epoch()
    {
        Dictionary<string, double> Epoch(double accuracy, double loss) => new() { ["validationAccuracy"] = accuracy, ["validationLoss"] = loss };
        using var body = new ScriptedBody(Epoch(0.5, 1), Epoch(0.7, 0.8), Epoch(0.6, 0.9), Epoch(0.1, double.NaN), Epoch(0.8, 0.5));

        var result = Loop(5, MonitoredMetric.Highest("validationAccuracy"), patience: 10).Run(body, _context, 1);

        result.Epochs.Should().HaveCount(4, "nothing is gained by training on after a NaN loss");
        result.StopReason.Should().Contain("validationLoss became NaN");
        result.BestEpoch.Should().Be(2);
        body.Weight.Should().Be(2);
    }

    [Fact]
    public void A_NaN_loss_without_a_kept_best_epoch_fails_with_a_message_naming_the_stage_and_epoch()
    {
        using var body = new ScriptedBody([.. new[] { 5.0, double.NaN, 3 }.Select(ScriptedBody.Loss)]);

        var act = () => Loop(3).Run(body, _context, 1);

        act.Should().Throw<PretrainException>().WithMessage("test: loss became NaN (training diverged) at epoch 2*no earlier epoch*");
    }

    [Fact]
    public void Without_restore_the_last_weights_stay_and_the_last_epoch_counts_as_the_result()
    {
        using var body = new ScriptedBody([.. new[] { 5.0, 3, 4 }.Select(ScriptedBody.Loss)]);

        var result = Loop(3, MonitoredMetric.Lowest("loss"), restore: false).Run(body, _context, 1);

        result.BestEpoch.Should().Be(3);
        body.Weight.Should().Be(3);
    }

    [Fact]
    public void Equal_accuracy_with_a_lower_loss_is_an_improvement_when_the_loss_breaks_ties()
    {
        Dictionary<string, double> Epoch(double accuracy, double loss) => new() { ["accuracy"] = accuracy, ["loss"] = loss };
        using var body = new ScriptedBody(Epoch(0.5, 1), Epoch(0.7, 0.8), Epoch(0.7, 0.6), Epoch(0.7, 0.7));

        var result = Loop(4, MonitoredMetric.Highest("accuracy", tieBreaker: "loss")).Run(body, _context, 1);

        result.BestEpoch.Should().Be(3);
        body.Weight.Should().Be(3);
    }

    [Fact]
    public void A_callback_can_stop_training_after_an_epoch_without_throwing()
    {
        using var body = new ScriptedBody([.. new[] { 5.0, 4, 3, 2, 1 }.Select(ScriptedBody.Loss)]);

        var result = Loop(5, MonitoredMetric.Lowest("loss")).Run(body, _context, 1, new StopAt(2));

        result.Epochs.Should().HaveCount(2);
        result.StoppedEarly.Should().BeTrue();
        result.StopReason.Should().Be("enough at epoch 2");
        body.Weight.Should().Be(2);
    }

    [Fact]
    public void A_failing_callback_is_named_with_the_event_it_failed_in()
    {
        using var body = new ScriptedBody(ScriptedBody.Loss(1));

        var act = () => Loop(1).Run(body, _context, 1, new Failing());

        act.Should().Throw<TrainingCallbackException>().WithMessage("*Failing*epoch end*broken plot*")
            .Which.InnerException.Should().BeOfType<InvalidOperationException>();
    }

    [Fact]
    public void A_run_interrupted_after_an_epoch_resumes_from_its_checkpoint_and_ends_exactly_as_an_uninterrupted_run()
    {
        float[] uninterrupted;
        using (var reference = new LinearRegressionBody(_context, initSeed: 1))
        {
            Loop(6).Run(reference.Body, _context, 6);
            uninterrupted = reference.Parameters;
        }
        var checkpoint = new EpochCheckpoint(Path.Combine(_folder, "regression.safetensors"));
        using (var cancellation = new CancellationTokenSource())
        using (var first = new LinearRegressionBody(_context, initSeed: 1))
        {
            var stopping = RunContext.Create(DeviceSpec.Cpu, 11, cancellation: cancellation.Token);
            var act = () => Loop(6).Run(first.Body, stopping, 6, new CancelAt(3, cancellation), checkpoint);
            act.Should().Throw<OperationCanceledException>();
        }

        // Different starting weights: everything must come from the checkpoint.
        using var resumed = new LinearRegressionBody(_context, initSeed: 99);
        var result = Loop(6).Run(resumed.Body, _context, 6, checkpoint: checkpoint);

        result.Epochs.Select(e => e.Epoch).Should().Equal(1, 2, 3, 4, 5, 6);
        resumed.Parameters.Should().Equal(uninterrupted);
        uninterrupted[0].Should().BeApproximately(2, 0.1f, "the regression learned y = 2x + 1");
    }

    [Fact]
    public void A_finished_checkpoint_gives_back_its_result_without_training_again()
    {
        var checkpoint = new EpochCheckpoint(Path.Combine(_folder, "done.safetensors"));
        using (var body = new ScriptedBody([.. new[] { 5.0, 3, 4 }.Select(ScriptedBody.Loss)]))
            Loop(3, MonitoredMetric.Lowest("loss")).Run(body, _context, 1, checkpoint: checkpoint);

        using var again = new ScriptedBody();
        var result = Loop(3, MonitoredMetric.Lowest("loss")).Run(again, _context, 1, checkpoint: checkpoint);

        result.Epochs.Should().HaveCount(3);
        result.BestEpoch.Should().Be(2);
        again.Weight.Should().Be(2, "the checkpoint holds the restored best weights");
    }

    [Fact]
    public void A_checkpoint_written_by_other_settings_is_refused_naming_the_file()
    {
        var checkpoint = new EpochCheckpoint(Path.Combine(_folder, "other.safetensors"));
        using (var body = new ScriptedBody(ScriptedBody.Loss(1)))
            Loop(1).Run(body, _context, 1, checkpoint: checkpoint);

        using var regression = new LinearRegressionBody(_context, initSeed: 1);
        var act = () => Loop(1).Run(regression.Body, _context, 6, checkpoint: checkpoint);

        act.Should().Throw<PretrainException>().WithMessage($"{checkpoint.Path}: this checkpoint was written by other training settings*");
    }

    private sealed class StopAt(int epoch) : ITrainingCallback
    {
        public void OnEpochEnd(EpochReport report, TrainingControl control)
        {
            if (report.Epoch == epoch)
                control.RequestStop($"enough at epoch {epoch}");
        }
    }

    private sealed class CancelAt(int epoch, CancellationTokenSource source) : ITrainingCallback
    {
        public void OnEpochEnd(EpochReport report)
        {
            if (report.Epoch == epoch)
                source.Cancel();
        }
    }

    private sealed class Failing : ITrainingCallback
    {
        public void OnEpochEnd(EpochReport report) => throw new InvalidOperationException("broken plot");
    }
}
