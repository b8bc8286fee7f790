using System.Text.Json.Serialization;

namespace Pretrain.Pretraining.Data.Shards;

/// <summary>
/// The <c>shards.json</c> of a sharded data set: a folder of <c>.npy</c> files, features float32
/// <c>[rows, ...SampleShape]</c> and optional labels int64 <c>[rows]</c> per shard, read through memory mapping so a
/// data set larger than memory can be trained on. The manifest is written last: a folder without one is incomplete.
/// See docs/scaling.md for the format.
/// </summary>
public sealed record ShardManifest
{
    /// <summary>The value of <see cref="Format"/>.</summary>
    public const string FormatName = "pretrain-shards";

    /// <summary>The manifest's file name inside the folder.</summary>
    public const string FileName = "shards.json";

    /// <summary>Always <c>pretrain-shards</c>, so a stray JSON file is not mistaken for a manifest.</summary>
    public string Format { get; init; } = FormatName;

    /// <summary>Format version: 1.</summary>
    public int Version { get; init; } = 1;

    /// <summary>Rows (examples) in all shards together.</summary>
    public long Rows { get; init; }

    /// <summary>The shape of one example, e.g. <c>[28, 28]</c>.</summary>
    public IReadOnlyList<long> SampleShape { get; init; } = [];

    /// <summary>The features' dtype: <c>float32</c> (the only one written).</summary>
    public string Dtype { get; init; } = "float32";

    /// <summary>Whether every shard has a labels file (int64).</summary>
    public bool Labeled { get; init; }

    /// <summary>Number of classes (labels lie in <c>0..ClassCount-1</c>); null when unlabeled.</summary>
    public int? ClassCount { get; init; }

    /// <summary>The classes' names, when the source had them (Fashion-MNIST's); else null.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>True when the values are raw 0..255 pixels (written from IDX images), which unit scaling divides by 255.</summary>
    public bool Pixels { get; init; }

    /// <summary>Where the rows came from, for logs.</summary>
    public string? Source { get; init; }

    /// <summary>The shards, in row order.</summary>
    public IReadOnlyList<ShardEntry> Shards { get; init; } = [];
}

/// <summary>One shard of a <see cref="ShardManifest"/>.</summary>
public sealed record ShardEntry
{
    /// <summary>The features file, relative to the folder.</summary>
    public required string Features { get; init; }

    /// <summary>The labels file, relative to the folder; null when unlabeled.</summary>
    public string? Labels { get; init; }

    /// <summary>Rows in this shard.</summary>
    public long Rows { get; init; }

    /// <summary>The features file's length in bytes (checked whenever the set is opened).</summary>
    public long FeaturesBytes { get; init; }

    /// <summary>The labels file's length in bytes.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? LabelsBytes { get; init; }

    /// <summary>SHA-256 of the features file (lower-case hex), checked when asked for; null when not recorded (a spilled cache).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FeaturesSha256 { get; init; }

    /// <summary>SHA-256 of the labels file.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LabelsSha256 { get; init; }
}
