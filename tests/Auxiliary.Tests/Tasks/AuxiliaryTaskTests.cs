using Pretrain.Pretraining.Tests.Support;
using Pretrain.Auxiliary.Corruptions;
using Pretrain.Auxiliary.Encoders;
using Pretrain.Auxiliary.Tasks;
using Pretrain.FineTuning.Networks;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Runtime;
using Pretrain.Pretraining.Validation;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tests.Tasks;

public sealed class AuxiliaryTaskTests
{
    private static readonly RunContext Context = RunContext.Create(DeviceSpec.Parse("cpu"), seed: 5);

    private static EncoderSpec NarrowSpec => new() { Inputs = SyntheticData.Features, HiddenLayers = [4], Activation = EncoderActivation.Tanh };

    private static AuxiliaryEncoder Encoder(int seed = 1)
    {
        using var g = new Generator((ulong)seed);
        return new AuxiliaryEncoder(NarrowSpec, CPU, g);
    }

    private static IAuxiliaryTask Task(string name, int outputs)
    {
        using var g = new Generator(9);
        var swap = new FeatureSwap(0.5);
        return name switch
        {
            "corruptedVsGood" => new CorruptedVersusGoodTask(swap, outputs, CPU, g),
            "ranking" => new PairwiseRankingTask(swap, outputs, margin: 1, CPU, g),
            "sameDifferent" => new SameDifferentTask(new PixelNoise(0.3, -3, 3), outputs, PairLoss.BinaryCrossEntropy, 1, CPU, g),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    // Accuracy of a softmax head trained on 5 labels per class over frozen encoder features: the few-label target task.
    private static double FewLabelAccuracy(AuxiliaryEncoder encoder)
    {
        using var scope = NewDisposeScope();
        var (x, y) = SyntheticData.Make(20, seed: 77);
        var (testX, testY) = SyntheticData.Make(2000, seed: 78);
        Tensor features, testFeatures;
        using (no_grad())
        {
            features = encoder.Forward(x);
            testFeatures = encoder.Forward(testX);
        }
        var w = new TorchSharp.Modules.Parameter(zeros([features.shape[1], SyntheticData.Classes]));
        var b = new TorchSharp.Modules.Parameter(zeros([SyntheticData.Classes]));
        using var optimizer = optim.Adam([w, b], 0.05);
        for (var step = 0; step < 300; step++)
        {
            using var inner = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(features.mm(w) + b, y);
            loss.backward();
            optimizer.step();
        }
        using (no_grad())
            return ((testFeatures.mm(w) + b).argmax(1) == testY).to(ScalarType.Float32).mean().item<float>();
    }

    [Theory]
    [InlineData("corruptedVsGood", 0.7)]
    [InlineData("ranking", 0.7)]
    public void Auxiliary_pretraining_learns_its_task_and_helps_the_few_label_target(string name, double minimumScore)
    {
        var (data, _) = SyntheticData.Make(4000, seed: 1);
        using var x = data;
        using var encoder = Encoder();
        using var scratch = Encoder();
        using var task = Task(name, 4);
        var history = new AuxiliaryTrainer(new AuxiliaryTrainingOptions { Epochs = 20, BatchSize = 64, LearningRate = 0.01, HeldOutFraction = 0.1 })
            .Fit(task, encoder, x, labels: null, Context);

        history[^1].HeldOutScore.Should().BeGreaterThan(minimumScore, "the held-out {0} score shows the task was learned; history {1}", task.ScoreName, string.Join(" ", history.Select(h => $"{h.Loss:F3}/{h.HeldOutScore:F3}")));
        history[^1].Loss.Should().BeLessThan(history[0].Loss);
        var pretrained = FewLabelAccuracy(encoder);
        var fromScratch = FewLabelAccuracy(scratch);
        pretrained.Should().BeGreaterThan(0.65, "scratch {0:F3}", fromScratch);
        pretrained.Should().BeGreaterThan(fromScratch + 0.2, "the same frozen encoder from its random start scores {0:F3}", fromScratch);
    }

    [Fact]
    public void An_encoder_trained_from_a_stream_learns_its_task_and_is_scored_on_the_held_out_examples_given()
    {
        // The batches come through ILayerInput (as shards streamed under a memory budget do), the score from a
        // separate set; the same seed gives the same history twice.
        var (data, _) = SyntheticData.Make(3600, seed: 1);
        var (heldOut, _) = SyntheticData.Make(400, seed: 4);
        using var x = data;
        using var h = heldOut;
        var options = new AuxiliaryTrainingOptions { Epochs = 20, BatchSize = 64, LearningRate = 0.01 };

        IReadOnlyList<AuxiliaryEpoch> Train()
        {
            using var stream = new TensorLayerInput(x, owns: false);
            using var encoder = Encoder();
            using var task = Task("corruptedVsGood", 4);
            return new AuxiliaryTrainer(options).Fit(task, encoder, stream, h, Context);
        }

        var history = Train();
        history[^1].HeldOutScore.Should().BeGreaterThan(0.7, "history {0}", string.Join(" ", history.Select(e => $"{e.Loss:F3}/{e.HeldOutScore:F3}")));
        history[^1].Loss.Should().BeLessThan(history[0].Loss);
        Train().Select(e => (e.Loss, e.HeldOutScore)).Should().Equal(history.Select(e => (e.Loss, e.HeldOutScore)));
    }

    [Fact]
    public void Same_versus_different_with_labels_learns_to_tell_classes_apart()
    {
        var (data, labels) = SyntheticData.Make(3000, seed: 2);
        using var x = data;
        using var y = labels;
        using var encoder = Encoder();
        using var task = Task("sameDifferent", 4);
        var trainer = new AuxiliaryTrainer(new AuxiliaryTrainingOptions { Epochs = 10, BatchSize = 64, LearningRate = 0.01, HeldOutFraction = 0.1 });
        var history = trainer.Fit(task, encoder, x, y, Context);
        history[^1].HeldOutScore.Should().BeGreaterThan(0.9);
    }

    [Fact]
    public void Same_versus_different_without_labels_trains_with_the_contrastive_loss()
    {
        var (data, _) = SyntheticData.Make(2000, seed: 3);
        using var x = data;
        using var encoder = Encoder();
        using var g = new Generator(1);
        using var task = new SameDifferentTask(new FeatureSwap(0.3), 4, PairLoss.Contrastive, margin: 1, CPU, g);
        var history = new AuxiliaryTrainer(new AuxiliaryTrainingOptions { Epochs = 8, BatchSize = 64, LearningRate = 0.01 })
            .Fit(task, encoder, x, null, Context);
        history[^1].Loss.Should().BeLessThan(history[0].Loss);
        history[^1].HeldOutScore.Should().BeGreaterThan(0.6);
    }

    [Fact]
    public void Training_is_deterministic_with_a_fixed_seed()
    {
        var (data, _) = SyntheticData.Make(600, seed: 4);
        using var x = data;
        double[] Run()
        {
            using var encoder = Encoder();
            using var task = Task("ranking", 4);
            var history = new AuxiliaryTrainer(new AuxiliaryTrainingOptions { Epochs = 3, BatchSize = 32 }).Fit(task, encoder, x, null, Context);
            return [.. history.Select(h => h.Loss), .. encoder.Weights[0].data<float>().ToArray().Select(v => (double)v)];
        }
        Run().Should().Equal(Run());
    }

    [Fact]
    public void The_encoder_hands_exactly_its_trained_weights_to_the_target_network()
    {
        var (data, _) = SyntheticData.Make(500, seed: 5);
        using var x = data;
        using var g = new Generator(3);
        using var encoder = new AuxiliaryEncoder(new EncoderSpec { Inputs = SyntheticData.Features, HiddenLayers = [6, 5] }, CPU, g);
        using var task = Task("corruptedVsGood", 5);
        new AuxiliaryTrainer(new AuxiliaryTrainingOptions { Epochs = 2, BatchSize = 50 }).Fit(task, encoder, x, null, Context);

        using var stack = encoder.ToStack([SyntheticData.Features], null, "auxiliary:corruptedVsGood");
        using var network = StackNetwork.Build(stack, classCount: 3, generator: new TorchSharp.torch.Generator(1), reuse: 1, extraLayers: [5]);
        var state = network.state_dict();
        state["hidden1.weight"].Identical(encoder.Weights[0]).Should().BeTrue();
        state["hidden1.bias"].Identical(encoder.Biases[0]).Should().BeTrue();
        state["hidden2.weight"].shape.Should().Equal(5, 6);
        state["hidden2.weight"].Identical(encoder.Weights[1]).Should().BeFalse("only the lowest layer was reused; the layer above is new");
        stack.Layers.Should().OnlyContain(l => l.Kind == "auxiliary:corruptedVsGood");
    }

    [Fact]
    public void A_cloned_encoder_has_the_same_weights_and_trains_independently()
    {
        using var g = new Generator(8);
        using var encoder = new AuxiliaryEncoder(new EncoderSpec { Inputs = 3, HiddenLayers = [4], VocabularySize = 6, EmbeddingSize = 2 }, CPU, g);
        using var copy = encoder.Clone();
        foreach (var (name, tensor) in encoder.State)
            copy.State[name].Identical(tensor).Should().BeTrue(name);
        using (no_grad())
            copy.Weights[0].add_(1);
        copy.Weights[0].Identical(encoder.Weights[0]).Should().BeFalse("the copy owns its tensors");
    }

    [Fact]
    public void Bad_options_and_inputs_get_clear_errors()
    {
        FluentActions.Invoking(() => new AuxiliaryTrainer(new AuxiliaryTrainingOptions { BatchSize = 1 })).Should().Throw<InvalidOptionsException>().WithMessage("*batchSize*");
        FluentActions.Invoking(() => new AuxiliaryTrainer(new AuxiliaryTrainingOptions { HeldOutFraction = 1 })).Should().Throw<InvalidOptionsException>().WithMessage("*heldOutFraction*");
        using var encoder = Encoder();
        using var wrong = zeros([3, 7]);
        FluentActions.Invoking(() => encoder.Forward(wrong)).Should().Throw<ArgumentException>().WithMessage("*[N, 40]*[3, 7]*");
        FluentActions.Invoking(() => new EncoderSpec { Inputs = 4, HiddenLayers = [] }.Validate()).Should().Throw<InvalidOptionsException>()
            .WithMessage("encoder: hiddenLayers: expected at least one layer width.");
    }
}
