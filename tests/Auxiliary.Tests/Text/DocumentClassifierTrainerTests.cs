using Pretrain.Auxiliary.Encoders;
using Pretrain.Auxiliary.Text;
using Pretrain.FineTuning.Freezing;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Runtime;
using static TorchSharp.torch;

namespace Pretrain.Auxiliary.Tests.Text;

/// <summary>Training document classifiers: learning, gradual unfreezing with cached features, dropout, determinism.</summary>
public sealed class DocumentClassifierTrainerTests
{
    private static readonly RunContext Context = RunContext.Create(DeviceSpec.Parse("cpu"), seed: 2);

    /// <summary>Two classes of 6-word documents over disjoint halves of a 20-word vocabulary (ids 2..21).</summary>
    private static (Tensor Documents, Tensor Labels) Data(int count, ulong seed)
    {
        using var g = new Generator(seed);
        var labels = randint(0, 2, [count], dtype: ScalarType.Int64, generator: g);
        var documents = labels.unsqueeze(1) * 10 + randint(0, 10, [count, 6], dtype: ScalarType.Int64, generator: g) + Vocabulary.FirstWordId;
        return (documents, labels);
    }

    private static DocumentClassifier Classifier(DocumentPooling pooling = DocumentPooling.Windows)
    {
        using var g = new Generator(4);
        var spec = new EncoderSpec { Inputs = 3, VocabularySize = 22, EmbeddingSize = 6, HiddenLayers = [6, 5], Activation = EncoderActivation.Tanh };
        return new DocumentClassifier(new AuxiliaryEncoder(spec, CPU, g), 2, CPU, g, pooling);
    }

    private static Dictionary<string, Tensor> Snapshot(DocumentClassifier model) =>
        model.State.ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

    [Fact]
    public void A_classifier_learns_two_topics_from_few_labels()
    {
        var (x, y) = Data(40, 1);
        var (vx, vy) = Data(40, 2);
        using var model = Classifier();

        var (validation, best, _) = new DocumentClassifierTrainer(new() { Epochs = 40, LearningRate = 0.02, Patience = 40, Dropout = 0.2 }).Fit(model, x, y, vx, vy, Context);

        validation.Should().BeGreaterThan(0.95);
        DocumentClassifierTrainer.Accuracy(model, vx, vy).Should().Be(validation, "the best epoch's weights are restored");
        best.Should().BeGreaterThan(0);
    }

    [Fact]
    public void While_frozen_only_the_softmax_layer_changes_and_every_layer_is_trainable_afterwards()
    {
        var (x, y) = Data(30, 1);
        var (vx, vy) = Data(30, 2);
        using var model = Classifier();
        var before = Snapshot(model);

        new DocumentClassifierTrainer(new() { Epochs = 6, LearningRate = 0.05, Patience = 50, UnfreezeEveryEpochs = 100 }).Fit(model, x, y, vx, vy, Context);

        foreach (var (name, tensor) in model.State)
            tensor.equal(before[name]).all().item<bool>().Should().Be(!name.StartsWith("head", StringComparison.Ordinal), "{0} is {1}", name, name.StartsWith("head", StringComparison.Ordinal) ? "trained" : "frozen");
        model.Parameters.Should().OnlyContain(p => p.requires_grad, "the trainer leaves no layer frozen behind");
    }

    [Fact]
    public void Layers_unfreeze_one_by_one_from_the_top_and_early_stopping_waits_for_the_last()
    {
        // Groups: embedding, hidden1, hidden2, head.
        var schedule = new UnfreezingSchedule(Layers: 4, Every: 2);

        Enumerable.Range(1, 9).Select(schedule.TrainableAt).Should().Equal(1, 1, 2, 2, 3, 3, 4, 4, 4);
        schedule.AllTrainableFrom.Should().Be(7);
        new UnfreezingSchedule(4, null).TrainableAt(1).Should().Be(4, "without a period everything trains from the start");
        new UnfreezingSchedule(4, null).AllTrainableFrom.Should().Be(1);
        using var model = Classifier();
        model.LayerGroups.Names.Should().Equal("embedding", "hidden1", "hidden2", "head");
        using var words = Classifier(DocumentPooling.Words);
        words.LayerGroups.Names.Should().Equal("embedding", "head");
    }

    [Fact]
    public void The_same_seed_trains_the_same_weights_with_dropout_and_unfreezing()
    {
        var (x, y) = Data(30, 1);
        var (vx, vy) = Data(30, 2);
        var options = new DocumentClassifierTrainingOptions { Epochs = 6, LearningRate = 0.05, Patience = 50, UnfreezeEveryEpochs = 2, Dropout = 0.5 };
        using var first = Classifier(DocumentPooling.MaxWindows);
        using var second = Classifier(DocumentPooling.MaxWindows);

        new DocumentClassifierTrainer(options).Fit(first, x, y, vx, vy, Context);
        new DocumentClassifierTrainer(options).Fit(second, x, y, vx, vy, Context);

        foreach (var (name, tensor) in first.State)
            tensor.equal(second.State[name]).all().item<bool>().Should().BeTrue(name);
    }
}
