using Pretrain.Recipes.Model;

namespace Pretrain.Recipes.Tests.Model;

public sealed class RecipeValidationTests
{
    private const string Minimal = """{ "data": { "train": { "format": "embedded" } } }""";

    private static RecipeException Invalid(string json, params string[] overrides)
    {
        var act = () => RecipeLoader.Parse(json, "recipes/test.json", overrides);
        return act.Should().Throw<RecipeException>().Which;
    }

    [Fact]
    public void A_minimal_recipe_gets_the_documented_defaults()
    {
        var recipe = RecipeLoader.Parse(Minimal, "recipes/test.json").Recipe;
        recipe.Seed.Should().Be(42);
        recipe.Device.Should().Be("auto");
        recipe.Data!.ValidationFraction.Should().Be(0.1);
        recipe.Model.HiddenLayers.Should().Equal(256, 128);
        recipe.Training!.Epochs.Should().Be(20);
        recipe.Data.Train.Should().BeOfType<EmbeddedSourceSpec>();
    }

    [Fact]
    public void Comments_and_trailing_commas_are_allowed()
    {
        var json = """
            {
              // a comment
              "data": { "train": { "format": "embedded", }, },
            }
            """;
        RecipeLoader.Parse(json, "r.json").Recipe.Data!.Train.Should().BeOfType<EmbeddedSourceSpec>();
    }

    [Fact]
    public void An_unknown_field_is_named_with_its_path_and_the_allowed_fields()
    {
        var error = Invalid("""{ "data": { "train": { "format": "embedded" } }, "training": { "epoch": 3 } }""");
        error.Message.Should().Contain("recipes/test.json: training.epoch: unknown field")
            .And.Contain("epochs").And.Contain("learningRate");
    }

    [Fact]
    public void Auxiliary_pretraining_problems_are_named_with_their_paths()
    {
        var error = Invalid("""
            { "data": { "train": { "format": "embedded" } },
              "pretraining": {
                "layers": [ { "kind": "rbm", "hiddenUnits": 10 } ],
                "auxiliary": { "task": "jigsaw", "corruption": { "kind": "blockMask", "fraction": 2 }, "hiddenLayers": [0], "batchSize": 1 } } }
            """);
        error.Problems.Select(p => p.Path).Should().Contain("pretraining.auxiliary.task");
        var shapeFixed = Invalid("""
            { "data": { "train": { "format": "embedded" } },
              "pretraining": {
                "layers": [ { "kind": "rbm", "hiddenUnits": 10 } ],
                "auxiliary": { "corruption": { "kind": "blockMask", "fraction": 2 }, "hiddenLayers": [0], "batchSize": 1 } } }
            """);
        shapeFixed.Problems.Select(p => p.Path).Should().Contain([
            "pretraining.auxiliary", "pretraining.auxiliary.hiddenLayers[0]", "pretraining.auxiliary.batchSize", "pretraining.auxiliary.corruption.fraction"]);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var error = Invalid("""
            { "data": { "train": { "format": "embedded" } },
              "model": { "activation": "swish", "hiddenLayers": [100, "x"] },
              "training": { "epochs": "ten", "optimizer": "adamax" } }
            """);
        error.Problems.Select(p => p.Path).Should().BeEquivalentTo(
            "model.activation", "model.hiddenLayers[1]", "training.epochs", "training.optimizer");
        error.Message.Should().Contain("training.epochs: expected an integer, received \"ten\"");
        error.Message.Should().Contain("model.activation: expected one of sigmoid, tanh, relu");
    }

    [Fact]
    public void Values_out_of_range_are_named_with_what_is_allowed()
    {
        var error = Invalid("""
            { "device": "gpu", "data": { "train": { "format": "embedded" }, "validationFraction": 1.5, "labelsPerClass": 0 },
              "model": { "hiddenLayers": [0], "dropout": 1 },
              "training": { "epochs": 0, "learningRate": -1 } }
            """);
        error.Message.Should().Contain("recipes/test.json: model.hiddenLayers[0]: expected a positive integer, received 0.");
        error.Problems.Select(p => p.Path).Should().Contain(new[]
        {
            "device", "data.validationFraction", "data.labelsPerClass", "model.dropout", "training.epochs", "training.learningRate",
        });
        error.Problems.Single(p => p.Path == "device").Message.Should().Contain("auto, cpu, cuda or cuda:N").And.Contain("gpu");
    }

    [Fact]
    public void A_missing_required_section_and_an_unknown_format_are_reported()
    {
        Invalid("""{ "name": "x" }""").Message.Should().Contain("data: required field is missing");
        Invalid("""{ "data": { "train": { "format": "parquet" } } }""").Message
            .Should().Contain("data.train.format: expected one of embedded, fashionMnist, idx, csv, npy, npz, imageFolder, shards, received \"parquet\"");
        Invalid("""{ "data": { "train": { "path": "x.csv" } } }""").Message
            .Should().Contain("data.train.format: required field is missing");
    }

    [Fact]
    public void Fields_of_the_chosen_format_are_checked()
    {
        var error = Invalid("""{ "data": { "train": { "format": "csv", "file": "x.csv" } } }""");
        error.Message.Should().Contain("data.train.file: unknown field").And.Contain("labelColumn");
        error.Message.Should().Contain("data.train.path: required field is missing");
    }

    [Fact]
    public void A_data_file_that_does_not_exist_is_named()
    {
        var error = Invalid("""{ "data": { "train": { "format": "csv", "path": "no-such-file.csv" } } }""");
        error.Problems.Should().ContainSingle(p => p.Path == "data.train.path" && p.Message.Contains("no-such-file.csv"));
    }

    [Fact]
    public void Invalid_json_reports_the_line()
    {
        Invalid("{ \"name\": \"x\",\n  \"seed\": }").Message.Should().Contain("not valid JSON (line 2");
    }

    [Fact]
    public void Overrides_are_applied_before_validation()
    {
        var loaded = RecipeLoader.Parse(Minimal, "r.json", ["training.epochs=3", "model.hiddenLayers=[500,500]", "name=sweep-1", "training.optimizer=sgd"]);
        loaded.Recipe.Training!.Epochs.Should().Be(3);
        loaded.Recipe.Model.HiddenLayers.Should().Equal(500, 500);
        loaded.Recipe.Name.Should().Be("sweep-1");

        Invalid(Minimal, "training.epochs=-2").Problems.Should().ContainSingle(p => p.Path == "training.epochs");
        var layered = RecipeLoader.Parse("""{ "data": { "train": { "format": "embedded" } }, "pretraining": { "layers": [ { "kind": "rbm", "hiddenUnits": 5 } ] }, "evaluation": { "linearProbe": false } }""", "r.json",
            ["pretraining.layers[0].epochs=2", "pretraining.layers[0].precision=bfloat16"]);
        layered.Recipe.Pretraining!.Layers[0].Should().BeOfType<Pretrain.Pretraining.Layers.Rbm.RbmOptions>().Which.Epochs.Should().Be(2);
        Invalid(Minimal, "pretraining.layers[3].epochs=2").Message.Should().Contain("has no item 3");
        Invalid(Minimal, "epochs").Message.Should().Contain("--set expects path=value");
    }

    [Fact]
    public void The_resolved_recipe_lists_every_default()
    {
        var resolved = RecipeLoader.Parse(Minimal, "r.json").ResolvedJson;
        resolved.Should().Contain("\"learningRate\": 0.001").And.Contain("\"format\": \"embedded\"").And.Contain("\"scaling\": \"unit\"");
    }

    [Fact]
    public void A_missing_recipe_file_is_named()
    {
        var act = () => RecipeLoader.Load("does/not/exist.json");
        act.Should().Throw<RecipeException>().WithMessage("does/not/exist.json: file not found.");
    }

    [Fact]
    public void Pretraining_layers_are_checked_with_their_index_and_kind()
    {
        var error = Invalid("""
            { "data": { "train": { "format": "embedded" } },
              "pretraining": { "layers": [
                { "kind": "autoencoder", "hiddenUnits": 500, "noise": "blur" },
                { "kind": "rbm", "hiddenUnits": 0, "cdSteps": 0 },
                { "kind": "boltzmann", "hiddenUnits": 10 },
                { "kind": "rbm", "hiddenUnits": 10, "precision": "bfloat16", "epoch": 3 } ] } }
            """);
        error.Message.Should().Contain("pretraining.layers[0].noise: expected one of none, masking, gaussian, saltAndPepper, received \"blur\"");
        error.Message.Should().Contain("pretraining.layers[2].kind: expected one of autoencoder, rbm, convAutoencoder, convRbm, received \"boltzmann\"");
        error.Message.Should().Contain("pretraining.layers[3].epoch: unknown field");
        var ranges = Invalid("""
            { "data": { "train": { "format": "embedded" } },
              "pretraining": { "layers": [ { "kind": "rbm", "hiddenUnits": 0, "cdSteps": 0 } ] }, "evaluation": { "linearProbe": false } }
            """);
        ranges.Problems.Select(p => p.Path).Should().Contain(["pretraining.layers[0].hiddenUnits", "pretraining.layers[0].cdSteps"]);
    }

    [Fact]
    public void Transfer_settings_are_checked()
    {
        var error = Invalid("""
            { "data": { "train": { "format": "embedded" } }, "model": { "initialization": "pretrained" },
              "training": { "unfreezeEveryEpochs": 0, "layerLearningRateFactor": 2 }, "evaluation": { "compareWithScratch": true } }
            """);
        error.Problems.Select(p => p.Path).Should().Contain(["model.initialization", "training.unfreezeEveryEpochs", "training.layerLearningRateFactor"]);
        error.Message.Should().Contain("'pretrained' needs a pretraining section");
    }

    [Fact]
    public void Unfreezing_after_epochs_needs_layers_frozen_to_unfreeze()
    {
        var error = Invalid("""
            { "data": { "train": { "format": "embedded" } }, "training": { "unfreezeAfterEpochs": 3 } }
            """);
        error.Problems.Select(p => p.Path).Should().Equal("training.unfreezeAfterEpochs");
        error.Message.Should().Contain("but model.freezeLayers is 0");
    }

    [Fact]
    public void A_standard_batch_norm_start_needs_batch_norm_after_pretrained_layers()
    {
        var error = Invalid("""
            { "data": { "train": { "format": "embedded" } }, "model": { "batchNorm": true, "batchNormStart": "standard" } }
            """);
        error.Problems.Select(p => p.Path).Should().Equal("model.batchNormStart");
        error.Message.Should().Contain("set model.batchNorm to true and model.initialization to 'pretrained'");
        var accepted = RecipeLoader.Parse("""
            { "data": { "train": { "format": "embedded" } },
              "pretraining": { "layers": [ { "kind": "autoencoder", "hiddenUnits": 10 } ] },
              "model": { "initialization": "pretrained", "batchNorm": true, "batchNormStart": "standard" },
              "training": { "epochs": 1 }, "evaluation": { "linearProbe": false } }
            """, "recipes/test.json").Recipe;
        accepted.Model.BatchNormStart.Should().Be(Pretrain.FineTuning.Networks.BatchNormStart.Standard);
    }

    [Fact]
    public void Consistency_settings_out_of_range_are_refused_each_with_its_path()
    {
        var error = Invalid("""
            { "data": { "train": { "format": "embedded" }, "labelsPerClass": 5 },
              "consistency": { "epochs": 0, "threshold": 2, "unlabeledRatio": 0, "weight": -1, "patience": 0, "learningRate": 0, "augmentation": { "crop": 0 } } }
            """);
        error.Problems.Select(p => p.Path).Should().BeEquivalentTo("consistency.epochs", "consistency.threshold", "consistency.unlabeledRatio",
            "consistency.weight", "consistency.patience", "consistency.learningRate", "consistency.augmentation.crop");
    }

    [Fact]
    public void Consistency_training_needs_validation_data_and_examples_without_labels()
    {
        var error = Invalid("""
            { "data": { "train": { "format": "embedded" }, "validationFraction": 0 }, "consistency": { } }
            """);
        error.Problems.Select(p => p.Path).Should().Equal("consistency", "consistency");
        error.Message.Should().Contain("set data.validationFraction above 0").And.Contain("every training example is labeled");
        var accepted = RecipeLoader.Parse("""
            { "data": { "train": { "format": "embedded" }, "labelsPerClass": 5 }, "consistency": { "epochs": 3, "threshold": 0.9 } }
            """, "recipes/test.json").Recipe;
        accepted.Consistency!.Epochs.Should().Be(3);
        accepted.Consistency.Threshold.Should().Be(0.9);
        accepted.Consistency.Augmentation.Crop.Should().Be(0.5, "the strong changes default to the contrastive views");
    }

    [Fact]
    public void Distillation_settings_out_of_range_are_refused_each_with_its_path()
    {
        var error = Invalid("""
            { "data": { "train": { "format": "embedded" }, "labelsPerClass": 5 },
              "distillation": { "epochs": 0, "temperature": 0, "patience": 0, "rounds": 0, "augmentation": { "erasing": 2 } } }
            """);
        error.Problems.Select(p => p.Path).Should().BeEquivalentTo("distillation.epochs", "distillation.temperature", "distillation.patience",
            "distillation.rounds", "distillation.augmentation.erasing");
    }

    [Fact]
    public void Distillation_needs_validation_data_and_examples_without_labels()
    {
        var error = Invalid("""
            { "data": { "train": { "format": "embedded" }, "validationFraction": 0 }, "distillation": { } }
            """);
        error.Problems.Select(p => p.Path).Should().Equal("distillation", "distillation");
        error.Message.Should().Contain("set data.validationFraction above 0").And.Contain("every training example is labeled");
        var accepted = RecipeLoader.Parse("""
            { "data": { "train": { "format": "embedded" }, "labelsPerClass": 5 }, "distillation": { "epochs": 3, "temperature": 0.5 } }
            """, "recipes/test.json").Recipe;
        accepted.Distillation!.Epochs.Should().Be(3);
        accepted.Distillation.Temperature.Should().Be(0.5);
    }

    [Fact]
    public void A_student_that_is_not_a_network_from_random_weights_is_refused_with_its_paths()
    {
        var error = Invalid("""
            { "data": { "train": { "format": "embedded" }, "labelsPerClass": 5 },
              "distillation": { "student": { "hiddenLayers": [0], "initialization": "pretrained", "freezeLayers": 1,
                                             "restore": { "path": "w.safetensors" } } } }
            """);
        error.Problems.Select(p => p.Path).Should().Contain(["distillation.student.hiddenLayers[0]", "distillation.student.initialization",
            "distillation.student.restore", "distillation.student.freezeLayers"]);
        error.Message.Should().Contain("a student starts from random weights");
        var accepted = RecipeLoader.Parse("""
            { "data": { "train": { "format": "embedded" }, "labelsPerClass": 5 },
              "distillation": { "epochs": 2, "student": { "convolutions": [ { "channels": 8 } ], "hiddenLayers": [32] } } }
            """, "recipes/test.json").Recipe;
        accepted.Distillation!.Student!.Convolutions.Should().ContainSingle().Which.Channels.Should().Be(8);
        accepted.Distillation.Epochs.Should().Be(2);
    }
}
