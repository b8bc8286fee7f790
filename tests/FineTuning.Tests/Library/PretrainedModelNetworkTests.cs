using Pretrain.FineTuning.Catalog;
using Pretrain.FineTuning.Library;
using Pretrain.FineTuning.Tests.Models;
using Pretrain.Pretraining;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Library;

public sealed class PretrainedModelNetworkTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrained-network-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_saved_network_loads_as_a_model_whose_classifiers_start_from_its_weights()
    {
        using var original = SavedNetworkFiles.Save(_folder);
        using var model = PretrainedModel.Load(_folder, device: "cpu");

        model.Network.Should().NotBeNull();
        model.InputFeatures.Should().Be(6);
        FluentActions.Invoking(() => model.Stack).Should().Throw<InvalidOperationException>().WithMessage("*saved network*");
        var source = original.state_dict();

        using var same = model.CreateClassifier(classCount: 3);
        foreach (var (name, tensor) in same.state_dict())
            tensor.equal(source[name]).all().item<bool>().Should().BeTrue($"{name} is copied when nothing changes");

        using var retargeted = model.CreateClassifier(classCount: 4, reuseLayers: 1, extraLayers: [7]);
        var state = retargeted.state_dict();
        foreach (var name in new[] { "hidden1.weight", "hidden1.bias", "bn1.weight", "bn1.running_mean", "act1.weight" })
            state[name].equal(source[name]).all().item<bool>().Should().BeTrue($"{name} belongs to the reused layer");
        state["hidden2.weight"].shape.Should().Equal(7, 5);
        state["head.weight"].shape.Should().Equal(4, 7);
        FluentActions.Invoking(() => model.CreateClassifier(3, reuseLayers: 3)).Should().Throw<PretrainException>().WithMessage("reuseLayers*0 to 2*3*");
    }

    [Fact]
    public void A_network_added_to_the_catalog_loads_by_name()
    {
        using var _ = SavedNetworkFiles.Save(Path.Combine(_folder, "run"));
        var catalog = new ModelCatalog(Path.Combine(_folder, "models"));
        catalog.AddNetwork(new CatalogEntry { Name = "tiny-net" }, Path.Combine(_folder, "run", "network.json"));

        catalog.Get("tiny-net").Kind.Should().Be("network");
        Directory.GetFiles(catalog.PathOf("tiny-net")).Select(Path.GetFileName).Should().BeEquivalentTo(["entry.json", "network.json", "network.safetensors"]);
        var previous = Environment.GetEnvironmentVariable("PRETRAIN_MODELS");
        Environment.SetEnvironmentVariable("PRETRAIN_MODELS", catalog.Root);
        try
        {
            using var model = PretrainedModel.Load("catalog:tiny-net", device: "cpu");
            model.Network!.ClassNames.Should().HaveCount(3);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PRETRAIN_MODELS", previous);
        }
        FluentActions.Invoking(() => catalog.AddNetwork(new CatalogEntry { Name = "tiny-net" }, Path.Combine(_folder, "run")))
            .Should().Throw<PretrainException>().WithMessage("*exists already*");
    }
}
