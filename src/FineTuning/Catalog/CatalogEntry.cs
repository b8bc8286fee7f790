namespace Pretrain.FineTuning.Catalog;

/// <summary>What the catalog knows about one saved model (<c>entry.json</c> next to its files).</summary>
public sealed record CatalogEntry
{
    /// <summary>Unique name: lower-case letters, digits, '.', '_' and '-'.</summary>
    public required string Name { get; init; }

    /// <summary>What kind of model the folder holds; <c>stack</c> (a pretrained stack, docs/stack-format.md), <c>network</c> (a saved network) or <c>text</c> (a saved text model; both docs/saved-network.md).</summary>
    public string Kind { get; init; } = "stack";

    /// <summary>What it was trained for (e.g. <c>unsupervised pretraining, 784-500-500 DAE</c>).</summary>
    public string? Task { get; init; }

    /// <summary>What it was trained on (e.g. <c>Fashion-MNIST train, 55,000 images</c>).</summary>
    public string? Data { get; init; }

    /// <summary>Headline metrics by name.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>The catalog name of the model this one was derived from, if any.</summary>
    public string? Parent { get; init; }

    /// <summary>The run folder that produced it, if any.</summary>
    public string? Run { get; init; }

    /// <summary>When it was added.</summary>
    public DateTimeOffset Created { get; init; }
}
