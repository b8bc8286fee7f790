namespace Pretrain.Pretraining.Validation;

/// <summary>
/// One thing wrong with a set of options: the field's JSON path relative to the options (camelCase, <c>[i]</c> for
/// list items, e.g. <c>batchSize</c>, <c>hiddenLayers[1]</c>, <c>corruption.fraction</c>) and what was expected and
/// received. Relative paths let a recipe report the same problem by prefixing its section's path, so library callers
/// and recipe users read the same words.
/// </summary>
/// <param name="Path">The field's path relative to the options.</param>
/// <param name="Message">What was expected and what was received, e.g. <c>expected a positive integer, received 0.</c></param>
public sealed record OptionProblem(string Path, string Message)
{
    /// <summary>This problem seen from a containing object: <paramref name="prefix"/> (e.g. <c>corruption</c>) and a dot before the path.</summary>
    public OptionProblem Under(string prefix) => this with { Path = prefix.Length == 0 ? Path : $"{prefix}.{Path}" };

    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}
