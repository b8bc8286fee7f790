namespace Pretrain.Pretraining.Validation;

/// <summary>
/// Options a trainer refuses; the message names what they configure and lists every problem with its field, e.g.
/// <c>auxiliary training: batchSize: expected at least 2 (...), received 1.</c>
/// </summary>
public sealed class InvalidOptionsException : PretrainException
{
    /// <summary>Creates the exception for the options of <paramref name="name"/> with their <paramref name="problems"/>.</summary>
    /// <param name="name">What the options configure, e.g. <c>supervised training</c>.</param>
    /// <param name="problems">Every problem found.</param>
    public InvalidOptionsException(string name, IReadOnlyList<OptionProblem> problems)
        : base($"{name}: {string.Join(" ", problems ?? [])}")
    {
        Problems = problems ?? [];
    }

    /// <summary>Creates an exception with a message only.</summary>
    public InvalidOptionsException(string message) : base(message) => Problems = [];

    /// <summary>Creates an exception with a message and cause.</summary>
    public InvalidOptionsException(string message, Exception innerException) : base(message, innerException) => Problems = [];

    /// <summary>Creates an exception with no message.</summary>
    public InvalidOptionsException() : this("invalid options") { }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<OptionProblem> Problems { get; }
}
