using Pretrain.Pretraining;
using Pretrain.Pretraining.Stacks;
using Pretrain.Recipes.Pipeline;
using Pretrain.Tests.Support;

namespace Pretrain.Recipes.Tests.Pipeline;

/// <summary>The shipped convolutional recipe runs end to end (shortened) and refuses layers that do not fit the images.</summary>
public sealed class ConvRecipeRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-conv-recipes-").FullName;
    private static readonly string Recipe = Path.Combine(RepositoryPaths.Recipes, "embedded-conv-sda.json");

    [Fact]
    public void The_conv_recipe_pretrains_a_convolutional_stack_and_probes_its_flattened_features()
    {
        var output = Path.Combine(_folder, "runs").Replace('\\', '/');
        var result = RecipeRunner.RunFile(Recipe, [$"output={output}", "device=cpu", "pretraining.layers[0].epochs=1", "pretraining.layers[1].epochs=1"]);

        var manifest = StackStore.ReadManifest(result.StackFolder!);
        manifest.Layers.Select(l => l.OutputShape).Should().BeEquivalentTo(new[] { new long[] { 16, 12, 12 }, [32, 4, 4] }, o => o.WithStrictOrdering());
        result.Probe!.PretrainedFeatures.Should().BeGreaterThan(0.3, "a softmax on 512 features of a trained convolutional stack does far better than chance (0.1)");
        File.Exists(Path.Combine(result.RunFolder, "layer1-reconstructions.png")).Should().BeTrue("a convolutional autoencoder's inputs and reconstructions are drawn as for dense layers");
    }

    [Fact]
    public void A_layer_that_does_not_fit_the_images_is_refused_before_training_naming_layer_and_sizes()
    {
        var output = Path.Combine(_folder, "bad").Replace('\\', '/');
        var act = () => RecipeRunner.RunFile(Recipe, [$"output={output}", "device=cpu", "pretraining.layers[1].kernel=13", "pretraining.layers[1].padding=0"]);

        act.Should().Throw<PretrainException>().Which.Message.Should()
            .Contain("pretraining.layers[1]: kernel 13 does not fit a 12x12 input (after layer 0: 16x12x12).");
        // The embedded images are 28x28, so the recipe alone shows the misfit: refused while validating, before a run folder exists.
        Directory.Exists(output).Should().BeFalse("nothing was trained");
    }

    [Fact]
    public void The_conv_fine_tuning_recipe_fine_tunes_the_stack_as_a_CNN_beside_scratch_and_saves_a_network_that_evaluates_alone()
    {
        var output = Path.Combine(_folder, "finetune").Replace('\\', '/');
        var recipe = Path.Combine(RepositoryPaths.Recipes, "embedded-conv-finetune.json");
        using var log = new CollectedLog();
        var result = RecipeRunner.RunFile(recipe, [$"output={output}", "device=cpu", "pretraining.layers[0].epochs=1", "pretraining.layers[1].epochs=1",
            "pretraining.layers[0].channels=4", "pretraining.layers[1].channels=4", "training.epochs=3", "model.batchNorm=true", "training.augmentation.erasing=0.5"],
            log);

        result.TestAccuracy.Should().BeGreaterThan(0.2, "three epochs of a pretrained CNN on 200 labels beat chance (0.1)");
        result.ScratchTestAccuracy.Should().NotBeNull("the recipe compares with the same CNN from scratch");
        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(result.RunFolder, "network.json")));
        manifest.RootElement.GetProperty("architecture").GetProperty("kind").GetString().Should().Be("cnn");
        manifest.RootElement.GetProperty("architecture").GetProperty("convolutions").GetArrayLength().Should().Be(2);
        log.Text.Should().Contain("start as the identity").And.Contain("Training a CNN conv4x5/pool2-conv4x5/pool2-196-128-10");
        RunEvaluator.Evaluate(result.RunFolder, null, []).Report.Accuracy.Should().Be(result.TestAccuracy!.Value,
            "the saved CNN, rebuilt from its manifest alone, gives the run's own test accuracy");
    }

    [Fact]
    public void The_contrastive_recipe_pretrains_a_CNN_encoder_on_augmented_views_and_fine_tunes_it()
    {
        var output = Path.Combine(_folder, "contrastive").Replace('\\', '/');
        var recipe = Path.Combine(RepositoryPaths.Recipes, "embedded-contrastive-finetune.json");
        var result = RecipeRunner.RunFile(recipe, [$"output={output}", "device=cpu", "pretraining.auxiliary.epochs=1",
            "pretraining.auxiliary.convolutions[0].channels=4", "pretraining.auxiliary.convolutions[1].channels=4", "training.epochs=2",
            "evaluation.compareWithScratch=false", "evaluation.linearProbe=false"]);

        var manifest = StackStore.ReadManifest(result.StackFolder!);
        manifest.Layers.Select(l => l.OutputShape).Should().BeEquivalentTo(new[] { new long[] { 4, 14, 14 }, [4, 7, 7] }, o => o.WithStrictOrdering());
        result.AuxiliaryScore.Should().BeInRange(0, 1, "the share of held-out views that found their partner");
        result.TestAccuracy.Should().BeGreaterThan(0.15);
        File.Exists(Path.Combine(result.RunFolder, "layer1-filters.png")).Should().BeTrue("the encoder's first kernels are drawn as for greedy layers");
    }

    [Fact]
    public void A_batch_normalized_contrastive_encoder_is_folded_into_a_stack_of_plain_layers()
    {
        var output = Path.Combine(_folder, "contrastive-bn").Replace('\\', '/');
        var recipe = Path.Combine(RepositoryPaths.Recipes, "embedded-contrastive-finetune.json");
        using var log = new CollectedLog();
        var result = RecipeRunner.RunFile(recipe, [$"output={output}", "device=cpu", "pretraining.auxiliary.epochs=1", "pretraining.auxiliary.batchNorm=true",
            "pretraining.auxiliary.convolutions[0].channels=4", "pretraining.auxiliary.convolutions[1].channels=4", "training.epochs=2",
            "evaluation.compareWithScratch=false", "evaluation.linearProbe=false"], log);

        log.Text.Should().Contain("(Relu, batch norm)").And.Contain("Folding the encoder's batch normalization into its layers with statistics of");
        var manifest = StackStore.ReadManifest(result.StackFolder!);
        manifest.Layers.Should().HaveCount(2, "the normalizations live in the layers' weights, not as layers of their own");
        result.TestAccuracy.Should().BeGreaterThan(0.15);
    }

    [Fact]
    public void Consistency_training_goes_on_training_each_arm_with_the_unlabeled_images_and_saves_it()
    {
        var output = Path.Combine(_folder, "consistency").Replace('\\', '/');
        var recipe = Path.Combine(RepositoryPaths.Recipes, "embedded-conv-finetune.json");
        using var log = new CollectedLog();
        var result = RecipeRunner.RunFile(recipe, [$"output={output}", "device=cpu", "pretraining.layers[0].epochs=1", "pretraining.layers[1].epochs=1",
            "pretraining.layers[0].channels=4", "pretraining.layers[1].channels=4", "training.epochs=2", "evaluation.linearProbe=false",
            "consistency={\"epochs\": 2, \"threshold\": 0.5, \"unlabeledRatio\": 2, \"schedule\": \"cosine\", \"learningRate\": 0.002}"], log);

        result.ConsistencyTestAccuracy.Should().BeGreaterThan(0.2, "two passes over 4,500 unlabeled images beside 200 labels beat chance (0.1)");
        result.ScratchConsistencyTestAccuracy.Should().NotBeNull("the scratch arm goes through the same step with the same budget");
        log.Text.Should().Contain("Consistency training of the network fine-tuned: 2 passes over 4500 unlabeled examples, 2 per labeled one in each batch")
            .And.Contain("at learning rate 0.002 (consistency.learningRate) (cosine schedule)").And.Contain("consistency epoch 2/2").And.Contain("pseudoLabeledShare");
        using var network = Pretrain.FineTuning.Models.SavedNetwork.Load(Path.Combine(result.RunFolder, "network-consistency.json"));
        network.Spec.Convolutions.Should().HaveCount(2);
        File.Exists(Path.Combine(result.RunFolder, "network-consistency-scratch.json")).Should().BeTrue();
        File.Exists(Path.Combine(result.RunFolder, "checkpoints", "consistency.safetensors")).Should().BeTrue("every pass is checkpointed");
        File.Exists(Path.Combine(result.RunFolder, "confusion-consistency.csv")).Should().BeTrue("the network is tested once");
    }

    [Fact]
    public void Consistency_training_that_does_worse_on_validation_keeps_the_network_it_started_from_and_says_so()
    {
        var output = Path.Combine(_folder, "consistency-worse").Replace('\\', '/');
        var recipe = Path.Combine(RepositoryPaths.Recipes, "embedded-conv-finetune.json");
        using var log = new CollectedLog();
        // Adam at a rate of 3 wrecks the fine-tuned network in the one pass, so no pass can beat where it started.
        var result = RecipeRunner.RunFile(recipe, [$"output={output}", "device=cpu", "pretraining.layers[0].epochs=1", "pretraining.layers[1].epochs=1",
            "pretraining.layers[0].channels=4", "pretraining.layers[1].channels=4", "training.epochs=3", "evaluation.linearProbe=false",
            "evaluation.compareWithScratch=false", "consistency={\"epochs\": 1, \"threshold\": 0.5, \"unlabeledRatio\": 2, \"learningRate\": 3}"], log);

        log.Text.Should().Contain("Consistency training of the network fine-tuned did not beat it on validation")
            .And.Contain("the network is kept as it was before, and network-consistency is that network");
        result.ConsistencyTestAccuracy.Should().Be(result.TestAccuracy, "the network tested after the step is the one fine-tuning left");
        result.ConsistencyKeptStart.Should().BeTrue("result.json and the command's summary say which network was kept");
        using var fineTuned = Pretrain.FineTuning.Models.SavedNetwork.Load(Path.Combine(result.RunFolder, "network.json"));
        using var kept = Pretrain.FineTuning.Models.SavedNetwork.Load(Path.Combine(result.RunFolder, "network-consistency.json"));
        var keptState = kept.Module.state_dict();
        foreach (var (name, tensor) in fineTuned.Module.state_dict())
            tensor.equal(keptState[name]).all().item<bool>().Should().BeTrue($"the saved network is the kept one ({name}, batch-norm statistics included)");
    }

    [Fact]
    public void Distillation_trains_a_student_of_each_arm_on_the_teachers_probabilities_and_saves_it()
    {
        var output = Path.Combine(_folder, "distil").Replace('\\', '/');
        var recipe = Path.Combine(RepositoryPaths.Recipes, "embedded-conv-finetune.json");
        using var log = new CollectedLog();
        var result = RecipeRunner.RunFile(recipe, [$"output={output}", "device=cpu", "pretraining.layers[0].epochs=1", "pretraining.layers[1].epochs=1",
            "pretraining.layers[0].channels=4", "pretraining.layers[1].channels=4", "training.epochs=2", "evaluation.linearProbe=false",
            "distillation={\"epochs\": 2, \"temperature\": 0.5}"], log);

        result.DistilledTestAccuracy.Should().BeGreaterThan(0.2, "two epochs on 4,700 examples, most labeled by the teacher, beat chance (0.1)");
        result.ScratchDistilledTestAccuracy.Should().NotBeNull("the scratch arm distils its own network with the same budget");
        log.Text.Should().Contain("labels 4500 unlabeled examples (temperature 0.5").And.Contain("on 4700 examples (200 with labels");
        using var student = Pretrain.FineTuning.Models.SavedNetwork.Load(Path.Combine(result.RunFolder, "network-distilled.json"));
        student.Spec.Convolutions.Should().HaveCount(2);
        File.Exists(Path.Combine(result.RunFolder, "network-distilled-scratch.json")).Should().BeTrue();
        File.Exists(Path.Combine(result.RunFolder, "confusion-distilled.csv")).Should().BeTrue();
    }

    [Fact]
    public void With_two_rounds_the_first_student_teaches_the_second_with_the_distillation_augmentation_and_schedule()
    {
        var output = Path.Combine(_folder, "rounds").Replace('\\', '/');
        var recipe = Path.Combine(RepositoryPaths.Recipes, "embedded-conv-finetune.json");
        using var log = new CollectedLog();
        var result = RecipeRunner.RunFile(recipe, [$"output={output}", "device=cpu", "pretraining.layers[0].epochs=1", "pretraining.layers[1].epochs=1",
            "pretraining.layers[0].channels=4", "pretraining.layers[1].channels=4", "training.epochs=2", "evaluation.linearProbe=false",
            "evaluation.compareWithScratch=false",
            "distillation={\"epochs\": 1, \"rounds\": 2, \"schedule\": \"cosine\", \"augmentation\": { \"shift\": 1, \"rotation\": 10 } }"], log);

        result.DistilledTestAccuracy.Should().BeGreaterThan(0.2, "two students of one epoch each on 4,700 examples beat chance (0.1)");
        log.Text.Should().Contain("Distillation (round 1 of 2): the network fine-tuned labels 4500 unlabeled examples")
            .And.Contain("Distillation (round 2 of 2): the round 1 student labels 4500 unlabeled examples")
            .And.Contain("Distillation (round 2 of 2): the student's best validation accuracy")
            .And.Contain("for up to 1 epochs at learning rate 0.001 (cosine schedule)");
        File.Exists(Path.Combine(result.RunFolder, "checkpoints", "distillation-round2.safetensors")).Should().BeTrue("each round keeps its own checkpoint");
        File.Exists(Path.Combine(result.RunFolder, "network-distilled.json")).Should().BeTrue("the last round's student is saved");
    }

    [Fact]
    public void A_student_of_another_architecture_learns_from_each_arms_teacher_and_is_saved_with_its_own_layers()
    {
        var output = Path.Combine(_folder, "student").Replace('\\', '/');
        var recipe = Path.Combine(RepositoryPaths.Recipes, "embedded-conv-finetune.json");
        using var log = new CollectedLog();
        var result = RecipeRunner.RunFile(recipe, [$"output={output}", "device=cpu", "pretraining.layers[0].epochs=1", "pretraining.layers[1].epochs=1",
            "pretraining.layers[0].channels=4", "pretraining.layers[1].channels=4", "training.epochs=2", "evaluation.linearProbe=false",
            "distillation={\"epochs\": 2, \"student\": { \"convolutions\": [ { \"channels\": 3, \"kernel\": 3, \"padding\": 1, \"poolSize\": 4 } ], \"hiddenLayers\": [16] } }"], log);

        result.DistilledTestAccuracy.Should().BeGreaterThan(0.2, "two epochs of a small CNN on 4,700 examples, most labeled by the teacher, beat chance (0.1)");
        result.ScratchDistilledTestAccuracy.Should().NotBeNull();
        log.Text.Should().Contain("Training the student (distillation.student conv3x3/pool4-147-16-10 from random weights)");
        foreach (var name in new[] { "network-distilled.json", "network-distilled-scratch.json" })
        {
            using var student = Pretrain.FineTuning.Models.SavedNetwork.Load(Path.Combine(result.RunFolder, name));
            student.Spec.Convolutions.Should().ContainSingle().Which.Channels.Should().Be(3, $"{name} is the student's architecture, not the teacher's");
            student.Spec.HiddenLayers.Should().Equal(16);
            using var probabilities = student.PredictProbabilities(TorchSharp.torch.rand(2, 784));
            probabilities.shape.Should().Equal([2L, 10L], "the student's weights load into the architecture its manifest names");
        }
    }

    [Fact]
    public void A_student_that_does_not_fit_the_images_is_refused_before_anything_trains()
    {
        var output = Path.Combine(_folder, "bad-student").Replace('\\', '/');
        var recipe = Path.Combine(RepositoryPaths.Recipes, "embedded-conv-finetune.json");
        var act = () => RecipeRunner.RunFile(recipe, [$"output={output}", "device=cpu", "evaluation.linearProbe=false",
            "distillation={\"student\": { \"convolutions\": [ { \"channels\": 3, \"kernel\": 40 } ] } }"]);

        act.Should().Throw<PretrainException>().Which.Message.Should().StartWith("distillation.student.convolutions[0]: kernel 40 does not fit");
        Directory.GetFiles(output, "*.safetensors", SearchOption.AllDirectories).Should().BeEmpty("nothing was trained");
    }

        public void Dispose() => Directory.Delete(_folder, recursive: true);
}
