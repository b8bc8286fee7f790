namespace Pretrain.Pretraining.Data;

/// <summary>How to read a CSV file of numeric features.</summary>
public sealed record CsvOptions
{
    /// <summary>The label column, by header name or 0-based index; null for unlabeled data.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>Whether the first row is a header; null detects it (a first row with a non-numeric field).</summary>
    public bool? HasHeader { get; init; }

    /// <summary>Field separator. Default ','.</summary>
    public char Delimiter { get; init; } = ',';
}
