using Pretrain.FineTuning.Catalog;
using Pretrain.Pretraining;
using Pretrain.Pretraining.Layers;
using Pretrain.Pretraining.Stacks;
using static TorchSharp.torch;

namespace Pretrain.FineTuning.Tests.Catalog;

public sealed class ModelCatalogTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pretrain-catalog-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string SavedStack()
    {
        var path = Path.Combine(_folder, "run", "stack");
        using var stack = new PretrainedStack([3]);
        stack.Add(new PretrainedLayer("autoencoder", rand(2, 3), rand(2), EncoderActivation.Sigmoid));
        StackStore.Save(stack, path);
        return path;
    }

    [Fact]
    public void Stack_references_are_catalog_names_or_folder_paths()
    {
        ModelCatalog.NameIn("catalog:tiny-dae").Should().Be("tiny-dae");
        ModelCatalog.NameIn("runs/x/stack").Should().BeNull();
        ModelCatalog.ResolveStack("runs/x/stack", p => "/base/" + p).Should().Be("/base/runs/x/stack");
        ModelCatalog.ResolveStack("runs/x/stack").Should().Be("runs/x/stack");
    }

    [Fact]
    public void A_stack_added_to_the_catalog_can_be_listed_shown_loaded_and_removed()
    {
        var catalog = new ModelCatalog(Path.Combine(_folder, "models"));
        catalog.List().Should().BeEmpty();
        catalog.AddStack(new CatalogEntry { Name = "tiny-dae", Task = "test", Created = DateTimeOffset.UnixEpoch }, SavedStack());

        catalog.List().Select(e => e.Name).Should().Equal("tiny-dae");
        catalog.Get("tiny-dae").Task.Should().Be("test");
        using (var loaded = StackStore.Load(catalog.PathOf("tiny-dae")))
            loaded.Layers.Should().ContainSingle();
        Directory.GetDirectories(catalog.Root).Should().ContainSingle("no temporary folder is left behind");

        catalog.Remove("tiny-dae");
        catalog.List().Should().BeEmpty();
    }

    [Fact]
    public void Unknown_names_duplicates_and_bad_names_are_clear_errors()
    {
        var catalog = new ModelCatalog(Path.Combine(_folder, "models"));
        var stack = SavedStack();
        catalog.AddStack(new CatalogEntry { Name = "a" }, stack);

        var unknown = () => catalog.PathOf("b");
        unknown.Should().Throw<PretrainException>().WithMessage("*no model named 'b'; it holds a.");
        var duplicate = () => catalog.AddStack(new CatalogEntry { Name = "a" }, stack);
        duplicate.Should().Throw<PretrainException>().WithMessage("*a model named 'a' exists already*");
        var badName = () => catalog.AddStack(new CatalogEntry { Name = "../escape" }, stack);
        badName.Should().Throw<PretrainException>().WithMessage("model name '../escape': expected lower-case letters*");
    }
}
