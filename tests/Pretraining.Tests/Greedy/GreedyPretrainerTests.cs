using Pretrain.Pretraining.Greedy;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Stacks;
using Pretrain.Pretraining.Tests.Support;
using static TorchSharp.torch;

namespace Pretrain.Pretraining.Tests.Greedy;

public sealed class GreedyPretrainerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-greedy-").FullName;
    private readonly RunContext _context = RunContext.Create(DeviceSpec.Cpu, 7);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static TensorLayerInput Data(int rows = 50, int width = 6)
    {
        using var generator = new Generator(3);
        return new TensorLayerInput(rand([rows, width], generator: generator));
    }

    [Fact]
    public void Layer_k_is_fed_exactly_the_cached_outputs_of_the_frozen_layers_below()
    {
        using var scope = NewDisposeScope();
        using var input = Data();
        using var t1 = new RecordingTrainer(5, 1);
        using var t2 = new RecordingTrainer(4, 2);
        using var t3 = new RecordingTrainer(3, 3);
        using var stack = new GreedyPretrainer([new(t1), new(t2), new(t3)]).Run(input, null, [6], null, _context);

        t1.SeenInputs!.Identical(input.Values).Should().BeTrue();
        using var expected2 = stack.Encode(input.Values, 1);
        using var expected3 = stack.Encode(input.Values, 2);
        t2.SeenInputs!.Identical(expected2).Should().BeTrue("layer 2 learns from layer 1's outputs");
        t3.SeenInputs!.Identical(expected3).Should().BeTrue("layer 3 learns from layers 1 and 2's outputs");
        stack.Layers.Select(l => l.OutputSize).Should().Equal(5, 4, 3);
    }

    [Fact]
    public void The_frozen_layers_are_computed_once_not_every_epoch()
    {
        using var input = Data();
        var counting = new CountingInput(input);
        using var t1 = new RecordingTrainer(5, 1, passes: 4);
        using var t2 = new RecordingTrainer(4, 2, passes: 10);
        using var stack = new GreedyPretrainer([new(t1), new(t2)]).Run(counting, null, [6], null, _context);

        // Layer 1 reads the raw input on each of its 4 passes, then the cache is built with one more read; layer 2's
        // 10 passes read the cache only.
        counting.Enumerations.Should().Be(4 + 1);
    }

    [Fact]
    public void Recomputing_the_frozen_layers_feeds_the_same_inputs_as_the_cache_but_reads_the_raw_data_every_pass()
    {
        using var input = Data();
        using var cached2 = new RecordingTrainer(4, 2, passes: 5);
        using (var c1 = new RecordingTrainer(5, 1))
            new GreedyPretrainer([new(c1), new(cached2)]).Run(input, null, [6], null, _context).Dispose();

        var counting = new CountingInput(input);
        using var recomputed2 = new RecordingTrainer(4, 2, passes: 5);
        using (var r1 = new RecordingTrainer(5, 1))
            new GreedyPretrainer([new(r1), new(recomputed2)]) { CacheFrozenOutputs = false }.Run(counting, null, [6], null, _context).Dispose();

        // Equal up to float rounding: the cache encodes 1,024 rows at a time, the recomputing path 7, and matrix
        // products of different shapes may round differently.
        recomputed2.SeenInputs!.allclose(cached2.SeenInputs!, rtol: 1e-5, atol: 1e-6).Should().BeTrue();
        counting.Enumerations.Should().Be(3 + 5, "layer 1's passes plus one raw read for each of layer 2's passes");
    }

    [Fact]
    public void A_wrong_stack_is_refused_before_any_layer_trains()
    {
        using var input = Data();
        using var t1 = new RecordingTrainer(5, 1);
        var bad = new ThrowingDescribeTrainer();
        var act = () => new GreedyPretrainer([new(t1), new(bad)]).Run(input, null, [6], null, _context);
        act.Should().Throw<PretrainException>().WithMessage("layers[1]: cannot take 5 inputs (after layer 0: 5).");
        t1.FitCalls.Should().Be(0);
    }

    [Fact]
    public void A_restarted_run_resumes_at_the_first_unfinished_layer_and_never_retrains_a_finished_one()
    {
        using var input = Data();
        var checkpoint = Path.Combine(_folder, "stack");
        using (var c1 = new RecordingTrainer(5, 1))
        using (var c2 = new RecordingTrainer(4, 2))
        using (var crashing = new RecordingTrainer(3, 3) { FailOnFit = _ => new InvalidOperationException("simulated crash") })
        {
            var crashed = () => new GreedyPretrainer([new(c1), new(c2), new(crashing)]).Run(input, null, [6], null, _context, checkpoint);
            crashed.Should().Throw<InvalidOperationException>();
        }
        StackStore.ReadManifest(checkpoint).Layers.Should().HaveCount(2, "layers 1 and 2 were saved as they finished");
        using var saved = StackStore.Load(checkpoint);

        using var r1 = new RecordingTrainer(5, 101);
        using var r2 = new RecordingTrainer(4, 102);
        using var r3 = new RecordingTrainer(3, 3);
        using var stack = new GreedyPretrainer([new(r1), new(r2), new(r3)]).Run(input, null, [6], null, _context, checkpoint);

        r1.FitCalls.Should().Be(0);
        r2.FitCalls.Should().Be(0);
        r3.FitCalls.Should().Be(1);
        stack.Layers[0].Weight.Identical(saved.Layers[0].Weight).Should().BeTrue();
        stack.Layers[1].Weight.Identical(saved.Layers[1].Weight).Should().BeTrue();
        using var expected3 = saved.Encode(input.Values, 2);
        r3.SeenInputs!.Identical(expected3).Should().BeTrue("the resumed layer 3 learns from the restored layers' outputs");
        StackStore.ReadManifest(checkpoint).Layers.Should().HaveCount(3);
    }

    [Fact]
    public void A_checkpoint_made_with_other_layers_is_refused()
    {
        using var input = Data();
        var checkpoint = Path.Combine(_folder, "stack");
        using (var t1 = new RecordingTrainer(5, 1))
            new GreedyPretrainer([new(t1)]).Run(input, null, [6], null, _context, checkpoint).Dispose();

        using var wider = new RecordingTrainer(8, 1);
        var act = () => new GreedyPretrainer([new(wider)]).Run(input, null, [6], null, _context, checkpoint);
        act.Should().Throw<PretrainException>().WithMessage("*layer1*5 units*8*new output folder*");
    }

    private sealed class ThrowingDescribeTrainer : ILayerTrainer
    {
        public string Kind => "bad";

        public IReadOnlyList<long> Describe(IReadOnlyList<long> inputShape) => throw new PretrainException($"cannot take {inputShape[0]} inputs.");

        public PretrainedLayer Fit(ILayerInput train, ILayerInput? validation, RunContext context, string stage, ITrainingCallback? callback = null) =>
            throw new InvalidOperationException("must not train");
    }
}
